import type { CommandDef } from '../types.js';
import { imageCreate } from './create.js';
import { imageList } from './list.js';
import { imageShow } from './show.js';

export const IMAGE_COMMANDS: CommandDef<any>[] = [imageList, imageShow, imageCreate];
