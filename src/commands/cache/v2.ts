/**
 * glanceclient's cache-list, cache-queue, cache-delete and cache-clear (the /v2/cache API, 2.14+),
 * on the catalog endpoint or on the nodes named with -H/--url. Unlike glanceclient, a failure exits 1.
 */
import { ExitCode } from '../../errors.js';
import { cacheBackend, type CacheState } from '../../glance/cache.js';
import { resolveImageId } from '../../glance/images.js';
import type { Column } from '../../output/format.js';
import { defineCommand, type Deps } from '../types.js';
import { accessedText, eachNode, nodeOptions, parseNodes, pyUtcIso, reportFailures, resolveNodes } from './common.js';

interface NodesOnly {
  nodes: string[];
}

interface StateRow extends Record<string, unknown> {
  node?: string;
  id: string;
  state: 'cached' | 'queued';
  last_accessed: string | null;
  last_modified: string | null;
  size: number | null;
  hits: number | null;
}

/** glanceclient's print_cached_images rows: cached ones first, then queued ones (all N/A). */
export function stateRows(state: CacheState, node?: string): StateRow[] {
  const at = node !== undefined ? { node } : {};
  return [
    ...state.cached.map((i) => ({
      ...at,
      id: i.image_id,
      state: 'cached' as const,
      last_accessed: accessedText(i.last_accessed),
      last_modified: pyUtcIso(i.last_modified),
      size: i.size,
      hits: i.hits,
    })),
    ...state.queued.map((id) => ({
      ...at,
      id,
      state: 'queued' as const,
      last_accessed: null,
      last_modified: null,
      size: null,
      hits: null,
    })),
  ];
}

const na = (v: unknown) => (v === null || v === undefined ? 'N/A' : String(v));

const cacheList = defineCommand<NodesOnly>({
  name: 'cache-list',
  summary: 'Get cache state (cached and queued images) of a node.',
  options: nodeOptions(false),
  examples: ['tsglance cache-list', 'tsglance cache-list -H ctl1 -H ctl2 -f json'],
  parse: ({ flags }) => ({ nodes: parseNodes(flags) }),
  async run(opts, deps) {
    const client = await deps.glance();
    const nodes = await resolveNodes(client, opts.nodes);
    const multi = nodes.length > 1;
    const results = await eachNode(nodes, (node) => cacheBackend(client, node, 'v2').list());
    const failed = reportFailures(deps, results);
    if (!results.some((r) => r.ok)) return ExitCode.error;
    const rows = results.flatMap((r) => (r.ok ? stateRows(r.value, multi ? r.node : undefined) : []));
    const columns: Column<StateRow>[] = [
      ...(multi ? [{ label: 'Node', key: 'node', cell: (r: StateRow) => String(r.node) }] : []),
      { label: 'ID', key: 'id', cell: (r) => r.id },
      { label: 'State', key: 'state', cell: (r) => r.state },
      { label: 'Last Accessed (UTC)', key: 'last_accessed', cell: (r) => na(r.last_accessed) },
      { label: 'Last Modified (UTC)', key: 'last_modified', cell: (r) => na(r.last_modified) },
      { label: 'Size', key: 'size', cell: (r) => na(r.size) },
      { label: 'Hits', key: 'hits', cell: (r) => na(r.hits) },
    ];
    await deps.output.list(columns, rows, { align: 'c' });
    return failed ? ExitCode.error : ExitCode.ok;
  },
});

interface ImagesOnNodes extends NodesOnly {
  images: string[];
}

/** Resolve each name (a failure is reported and that image skipped), then act on every node. */
async function eachImage(
  opts: ImagesOnNodes,
  deps: Deps,
  act: (node: string, id: string) => Promise<void>,
): Promise<number> {
  const client = await deps.glance();
  let failed = false;
  const ids: string[] = [];
  for (const arg of opts.images) {
    try {
      ids.push(await resolveImageId(client, arg));
    } catch (err) {
      if (deps.signal.aborted) throw err;
      deps.warn(err instanceof Error ? err.message : String(err));
      failed = true;
    }
  }
  const nodes = await resolveNodes(client, opts.nodes);
  for (const id of ids) {
    if (reportFailures(deps, await eachNode(nodes, (node) => act(node, id)))) failed = true;
  }
  return failed ? ExitCode.error : ExitCode.ok;
}

const IMAGES_ARG = { name: 'IMAGE', variadic: true, complete: 'images' as const };

const cacheQueue = defineCommand<ImagesOnNodes>({
  name: 'cache-queue',
  summary: 'Queue image(s) for caching (the node fetches them at once).',
  args: [{ ...IMAGES_ARG, description: 'Name or ID of image(s) to queue for caching.' }],
  options: nodeOptions(false),
  parse: ({ args, flags }) => ({ images: args[0] as string[], nodes: parseNodes(flags) }),
  async run(opts, deps) {
    const client = await deps.glance();
    return eachImage(opts, deps, (node, id) => cacheBackend(client, node, 'v2').queue(id));
  },
});

const cacheDelete = defineCommand<ImagesOnNodes>({
  name: 'cache-delete',
  summary: 'Delete image(s) from the cache and the caching queue.',
  args: [{ ...IMAGES_ARG, description: 'Name or ID of image(s) to delete from cache/queue.' }],
  options: nodeOptions(false),
  parse: ({ args, flags }) => ({ images: args[0] as string[], nodes: parseNodes(flags) }),
  async run(opts, deps) {
    const client = await deps.glance();
    return eachImage(opts, deps, (node, id) => cacheBackend(client, node, 'v2').deleteCached(id));
  },
});

const TARGETS = ['both', 'cache', 'queue'] as const;

const cacheClear = defineCommand<NodesOnly & { target: (typeof TARGETS)[number] }>({
  name: 'cache-clear',
  summary: 'Clear all images from cache, queue or both.',
  options: [
    {
      flags: '--target <TARGET>',
      description: 'Specify which target you want to clear.',
      choices: TARGETS,
      complete: { values: TARGETS },
      default: 'both',
    },
    ...nodeOptions(false),
  ],
  parse: ({ flags }) => ({ target: flags.target as (typeof TARGETS)[number], nodes: parseNodes(flags) }),
  async run(opts, deps) {
    const client = await deps.glance();
    const nodes = await resolveNodes(client, opts.nodes);
    const results = await eachNode(nodes, async (node) => {
      const backend = cacheBackend(client, node, 'v2');
      if (opts.target === 'cache') await backend.clearCached();
      else if (opts.target === 'queue') await backend.clearQueued();
      else await backend.clearAll();
    });
    return reportFailures(deps, results) ? ExitCode.error : ExitCode.ok;
  },
});

export const V2_CACHE_COMMANDS = [cacheList, cacheQueue, cacheDelete, cacheClear];
