import type { CommandDef } from '../types.js';
import { explain } from './explain.js';
import { usage } from './usage.js';

export const MISC_COMMANDS: CommandDef<any>[] = [usage, explain];
