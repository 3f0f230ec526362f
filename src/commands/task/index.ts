import type { CommandDef } from '../types.js';
import { taskCreate } from './create.js';
import { taskList } from './list.js';
import { taskShow } from './show.js';

export const TASK_COMMANDS: CommandDef<any>[] = [taskList, taskShow, taskCreate];
