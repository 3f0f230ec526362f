import type { CommandDef } from '../types.js';

export const TASK_COMMANDS: CommandDef<any>[] = [];
