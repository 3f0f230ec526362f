/**
 * What the cache commands share: which glance-api node(s) to talk to (-H/-p/--url), running one
 * action on every node while naming the ones that fail, confirmation prompts that never block a
 * script, and the legacy tool's / glanceclient's timestamp text.
 */
import { UsageError } from '../../errors.js';
import type { GlanceClient } from '../../glance/client.js';
import {
  cacheBackend,
  probeCacheApi,
  type CacheApi,
  type CacheApiChoice,
  type CacheBackend,
} from '../../glance/cache.js';
import type { IO } from '../../output/io.js';
import { canAsk } from '../../output/prompt.js';

export { confirm } from '../../output/prompt.js';
import type { Deps, OptionDef } from '../types.js';

export const DEFAULT_PORT = 9292;

/** -H/-p/--url; `groupLevel` lets glance-cache-manage take them before its subcommand too. */
export function nodeOptions(groupLevel: boolean): OptionDef[] {
  return [
    {
      flags: '-H, --host <ADDRESS>',
      description: 'Address of a glance-api node; repeat for several nodes (default: the catalog endpoint).',
      repeatable: true,
      groupLevel,
    },
    {
      flags: '-p, --port <PORT>',
      description: `Port of the -H nodes (default ${DEFAULT_PORT}).`,
      type: 'int',
      groupLevel,
    },
    {
      flags: '--url <URL>',
      description: 'Full URL of a glance-api node, e.g. https://ctl1:9292; repeatable.',
      repeatable: true,
      groupLevel,
    },
  ];
}

/** The nodes named on the command line as base URLs; empty = the catalog endpoint. */
export function parseNodes(flags: Record<string, unknown>): string[] {
  const hosts = (flags.host as string[] | undefined) ?? [];
  const urls = (flags.url as string[] | undefined) ?? [];
  const port = flags.port as number | undefined;
  if (port !== undefined && !hosts.length) throw new UsageError('-p/--port applies to -H/--host nodes; give -H too.');
  if (port !== undefined && (port < 1 || port > 65535)) throw new UsageError(`Port ${port} is out of range (1-65535).`);
  const nodes: string[] = [];
  for (const raw of hosts) {
    const h = raw.trim();
    if (!h) throw new UsageError('-H/--host needs an address.');
    if (/^https?:\/\//i.test(h)) {
      nodes.push(checkUrl(h));
      continue;
    }
    if (/[/\s]/.test(h)) throw new UsageError(`'${raw}' is not a host address (use --url for a full URL).`);
    const host = h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
    nodes.push(checkUrl(`http://${host}:${port ?? DEFAULT_PORT}`));
  }
  for (const u of urls) nodes.push(checkUrl(u));
  return [...new Set(nodes)];
}

function checkUrl(u: string): string {
  let url: URL;
  try {
    url = new URL(u.trim());
  } catch {
    throw new UsageError(`'${u}' is not a URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`'${u}' is not an http(s) URL.`);
  return url.toString().replace(/\/+$/, '');
}

export async function resolveNodes(client: GlanceClient, nodes: string[]): Promise<string[]> {
  return nodes.length ? nodes : [(await client.endpoint()).replace(/\/+$/, '')];
}

export type NodeResult<T> = { node: string; ok: true; value: T } | { node: string; ok: false; error: unknown };

/** `fn` on every node at once; results in node order. */
export async function eachNode<T>(nodes: string[], fn: (node: string) => Promise<T>): Promise<NodeResult<T>[]> {
  return Promise.all(
    nodes.map(async (node): Promise<NodeResult<T>> => {
      try {
        return { node, ok: true, value: await fn(node) };
      } catch (error) {
        return { node, ok: false, error };
      }
    }),
  );
}

/** Failed nodes' lines on stderr; true when any failed. */
export function reportFailures(deps: Deps, results: NodeResult<unknown>[]): boolean {
  let failed = false;
  for (const r of results) {
    if (r.ok) continue;
    failed = true;
    if (deps.signal.aborted) throw r.error;
    deps.warn(r.error instanceof Error ? r.error.message : String(r.error));
  }
  return failed;
}

/** The back end of one node: as chosen, or (auto) by one GET /versions: 2.14+ → v2, else legacy. */
export async function backendFor(client: GlanceClient, node: string, choice: CacheApiChoice): Promise<CacheBackend> {
  const api: CacheApi = choice === 'auto' ? await probeCacheApi(client, node) : choice;
  return cacheBackend(client, node, api);
}

/** Several nodes: "on N nodes (a, b)"; one node: nothing (the legacy tool's text unchanged). */
export function onNodes(nodes: string[]): string {
  return nodes.length > 1 ? ` on ${nodes.length} nodes (${nodes.join(', ')})` : '';
}

export function refuseWithoutTty(io: IO, force: boolean, action: string): void {
  if (force || canAsk(io)) return;
  throw new UsageError(`Refusing to ${action} without confirmation: no terminal to ask on; add -f/--force.`);
}

/**
 * Python's `datetime.utcfromtimestamp(ts).isoformat()` (what both glance-cache-manage and
 * glanceclient print): microseconds rounded half-to-even, omitted when zero.
 */
export function pyUtcIso(ts: number): string {
  let secs = Math.trunc(ts);
  let us = (ts - secs) * 1e6;
  let rounded = Math.round(us);
  if (Math.abs(us - rounded) === 0.5) rounded = 2 * Math.round(us / 2);
  us = rounded;
  if (us >= 1e6) {
    us -= 1e6;
    secs += 1;
  } else if (us < 0) {
    us += 1e6;
    secs -= 1;
  }
  const iso = new Date(secs * 1000).toISOString().slice(0, 19);
  return us ? `${iso}.${String(us).padStart(6, '0')}` : iso;
}

/** last_accessed 0 means never accessed: N/A in tables, null in json. */
export function accessedText(ts: number): string | null {
  return ts === 0 ? null : pyUtcIso(ts);
}
