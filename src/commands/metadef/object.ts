import { CliError } from '../../errors.js';
import {
  createObject,
  deleteObject,
  getObject,
  listObjects,
  objectView,
  updateObject,
  type Json,
} from '../../glance/metadefs.js';
import { parseJsonObject, requireFlag } from '../misc/inputs.js';
import { defineCommand, type Deps } from '../types.js';
import { MAX_WIDTH_OPTION, maxWidth, NS_ARG } from './common.js';

const OBJ_ARG = { name: 'OBJECT', description: 'Name of an object.' };

function printObject(deps: Deps, obj: Json, width = 80): Promise<void> {
  return deps.output.record(obj, { table: objectView(obj), maxWidth: width });
}

export const mdObjectCreate = defineCommand<{ ns: string; body: Json }>({
  name: 'md-object-create',
  summary: 'Create a new metadata definitions object inside a namespace.',
  args: [NS_ARG('Name of namespace the object will belong.')],
  options: [
    { flags: '--name <NAME>', description: 'Internal name of an object. Required.' },
    { flags: '--schema <SCHEMA>', description: 'Valid JSON schema of an object. Required.' },
  ],
  examples: [`tsglance md-object-create my-ns --name CPU --schema '{"description": "CPU", "properties": {"cores": {"type": "integer", "title": "Cores"}}}'`],
  parse({ args, flags }) {
    const name = requireFlag(flags, 'name', '--name');
    const schema = parseJsonObject(requireFlag(flags, 'schema', '--schema'), '--schema');
    return { ns: args[0] as string, body: { name, ...schema } };
  },
  async run(opts, deps) {
    await printObject(deps, await createObject(await deps.glance(), opts.ns, opts.body));
  },
});

export const mdObjectUpdate = defineCommand<{ ns: string; obj: string; changes: Json }>({
  name: 'md-object-update',
  summary: 'Update metadata definitions object inside a namespace.',
  args: [NS_ARG('Name of namespace the object belongs.'), OBJ_ARG],
  options: [
    { flags: '--name <NAME>', description: 'New name of an object.' },
    { flags: '--schema <SCHEMA>', description: 'Valid JSON schema of an object.' },
  ],
  parse({ args, flags }) {
    const changes: Json = {};
    if (flags.name) changes.name = String(flags.name);
    if (flags.schema) Object.assign(changes, parseJsonObject(String(flags.schema), '--schema'));
    return { ns: args[0] as string, obj: args[1] as string, changes };
  },
  async run(opts, deps) {
    await printObject(deps, await updateObject(await deps.glance(), opts.ns, opts.obj, opts.changes));
  },
});

export const mdObjectShow = defineCommand<{ ns: string; obj: string; width: number }>({
  name: 'md-object-show',
  summary: 'Describe a specific metadata definitions object inside a namespace.',
  args: [NS_ARG('Name of namespace the object belongs.'), OBJ_ARG],
  options: [MAX_WIDTH_OPTION],
  parse: ({ args, flags }) => ({ ns: args[0] as string, obj: args[1] as string, width: maxWidth(flags) }),
  async run(opts, deps) {
    await printObject(deps, await getObject(await deps.glance(), opts.ns, opts.obj), opts.width);
  },
});

export const mdObjectPropertyShow = defineCommand<{ ns: string; obj: string; prop: string; width: number }>({
  name: 'md-object-property-show',
  summary: 'Describe a specific metadata definitions property inside an object.',
  args: [NS_ARG('Name of namespace the object belongs.'), OBJ_ARG, { name: 'PROPERTY', description: 'Name of a property.' }],
  options: [MAX_WIDTH_OPTION],
  parse: ({ args, flags }) => ({ ns: args[0] as string, obj: args[1] as string, prop: args[2] as string, width: maxWidth(flags) }),
  async run(opts, deps) {
    const obj = await getObject(await deps.glance(), opts.ns, opts.obj);
    const props = (obj.properties ?? {}) as Record<string, Json>;
    if (!Object.prototype.hasOwnProperty.call(props, opts.prop)) {
      throw new CliError(`Property ${opts.prop} not found in object ${opts.obj}.`);
    }
    await deps.output.record({ ...props[opts.prop], name: opts.prop }, { maxWidth: opts.width });
  },
});

export const mdObjectDelete = defineCommand<{ ns: string; obj: string }>({
  name: 'md-object-delete',
  summary: 'Delete a specific metadata definitions object inside a namespace.',
  args: [NS_ARG('Name of namespace the object belongs.'), OBJ_ARG],
  parse: ({ args }) => ({ ns: args[0] as string, obj: args[1] as string }),
  async run(opts, deps) {
    await deleteObject(await deps.glance(), opts.ns, opts.obj);
  },
});

export const mdObjectList = defineCommand<{ ns: string }>({
  name: 'md-object-list',
  summary: 'List metadata definitions objects inside a specific namespace.',
  args: [NS_ARG()],
  parse: ({ args }) => ({ ns: args[0] as string }),
  async run(opts, deps) {
    await deps.output.list(
      [
        { label: 'name', key: 'name' },
        { label: 'description', key: 'description', maxWidth: 50 },
      ],
      await listObjects(await deps.glance(), opts.ns),
    );
  },
});
