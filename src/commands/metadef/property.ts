import {
  createProperty,
  deleteProperty,
  getProperty,
  listProperties,
  updateProperty,
  type Json,
} from '../../glance/metadefs.js';
import { parseJsonObject, requireFlag } from '../misc/inputs.js';
import { defineCommand } from '../types.js';
import { MAX_WIDTH_OPTION, maxWidth, NS_ARG } from './common.js';

const PROP_ARG = { name: 'PROPERTY', description: 'Name of a property.' };

export const mdPropertyCreate = defineCommand<{ ns: string; body: Json }>({
  name: 'md-property-create',
  summary: 'Create a new metadata definitions property inside a namespace.',
  args: [NS_ARG('Name of namespace the property will belong.')],
  options: [
    { flags: '--name <NAME>', description: 'Internal name of a property. Required.' },
    { flags: '--title <TITLE>', description: 'Property name displayed to the user. Required.' },
    { flags: '--schema <SCHEMA>', description: 'Valid JSON schema of a property. Required.' },
    { flags: '--type <TYPE>', description: 'Type of the property. Required.' },
  ],
  examples: [`tsglance md-property-create my-ns --name hw_foo --title Foo --type string --schema '{"description": "foo"}'`],
  parse({ args, flags }) {
    const name = requireFlag(flags, 'name', '--name');
    const title = requireFlag(flags, 'title', '--title');
    const schema = requireFlag(flags, 'schema', '--schema');
    const type = requireFlag(flags, 'type', '--type');
    // glanceclient: {name, title, type} overlaid by the schema's own keys
    return { ns: args[0] as string, body: { name, title, type, ...parseJsonObject(schema, '--schema') } };
  },
  async run(opts, deps) {
    await deps.output.record(await createProperty(await deps.glance(), opts.ns, opts.body));
  },
});

export const mdPropertyUpdate = defineCommand<{ ns: string; prop: string; changes: Json }>({
  name: 'md-property-update',
  summary: 'Update metadata definitions property inside a namespace.',
  args: [NS_ARG('Name of namespace the property belongs.'), PROP_ARG],
  options: [
    { flags: '--name <NAME>', description: 'New name of a property.' },
    { flags: '--title <TITLE>', description: 'Property name displayed to the user.' },
    { flags: '--schema <SCHEMA>', description: 'Valid JSON schema of a property.' },
  ],
  parse({ args, flags }) {
    const changes: Json = {};
    if (flags.name) changes.name = String(flags.name);
    if (flags.title) changes.title = String(flags.title);
    if (flags.schema) Object.assign(changes, parseJsonObject(String(flags.schema), '--schema'));
    return { ns: args[0] as string, prop: args[1] as string, changes };
  },
  async run(opts, deps) {
    await deps.output.record(await updateProperty(await deps.glance(), opts.ns, opts.prop, opts.changes));
  },
});

export const mdPropertyShow = defineCommand<{ ns: string; prop: string; width: number }>({
  name: 'md-property-show',
  summary: 'Describe a specific metadata definitions property inside a namespace.',
  args: [NS_ARG('Name of namespace the property belongs.'), PROP_ARG],
  options: [MAX_WIDTH_OPTION],
  parse: ({ args, flags }) => ({ ns: args[0] as string, prop: args[1] as string, width: maxWidth(flags) }),
  async run(opts, deps) {
    await deps.output.record(await getProperty(await deps.glance(), opts.ns, opts.prop), { maxWidth: opts.width });
  },
});

export const mdPropertyDelete = defineCommand<{ ns: string; prop: string }>({
  name: 'md-property-delete',
  summary: 'Delete a specific metadata definitions property inside a namespace.',
  args: [NS_ARG('Name of namespace the property belongs.'), PROP_ARG],
  parse: ({ args }) => ({ ns: args[0] as string, prop: args[1] as string }),
  async run(opts, deps) {
    await deleteProperty(await deps.glance(), opts.ns, opts.prop);
  },
});

export const mdPropertyList = defineCommand<{ ns: string }>({
  name: 'md-property-list',
  summary: 'List metadata definitions properties inside a specific namespace.',
  args: [NS_ARG()],
  parse: ({ args }) => ({ ns: args[0] as string }),
  async run(opts, deps) {
    await deps.output.list(
      [
        { label: 'name', key: 'name' },
        { label: 'title', key: 'title' },
        { label: 'type', key: 'type' },
      ],
      await listProperties(await deps.glance(), opts.ns),
    );
  },
});
