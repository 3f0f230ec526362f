/**
 * `tsglance glance-cache-manage <command>`: the legacy glance-cache-manage tool (deprecated in
 * glance 28) with its seven commands, options and output, for one node or many at once, over the
 * legacy middleware or the /v2/cache API (--api), from the operator's own shell with Keystone auth.
 */
import { CliError, ExitCode } from '../../errors.js';
import { CACHE_APIS, type CacheApiChoice, type CachedImage } from '../../glance/cache.js';
import { findImage, resolveImageId } from '../../glance/images.js';
import type { Column } from '../../output/format.js';
import type { Align } from '../../output/prettytable.js';
import { defineCommand, type CommandDef, type Deps, type OptionDef } from '../types.js';
import {
  accessedText,
  backendFor,
  confirmationFor,
  confirmed,
  eachNode,
  nodeOptions,
  onNodes,
  parseNodes,
  pyUtcIso,
  reportFailures,
  resolveNodes,
} from './common.js';

export interface ManageOptions {
  nodes: string[];
  api: CacheApiChoice;
  force: boolean;
  image?: string;
}

const GROUP = 'glance-cache-manage';

/** The legacy tool's options (-v and -k are tsglance's global ones, with the same meaning). */
const MANAGE_OPTIONS: OptionDef[] = [
  ...nodeOptions(true),
  {
    flags: '-f, --force',
    description: 'Do not ask for confirmation (without a terminal, pipe the answer in: echo y | ...).',
    groupLevel: true,
  },
  {
    flags: '--api <API>',
    description: 'Cache back end: legacy middleware (/v2/cached_images), the v2 cache API (/v2/cache), or auto (probe GET /versions: 2.14+ = v2).',
    choices: CACHE_APIS,
    complete: { values: CACHE_APIS },
    default: 'auto',
    env: 'TSGLANCE_CACHE_API',
    groupLevel: true,
  },
];

const IMAGE_ARG = { name: 'IMAGE', description: 'Name or ID of the image.', complete: 'images' as const };

function parseManage({ args, flags }: { args: unknown[]; flags: Record<string, unknown> }): ManageOptions {
  return {
    nodes: parseNodes(flags),
    api: (flags.api as CacheApiChoice) ?? 'auto',
    force: !!flags.force,
    image: args[0] as string | undefined,
  };
}

interface CachedRow extends Record<string, unknown> {
  node?: string;
  id: string;
  last_accessed: string | null;
  last_modified: string;
  size: number;
  hits: number;
}

export function cachedRows(images: CachedImage[], node?: string): CachedRow[] {
  return images.map((i) => ({
    ...(node !== undefined ? { node } : {}),
    id: i.image_id,
    last_accessed: accessedText(i.last_accessed),
    last_modified: pyUtcIso(i.last_modified),
    size: i.size,
    hits: i.hits,
  }));
}

const NODE_COLUMN: Column<Record<string, unknown>> = { label: 'Node', key: 'node', cell: (r) => String(r.node) };

async function printFound(deps: Deps, what: 'cached' | 'queued', count: number, print: () => Promise<void>): Promise<void> {
  if (deps.output.format === 'table') {
    if (!count) return deps.output.write(`No ${what} images.`);
    await deps.output.write(`Found ${count} ${what} images...`);
  }
  await print();
}

