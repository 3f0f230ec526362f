import type { CommandDef } from '../types.js';

export const CACHE_COMMANDS: CommandDef<any>[] = [];
