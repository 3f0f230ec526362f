import type { CommandDef } from '../types.js';
import { complete } from './complete.js';
import { bashCompletion, completion, manpage } from './completion.js';

export const SHELL_COMMANDS: CommandDef<any>[] = [completion, bashCompletion, complete, manpage];