const listCached = defineCommand<ManageOptions>({
  name: `${GROUP} list-cached`,
  groupSummary: "The legacy tool's cache commands, for one glance-api node or several (-H/--url).",
  summary: 'List all images currently cached (per node).',
  options: MANAGE_OPTIONS,
  examples: [
    'tsglance glance-cache-manage -H ctl1 -H ctl2 -H ctl3 list-cached',
    'tsglance glance-cache-manage list-cached --url https://ctl1:9292 --format json',
  ],
  parse: parseManage,
  async run(opts, deps) {
    const client = await deps.glance();
    const nodes = await resolveNodes(client, opts.nodes);
    const multi = nodes.length > 1;
    const results = await eachNode(nodes, async (node) => (await backendFor(client, node, opts.api)).listCached());
    const rows = results.flatMap((r) => (r.ok ? cachedRows(r.value, multi ? r.node : undefined) : []));
    const failed = reportFailures(deps, results);
    if (!results.some((r) => r.ok)) return ExitCode.error;
    const columns: Column<CachedRow>[] = [
      ...(multi ? [NODE_COLUMN] : []),
      { label: 'ID', key: 'id', cell: (r) => r.id },
      { label: 'Last Accessed (UTC)', key: 'last_accessed', cell: (r) => r.last_accessed ?? 'N/A' },
      { label: 'Last Modified (UTC)', key: 'last_modified', cell: (r) => r.last_modified },
      { label: 'Size', key: 'size', cell: (r) => String(r.size) },
      { label: 'Hits', key: 'hits', cell: (r) => String(r.hits) },
    ];
    const align: Align[] = [...(multi ? ['l' as const] : []), 'c', 'c', 'c', 'r', 'r'];
    await printFound(deps, 'cached', rows.length, () => deps.output.list(columns, rows, { align }));
    return failed ? ExitCode.error : ExitCode.ok;
  },
});

const listQueued = defineCommand<ManageOptions>({
  name: `${GROUP} list-queued`,
  summary: 'List all images currently queued for caching (per node).',
  options: MANAGE_OPTIONS,
  parse: parseManage,
  async run(opts, deps) {
    const client = await deps.glance();
    const nodes = await resolveNodes(client, opts.nodes);
    const multi = nodes.length > 1;
    const results = await eachNode(nodes, async (node) => (await backendFor(client, node, opts.api)).listQueued());
    const rows = results.flatMap((r) => (r.ok ? r.value.map((id) => ({ ...(multi ? { node: r.node } : {}), id })) : []));
    const failed = reportFailures(deps, results);
    if (!results.some((r) => r.ok)) return ExitCode.error;
    const columns: Column<Record<string, unknown>>[] = [
      ...(multi ? [NODE_COLUMN] : []),
      { label: 'ID', key: 'id', cell: (r) => String(r.id) },
    ];
    const align: Align[] = [...(multi ? ['l' as const] : []), 'c'];
    await printFound(deps, 'queued', rows.length, () => deps.output.list(columns, rows, { align }));
    return failed ? ExitCode.error : ExitCode.ok;
  },
});

type ImageAction = 'queue' | 'deleteCached' | 'deleteQueued';

/** queue-image, delete-cached-image, delete-queued-image: one image, confirmed, on every node. */
function imageCommand(
  word: string,
  summary: string,
  action: ImageAction,
  text: { refuse: string; ask: (id: string) => string; done: (id: string) => string },
): CommandDef<ManageOptions> {
  return defineCommand<ManageOptions>({
    name: `${GROUP} ${word}`,
    summary,
    args: [IMAGE_ARG],
    options: MANAGE_OPTIONS,
    examples: [`tsglance glance-cache-manage -H ctl1 -H ctl2 ${word} cirros${action === 'queue' ? '' : ' -f'}`],
    parse: parseManage,
    async run(opts, deps) {
      const arg = opts.image as string;
      const how = await confirmationFor(deps.io, opts.force, `${text.refuse} ${arg}`);
      const client = await deps.glance();
      let id: string;
      const nodes = await resolveNodes(client, opts.nodes);
      if (action === 'queue') {
        // the legacy middleware queues any string (even a missing image); check first
        const image = await findImage(client, arg);
        if (image.status !== 'active') {
          // only when the nodes let us manage their cache is that the reason (else it is theirs: 403)
          const allowed = await eachNode(nodes, async (node) => (await backendFor(client, node, opts.api)).listQueued());
          if (reportFailures(deps, allowed)) return ExitCode.error;
          throw new CliError(`Image ${image.id} is ${image.status}, not active: only active images can be queued for caching.`);
        }
        id = image.id;
      } else {
        id = await resolveImageId(client, arg);
      }
      if (!(await confirmed(deps.io, how, `${text.ask(id)}${onNodes(nodes)}?`, deps.signal))) return ExitCode.ok;
      const results = await eachNode(nodes, async (node) => {
        const backend = await backendFor(client, node, opts.api);
        await backend[action](id);
      });
      const failed = reportFailures(deps, results);
      if (deps.globals.verbose) {
        for (const r of results) if (r.ok) deps.warn(`${text.done(id)}${nodes.length > 1 ? ` on ${r.node}` : ''}`);
      }
      return failed ? ExitCode.error : ExitCode.ok;
    },
  });
}

