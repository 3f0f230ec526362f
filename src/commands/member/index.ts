import type { CommandDef } from '../types.js';
import { memberCreate } from './create.js';
import { memberDelete } from './delete.js';
import { memberGet } from './get.js';
import { memberList } from './list.js';
import { memberUpdate } from './update.js';

export const MEMBER_COMMANDS: CommandDef<any>[] = [memberList, memberGet, memberCreate, memberUpdate, memberDelete];
