import type { CommandDef } from '../types.js';
import { imageDeactivate, imageReactivate } from './actions.js';
import { imageCreate } from './create.js';
import { imageDelete } from './delete.js';
import { imageDownload } from './download.js';
import { imageList } from './list.js';
import { imageShow } from './show.js';
import { imageTagDelete, imageTagUpdate } from './tags.js';
import { imageTasks } from './tasks.js';
import { imageUpdate } from './update.js';
import { imageStage, imageUpload } from './upload.js';

export const IMAGE_COMMANDS: CommandDef<any>[] = [
  imageList,
  imageShow,
  imageCreate,
  imageUpdate,
  imageUpload,
  imageStage,
  imageDownload,
  imageDelete,
  imageDeactivate,
  imageReactivate,
  imageTagUpdate,
  imageTagDelete,
  imageTasks,
];
