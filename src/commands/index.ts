/**
 * Every command, one module each, collected per group. Each group's index lists its own; keep
 * this file to the group list so that parallel work on different groups never touches it.
 */
import type { CommandDef } from './types.js';
import { IMAGE_COMMANDS } from './image/index.js';
import { INFO_COMMANDS } from './info/index.js';

export const COMMANDS: CommandDef<any>[] = [...IMAGE_COMMANDS, ...INFO_COMMANDS];