/** delete-all-cached-images, delete-all-queued-images. */
function clearCommand(word: string, summary: string, what: 'cached' | 'queued'): CommandDef<ManageOptions> {
  return defineCommand<ManageOptions>({
    name: `${GROUP} ${word}`,
    summary,
    options: MANAGE_OPTIONS,
    examples: [`tsglance glance-cache-manage --url http://ctl1:9292 ${word} -f`],
    parse: parseManage,
    async run(opts, deps) {
      const how = await confirmationFor(deps.io, opts.force, `delete all ${what} images`);
      const client = await deps.glance();
      const nodes = await resolveNodes(client, opts.nodes);
      if (!(await confirmed(deps.io, how, `Delete all ${what} images${onNodes(nodes)}?`, deps.signal))) {
        return ExitCode.ok;
      }
      const verbose = !!deps.globals.verbose;
      const results = await eachNode(nodes, async (node) => {
        const backend = await backendFor(client, node, opts.api);
        return what === 'cached' ? backend.clearCached(verbose) : backend.clearQueued(verbose);
      });
      const failed = reportFailures(deps, results);
      if (verbose) {
        for (const r of results) {
          if (r.ok) deps.warn(`Deleted ${r.value ?? 'all'} ${what} images${nodes.length > 1 ? ` on ${r.node}` : ''}`);
        }
      }
      return failed ? ExitCode.error : ExitCode.ok;
    },
  });
}

/**
 * With -v the legacy tool ends with "Completed in 0.1234 sec." (the command's time, auth included),
 * also after a node failed or the prompt was declined, not after an exception. It printed it on
 * stdout; here it goes to stderr with the other -v messages, so that stdout stays data.
 */
const VERBOSE_NOTE =
  "-v/--verbose (a global option) prints each change made on a node, then the legacy tool's\n" +
  "'Completed in 0.1234 sec.'; both on stderr (the legacy tool used stdout), so stdout stays data.";

function withTiming<O>(def: CommandDef<O>): CommandDef<O> {
  return {
    ...def,
    description: [def.description, VERBOSE_NOTE].filter(Boolean).join('\n'),
    async run(opts, deps) {
      const started = deps.clock.now();
      const code = await def.run(opts, deps);
      if (deps.globals.verbose) deps.warn(`Completed in ${((deps.clock.now() - started) / 1000).toFixed(4)} sec.`);
      return code;
    },
  };
}

export const MANAGE_COMMANDS: CommandDef<any>[] = [
  listCached,
  listQueued,
  imageCommand('queue-image', 'Queue an image for caching (on every named node).', 'queue', {
    refuse: 'queue image',
    ask: (id) => `Queue image ${id} for caching`,
    done: (id) => `Queued image ${id} for caching`,
  }),
  imageCommand('delete-cached-image', 'Purge an image from the cache.', 'deleteCached', {
    refuse: 'delete cached image',
    ask: (id) => `Delete cached image ${id}`,
    done: (id) => `Deleted cached image ${id}`,
  }),
  clearCommand('delete-all-cached-images', 'Remove all images from the cache.', 'cached'),
  imageCommand('delete-queued-image', 'Delete an image from the cache queue.', 'deleteQueued', {
    refuse: 'delete queued image',
    ask: (id) => `Delete queued image ${id}`,
    done: (id) => `Deleted queued image ${id}`,
  }),
  clearCommand('delete-all-queued-images', 'Delete all images from the cache queue.', 'queued'),
].map(withTiming);
