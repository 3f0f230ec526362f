import type { CommandDef } from '../types.js';
import { complete } from './complete.js';
import { completion, manpage } from './completion.js';

export const SHELL_COMMANDS: CommandDef<any>[] = [completion, complete, manpage];
