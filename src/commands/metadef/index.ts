import type { CommandDef } from '../types.js';

export const METADEF_COMMANDS: CommandDef<any>[] = [];
