import type { CommandDef } from '../types.js';
import { addLocationCmd } from './add-location.js';
import { locationAdd } from './add.js';
import { locationDelete } from './delete.js';
import { locationList } from './list.js';
import { locationUpdate } from './update.js';

export const LOCATION_COMMANDS: CommandDef<any>[] = [locationAdd, locationDelete, locationUpdate, addLocationCmd, locationList];
