import type { CommandDef } from '../types.js';

export const MEMBER_COMMANDS: CommandDef<any>[] = [];
