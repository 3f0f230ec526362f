/**
 * Every command, one module each, collected per group. Each group's index lists its own; this
 * file only lists the groups, so that work on different groups never touches the same file.
 */
import type { CommandDef } from './types.js';
import { CACHE_COMMANDS } from './cache/index.js';
import { IMAGE_COMMANDS } from './image/index.js';
import { IMPORT_COMMANDS } from './import/index.js';
import { INFO_COMMANDS } from './info/index.js';
import { LOCATION_COMMANDS } from './location/index.js';
import { MEMBER_COMMANDS } from './member/index.js';
import { METADEF_COMMANDS } from './metadef/index.js';
import { MISC_COMMANDS } from './misc/index.js';
import { SHELL_COMMANDS } from './shell/index.js';
import { TASK_COMMANDS } from './task/index.js';
import { TOKEN_COMMANDS } from './token/index.js';

export const COMMANDS: CommandDef<any>[] = [
  ...IMAGE_COMMANDS,
  ...IMPORT_COMMANDS,
  ...INFO_COMMANDS,
  ...CACHE_COMMANDS,
  ...MEMBER_COMMANDS,
  ...LOCATION_COMMANDS,
  ...TASK_COMMANDS,
  ...METADEF_COMMANDS,
  ...MISC_COMMANDS,
  ...TOKEN_COMMANDS,
  ...SHELL_COMMANDS,
];
