import type { CommandDef } from '../types.js';

export const SHELL_COMMANDS: CommandDef<any>[] = [];
