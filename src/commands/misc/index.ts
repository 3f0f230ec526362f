import type { CommandDef } from '../types.js';

export const MISC_COMMANDS: CommandDef<any>[] = [];
