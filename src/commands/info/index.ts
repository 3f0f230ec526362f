import type { CommandDef } from '../types.js';
import { importInfo } from './import-info.js';
import { storesInfo } from './stores-info.js';

export const INFO_COMMANDS: CommandDef<any>[] = [importInfo, storesInfo];
