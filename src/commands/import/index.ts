import type { CommandDef } from '../types.js';
import { imageCreateViaImport } from './create-via-import.js';
import { imageImport } from './image-import.js';
import { imageWatch } from './image-watch.js';
import { storesDelete } from './stores-delete.js';

export const IMPORT_COMMANDS: CommandDef<any>[] = [imageCreateViaImport, imageImport, imageWatch, storesDelete];
