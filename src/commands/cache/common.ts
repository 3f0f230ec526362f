/**
 * What the cache commands share: which glance-api node(s) to talk to (-H/-p/--url), running one
 * action on every node while naming the ones that fail, confirmation prompts that never block a
 * script (a piped answer answers them, an empty stdin refuses), and the legacy tool's / glanceclient's timestamp text.
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
import { canAsk, confirm, isYes } from '../../output/prompt.js';
import { stdinKind } from '../image/data-source.js';

import type { Deps, OptionDef } from '../types.js';

export const DEFAULT_PORT = 9292;

/** -H/-p/--url; `groupLevel` lets glance-cache-manage take them before its subcommand too. */
export function nodeOptions(groupLevel: boolean): OptionDef[] {
  return [
    {
      flags: '-H, --host <ADDRESS>',
      description:
        'Address of a glance-api node: HOST, HOST:PORT, IPv6 or [IPv6]:PORT; repeat for several nodes (default: the catalog endpoint).',
      repeatable: true,
      groupLevel,
    },
    {
      flags: '-p, --port <PORT>',
      description: `Port of the -H nodes that name none (default ${DEFAULT_PORT}); a different port in -H HOST:PORT is refused as a conflict.`,
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
    const { host, port: own } = splitHostPort(raw, h);
    if (own !== undefined && port !== undefined && own !== port) {
      throw new UsageError(`-H ${raw} names port ${own} but -p/--port says ${port}; give the port once.`);
    }
    nodes.push(checkUrl(`http://${host}:${own ?? port ?? DEFAULT_PORT}`));
  }
  for (const u of urls) nodes.push(checkUrl(u));
  return [...new Set(nodes)];
}

/**
 * An -H address and the port it names, if any: HOST:PORT, IPv4:PORT, [IPv6]:PORT, or without the
 * port. A bare IPv6 address (two or more colons, no brackets) has no port: `::1:9293` is itself an
 * address, so a port needs the brackets. The legacy tool took -H as a bare host only (HOST:PORT
 * failed there on name resolution); a port in -H is what an operator copying an endpoint types.
 */
function splitHostPort(raw: string, h: string): { host: string; port?: number } {
  let host = h;
  let portText: string | undefined;
  const bracketed = /^(\[[^\]]*\])(?::(.*))?$/.exec(h);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if (h.startsWith('[')) {
    throw new UsageError(`'${raw}' is not a host address: an IPv6 address in brackets is [ADDRESS] or [ADDRESS]:PORT.`);
  } else if (h.split(':').length === 2) {
    [host, portText] = h.split(':');
  } else if (h.includes(':')) {
    host = `[${h}]`;
  }
  if (portText === undefined) return { host };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new UsageError(`'${raw}' has no valid port after the colon (1-65535).`);
  }
  if (!host || host === '[]') throw new UsageError(`'${raw}' has a port but no host.`);
  return { host, port: Number(portText) };
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

/** How long a piped answer may take to arrive (an idle pipe must not hold the command forever). */
export const PIPED_ANSWER_WAIT_MS = 30_000;

/**
 * How a confirmation is obtained: not at all (-f), at the terminal, or from a line already read
 * from a pipe or file on stdin (`echo y | tsglance glance-cache-manage ...`, as with the legacy tool).
 */
export type Confirmation = { via: 'force' } | { via: 'terminal' } | { via: 'stdin'; answer: string };

/** The first line on stdin (without its newline), or undefined at EOF before any byte or after `waitMs`. */
function firstLine(stream: IO['stdin'], waitMs: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (value: string | undefined) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl >= 0) done(text.slice(0, nl).replace(/\r$/, ''));
    };
    const onEnd = () => done(text === '' ? undefined : text.replace(/\r$/, ''));
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    const timer = setTimeout(() => done(undefined), waitMs);
    timer.unref?.();
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/**
 * Before any request: -f, a terminal to ask on, or a piped answer read now. A closed, empty or
 * /dev/null stdin (or no line within PIPED_ANSWER_WAIT_MS) refuses in one line, exit 2.
 */
export async function confirmationFor(io: IO, force: boolean, action: string): Promise<Confirmation> {
  if (force) return { via: 'force' };
  if (canAsk(io)) return { via: 'terminal' };
  const { kind } = stdinKind(io);
  let why = 'no terminal to ask on';
  if (kind === 'pipe' || kind === 'socket' || kind === 'file') {
    const answer = await firstLine(io.stdin, PIPED_ANSWER_WAIT_MS);
    if (answer !== undefined) return { via: 'stdin', answer };
    why = `no answer on stdin (it was empty, or silent for ${PIPED_ANSWER_WAIT_MS / 1000} s)`;
  } else if (kind === 'closed') {
    why = 'stdin is closed';
  } else if (kind === 'device') {
    why = 'stdin is a device (such as /dev/null)';
  }
  throw new UsageError(`Refusing to ${action} without confirmation: ${why}; pipe the answer (echo y |) or add -f/--force.`);
}

/** "<question> [y/N]" answered at the terminal, or by the piped line (the question still on stderr). */
export async function confirmed(io: IO, how: Confirmation, question: string, signal: AbortSignal): Promise<boolean> {
  if (how.via === 'force') return true;
  if (how.via === 'terminal') return confirm(io, question, signal);
  io.stderr.write(`${question} [y/N] \n`);
  return isYes(how.answer.trim());
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
