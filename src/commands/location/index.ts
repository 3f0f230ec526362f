import type { CommandDef } from '../types.js';

export const LOCATION_COMMANDS: CommandDef<any>[] = [];
