import type { CommandDef } from '../types.js';
import {
  mdNamespaceCreate,
  mdNamespaceDelete,
  mdNamespaceImport,
  mdNamespaceList,
  mdNamespaceObjectsDelete,
  mdNamespacePropertiesDelete,
  mdNamespaceResourceTypeList,
  mdNamespaceShow,
  mdNamespaceTagsDelete,
  mdNamespaceUpdate,
} from './namespace.js';
import {
  mdObjectCreate,
  mdObjectDelete,
  mdObjectList,
  mdObjectPropertyShow,
  mdObjectShow,
  mdObjectUpdate,
} from './object.js';
import { mdPropertyCreate, mdPropertyDelete, mdPropertyList, mdPropertyShow, mdPropertyUpdate } from './property.js';
import { mdResourceTypeAssociate, mdResourceTypeDeassociate, mdResourceTypeList } from './resource-type.js';
import { mdTagCreate, mdTagCreateMultiple, mdTagDelete, mdTagList, mdTagShow, mdTagUpdate } from './tag.js';

export const METADEF_COMMANDS: CommandDef<any>[] = [
  mdNamespaceCreate,
  mdNamespaceImport,
  mdNamespaceUpdate,
  mdNamespaceShow,
  mdNamespaceList,
  mdNamespaceDelete,
  mdNamespacePropertiesDelete,
  mdNamespaceObjectsDelete,
  mdNamespaceTagsDelete,
  mdNamespaceResourceTypeList,
  mdResourceTypeAssociate,
  mdResourceTypeDeassociate,
  mdResourceTypeList,
  mdPropertyCreate,
  mdPropertyUpdate,
  mdPropertyShow,
  mdPropertyDelete,
  mdPropertyList,
  mdObjectCreate,
  mdObjectUpdate,
  mdObjectShow,
  mdObjectPropertyShow,
  mdObjectDelete,
  mdObjectList,
  mdTagCreate,
  mdTagCreateMultiple,
  mdTagUpdate,
  mdTagShow,
  mdTagDelete,
  mdTagList,
];
