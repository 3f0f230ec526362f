import type { CommandDef } from '../types.js';

export const IMPORT_COMMANDS: CommandDef<any>[] = [];
