import type { CommandDef } from '../types.js';

export const TOKEN_COMMANDS: CommandDef<any>[] = [];
