import { readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import { UsageError } from '../../errors.js';
import {
  createNamespace,
  deleteAllIn,
  deleteNamespace,
  getNamespace,
  listNamespaceResourceTypes,
  listNamespaces,
  namespaceView,
  updateNamespace,
  type Json,
} from '../../glance/metadefs.js';
import { parseJsonObject } from '../misc/inputs.js';
import { defineCommand, type CommandDef, type Deps, type OptionDef } from '../types.js';
import { MAX_WIDTH_OPTION, maxWidth, NS_ARG, str } from './common.js';

export const NS_VISIBILITIES = ['public', 'private'] as const;

/** The namespace-schema options glanceclient generates (read-only fields excluded). */
const NS_FIELD_OPTIONS: OptionDef[] = [
  { flags: '--display-name <DISPLAY_NAME>', description: 'The user friendly name for the namespace. Used by UI if available.' },
  { flags: '--description <DESCRIPTION>', description: 'Provides a user friendly description of the namespace.' },
  {
    flags: '--visibility <VISIBILITY>',
    description: 'Scope of namespace accessibility. Valid values: public, private',
    choices: NS_VISIBILITIES,
  },
  { flags: '--protected [True|False]', description: 'If true, namespace will not be deletable.', type: 'bool' },
  { flags: '--owner <OWNER>', description: 'Owner of the namespace.' },
];

function nsFields(flags: Record<string, unknown>): Json {
  const out: Json = {};
  if (flags.displayName !== undefined) out.display_name = String(flags.displayName);
  if (flags.description !== undefined) out.description = String(flags.description);
  if (flags.visibility !== undefined) out.visibility = String(flags.visibility);
  // `--protected` alone means True, as glanceclient's nargs='?' const=True
  if (flags.protected !== undefined) out.protected = flags.protected === true;
  if (flags.owner !== undefined) out.owner = String(flags.owner);
  return out;
}

/** Namespaces print with their properties, objects, tags and associations as name lists. */
export function printNamespace(deps: Deps, ns: Json, width = 80): Promise<void> {
  return deps.output.record(ns, { table: namespaceView(ns), maxWidth: width });
}

export const mdNamespaceCreate = defineCommand<{ body: Json }>({
  name: 'md-namespace-create',
  summary: 'Create a new metadata definitions namespace.',
  args: [{ name: 'NAMESPACE', description: 'Name of the namespace.' }],
  options: [
    ...NS_FIELD_OPTIONS,
    {
      flags: '--resource-type-associations <RESOURCE_TYPE_ASSOCIATIONS...>',
      description: 'Resource types to associate: names (OS::Glance::Image) or JSON objects {"name": ..., "prefix": ...}.',
    },
  ],
  examples: ['tsglance md-namespace-create my-ns --display-name "My NS" --visibility public --resource-type-associations OS::Glance::Image'],
  parse({ args, flags }) {
    const body: Json = { namespace: args[0] as string, ...nsFields(flags) };
    const rtas = flags.resourceTypeAssociations as string[] | undefined;
    if (rtas?.length) {
      body.resource_type_associations = rtas.map((r) =>
        r.trim().startsWith('{') ? parseJsonObject(r, '--resource-type-associations') : { name: r },
      );
    }
    return { body };
  },
  async run(opts, deps) {
    await printNamespace(deps, await createNamespace(await deps.glance(), opts.body));
  },
});

export const mdNamespaceImport = defineCommand<{ file?: string }>({
  name: 'md-namespace-import',
  summary: 'Import a metadata definitions namespace from file or standard input.',
  options: [
    {
      flags: '--file <FILEPATH>',
      description: 'Path to file with namespace schema to import. Alternatively, namespaces schema can be passed to the client via stdin.',
      complete: 'files',
    },
  ],
  examples: ['tsglance md-namespace-import --file my-ns.json', 'cat my-ns.json | tsglance md-namespace-import'],
  parse: ({ flags }) => ({ file: str(flags.file) }),
  async run(opts, deps) {
    let text: string;
    if (opts.file !== undefined) {
      try {
        text = await readFile(opts.file, 'utf8');
      } catch (err) {
        throw new UsageError(`--file: cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    } else if (!deps.io.stdinIsTTY && !deps.io.stdinClosed) {
      text = (await buffer(deps.io.stdin)).toString('utf8');
    } else {
      text = '';
    }
    if (!text.trim()) throw new UsageError('No metadata definition namespace passed via stdin or --file argument.');
    const body = parseJsonObject(text, opts.file !== undefined ? '--file' : 'stdin');
    if (typeof body.namespace !== 'string') throw new UsageError(`${opts.file !== undefined ? '--file' : 'stdin'}: the namespace document has no "namespace" name`);
    await printNamespace(deps, await createNamespace(await deps.glance(), body));
  },
});

export const mdNamespaceUpdate = defineCommand<{ ns: string; changes: Json }>({
  name: 'md-namespace-update',
  summary: 'Update an existing metadata definitions namespace.',
  args: [NS_ARG('Name of namespace to update.')],
  options: [{ flags: '--namespace <NAMESPACE>', description: 'The unique namespace text (renames the namespace).' }, ...NS_FIELD_OPTIONS],
  parse({ args, flags }) {
    const changes = nsFields(flags);
    if (flags.namespace !== undefined) changes.namespace = String(flags.namespace);
    return { ns: args[0] as string, changes };
  },
  async run(opts, deps) {
    await printNamespace(deps, await updateNamespace(await deps.glance(), opts.ns, opts.changes));
  },
});

export const mdNamespaceShow = defineCommand<{ ns: string; resourceType?: string; width: number }>({
  name: 'md-namespace-show',
  summary: 'Describe a specific metadata definitions namespace.',
  description: 'Lists also the namespace properties, objects and resource type associations.',
  args: [NS_ARG('Name of namespace to describe.')],
  options: [
    {
      flags: '--resource-type <RESOURCE_TYPE>',
      description: 'Applies prefix of given resource type associated to a namespace to all properties of a namespace.',
    },
    MAX_WIDTH_OPTION,
  ],
  parse: ({ args, flags }) => ({ ns: args[0] as string, resourceType: str(flags.resourceType), width: maxWidth(flags) }),
  async run(opts, deps) {
    await printNamespace(deps, await getNamespace(await deps.glance(), opts.ns, opts.resourceType), opts.width);
  },
});

export const mdNamespaceList = defineCommand<{ resourceTypes?: string[]; visibility?: string; pageSize?: number }>({
  name: 'md-namespace-list',
  summary: 'List metadata definitions namespaces.',
  options: [
    { flags: '--resource-types <RESOURCE_TYPES>', description: 'Resource type to filter namespaces.', repeatable: true },
    { flags: '--visibility <VISIBILITY>', description: 'Visibility parameter to filter namespaces.' },
    { flags: '--page-size <SIZE>', description: 'Number of namespaces to request in each paginated request.', type: 'int' },
  ],
  parse: ({ flags }) => ({
    resourceTypes: flags.resourceTypes as string[] | undefined,
    visibility: str(flags.visibility),
    pageSize: flags.pageSize as number | undefined,
  }),
  async run(opts, deps) {
    const rows: Json[] = [];
    for await (const ns of listNamespaces(await deps.glance(), opts)) rows.push(ns);
    await deps.output.list([{ label: 'namespace', key: 'namespace' }], rows);
  },
});

function nsOnly(name: string, summary: string, action: (deps: Deps, ns: string) => Promise<void>, argHelp?: string): CommandDef<{ ns: string }> {
  return defineCommand<{ ns: string }>({
    name,
    summary,
    args: [NS_ARG(argHelp)],
    parse: ({ args }) => ({ ns: args[0] as string }),
    run: async (opts, deps) => action(deps, opts.ns),
  });
}

export const mdNamespaceDelete = nsOnly(
  'md-namespace-delete',
  'Delete specified metadata definitions namespace with its contents.',
  async (deps, ns) => deleteNamespace(await deps.glance(), ns),
  'Name of namespace to delete.',
);
export const mdNamespacePropertiesDelete = nsOnly(
  'md-namespace-properties-delete',
  'Delete all metadata definitions property inside a specific namespace.',
  async (deps, ns) => deleteAllIn(await deps.glance(), ns, 'properties'),
);
export const mdNamespaceObjectsDelete = nsOnly(
  'md-namespace-objects-delete',
  'Delete all metadata definitions objects inside a specific namespace.',
  async (deps, ns) => deleteAllIn(await deps.glance(), ns, 'objects'),
);
export const mdNamespaceTagsDelete = nsOnly(
  'md-namespace-tags-delete',
  'Delete all metadata definitions tags inside a specific namespace.',
  async (deps, ns) => deleteAllIn(await deps.glance(), ns, 'tags'),
);
export const mdNamespaceResourceTypeList = nsOnly(
  'md-namespace-resource-type-list',
  'List resource types associated to specific namespace.',
  async (deps, ns) => {
    const rows = await listNamespaceResourceTypes(await deps.glance(), ns);
    await deps.output.list(
      [
        { label: 'name', key: 'name' },
        { label: 'prefix', key: 'prefix' },
        { label: 'properties_target', key: 'properties_target' },
      ],
      rows,
    );
  },
);

