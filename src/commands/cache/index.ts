import type { CommandDef } from '../types.js';
import { MANAGE_COMMANDS } from './manage.js';
import { V2_CACHE_COMMANDS } from './v2.js';

export const CACHE_COMMANDS: CommandDef<any>[] = [...V2_CACHE_COMMANDS, ...MANAGE_COMMANDS];
