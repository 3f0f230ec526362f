import type { CommandDef } from '../types.js';
import { tokenCacheClear } from './clear.js';
import { tokenCacheShow } from './show.js';

export const TOKEN_COMMANDS: CommandDef<any>[] = [tokenCacheShow, tokenCacheClear];
