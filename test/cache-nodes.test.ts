/**
 * glance-cache-manage and cache-* against the real stack's two glance-api nodes: A (the catalog
 * endpoint, with the prefetcher loop) and B (GLANCE_STACK_GLANCE2_URL, own cache, no loop, so what
 * is queued there stays queued until $STATE/bin/glance2-cache-prefetcher runs once). Output is
 * compared byte for byte with the real glance-cache-manage and `glance cache-list` on B, which no
 * other test file uses.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, deleteImages, glanceImage } from './helpers/fixtures.js';
import { cleanEnv, glance, tsglance, uniqueName, type RunResult, viaPty } from './helpers/run.js';
import { issueToken, rest, stackEnv, stackState } from './helpers/stack.js';

const env = stackEnv('admin');
const A = env.GLANCE_STACK_GLANCE_URL;
const B = env.GLANCE_STACK_GLANCE2_URL;
const BIN = env.GLANCE_STACK_BIN;
const SIZE = 100_000;
const suite = uniqueName('cache');
const ids: string[] = [];
let x: string; // image ids
let y: string;
let queuedOnly: string; // an image without data (status queued)

/** A program of the stack ($STATE/bin) with the admin credentials. */
function stackTool(name: string, args: string[] = []): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(join(BIN, name), args, { env: cleanEnv({ as: 'admin' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
  });
}

let token = '';

/** A direct REST call to node B's cache (set-up and checks, not the code under test). */
async function restB<T = unknown>(method: string, path: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await rest(method, `${B}${path}`, { headers: { 'x-auth-token': token, ...headers } });
  if (res.status >= 400) throw new Error(`${method} ${path}: HTTP ${res.status} ${res.text}`);
  return (res.text ? JSON.parse(res.text) : undefined) as T;
}

async function stateB(): Promise<{ cached: string[]; queued: string[] }> {
  const body = await restB<{ cached_images: { image_id: string }[]; queued_images: string[] }>('GET', '/v2/cache');
  return { cached: body.cached_images.map((c) => c.image_id), queued: body.queued_images };
}

const queueLegacy = (id: string) => restB('PUT', `/v2/queued_images/${id}`);

/** Cached on B at once: the v2 API's PUT hands the image to the node's cache worker. */
async function cacheNow(id: string): Promise<void> {
  await restB('PUT', `/v2/cache/${id}`);
  await waitFor(`${id} cached on B`, async () => (await stateB()).cached.includes(id));
}

/** The real glance-cache-manage on node B. */
const legacyB = (...args: string[]) => stackTool('glance2-cache-manage', args);
/** tsglance glance-cache-manage on node B (options before the subcommand, as the legacy tool allows). */
const gcm = (args: string[], api = 'auto') => tsglance(['glance-cache-manage', '--url', B, '--api', api, ...args]);

async function ok(p: Promise<RunResult>): Promise<RunResult> {
  const res = await p;
  expect(res.code, res.stderr).toBe(0);
  return res;
}

async function clearB(): Promise<void> {
  await restB('DELETE', '/v2/queued_images');
  await restB('DELETE', '/v2/cached_images');
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface JsonCached {
  node?: string;
  id: string;
  last_accessed: string | null;
  last_modified: string;
  size: number;
  hits: number;
}

async function cachedOn(node: string): Promise<JsonCached[]> {
  const res = await ok(tsglance(['glance-cache-manage', 'list-cached', '--url', node, '--format', 'json']));
  return JSON.parse(res.stdout) as JsonCached[];
}

beforeAll(async () => {
  expect(B, 'the stack has no node B: restart it with the current test/stack/up.sh').toBeTruthy();
  expect(
    existsSync(join(stackState(), 'pids', 'prefetcher2.pid')),
    'node B must run without a prefetcher loop (PREFETCH2_INTERVAL=0) for these tests',
  ).toBe(false);
  token = (await issueToken('admin')).token;
  x = await glanceImage(['--name', `${suite}-x`, '--file', dataFile(SIZE)]);
  ids.push(x);
  y = await glanceImage(['--name', `${suite}-y`, '--file', dataFile(SIZE)]);
  ids.push(y);
  queuedOnly = await glanceImage(['--name', `${suite}-nodata`]);
  ids.push(queuedOnly);
  await clearB();
});

afterAll(async () => {
  await clearB().catch(() => undefined);
  await deleteImages(ids);
});

describe.each(['legacy', 'v2'])('glance-cache-manage --api %s on node B', (api) => {
  it('queue-image by name: cached by the prefetcher (legacy) or at once (v2); B lists it, A does not', async () => {
    await clearB();
    const queued = await gcm(['-f', 'queue-image', `${suite}-x`], api);
    expect(queued).toMatchObject({ code: 0, stdout: '', stderr: '' });
    if (api === 'legacy') {
      // queued on B only, until a prefetcher runs on B
      const [ours, theirs] = await Promise.all([gcm(['list-queued'], api), legacyB('list-queued')]);
      expect(ours.code).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.stdout).toContain(`| ${x} |`);
      expect(ours.stdout.startsWith('Found 1 queued images...\n')).toBe(true);
      const onA = await ok(tsglance(['glance-cache-manage', 'list-queued', '--url', A, '--format', 'json']));
      expect(JSON.parse(onA.stdout)).not.toContainEqual({ id: x });
      const both = await ok(tsglance(['glance-cache-manage', '--url', A, '--url', B, 'list-queued', '--format', 'json']));
      expect((JSON.parse(both.stdout) as { node: string; id: string }[]).filter((r) => r.id === x)).toEqual([{ node: B, id: x }]);
      await ok(stackTool('glance2-cache-prefetcher'));
    }
    await waitFor('x cached on B', async () => (await cachedOn(B)).some((c) => c.id === x));
    const entry = (await cachedOn(B)).find((c) => c.id === x)!;
    expect(entry).toMatchObject({ id: x, size: SIZE, hits: 0 });
    expect(entry.last_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
    expect((await cachedOn(A)).map((c) => c.id)).not.toContain(x);
    // nothing left queued on B
    expect((await gcm(['list-queued'], api)).stdout).toBe('No queued images.\n');
  });

  it('list-cached: the same bytes as the real glance-cache-manage, whichever back end', async () => {
    const [ours, theirs, other] = await Promise.all([
      gcm(['list-cached'], api),
      legacyB('list-cached'),
      gcm(['list-cached'], api === 'v2' ? 'legacy' : 'v2'),
    ]);
    expect(ours.code).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).toBe(other.stdout);
    expect(ours.stdout).toMatch(new RegExp(`\\| ${x} \\| .* \\| +${SIZE} \\| +0 \\|`));
  });

  it('delete-cached-image -f removes it (listing shows it gone)', async () => {
    const res = await gcm(['delete-cached-image', x, '-f', '-v'], api);
    expect(res).toMatchObject({ code: 0, stdout: '' });
    expect(res.stderr).toMatch(new RegExp(`^Deleted cached image ${x}\\nCompleted in \\d+\\.\\d{4} sec\\.\\n$`));
    expect((await gcm(['list-cached'], api)).stdout).toBe('No cached images.\n');
    expect((await stateB()).cached).toEqual([]);
  });

  it('delete-queued-image and delete-all-queued-images', async () => {
    await queueLegacy(x);
    await queueLegacy(y);
    await ok(gcm(['-f', 'delete-queued-image', `${suite}-x`], api));
    const left = await ok(gcm(['list-queued', '--format', 'json'], api));
    expect(JSON.parse(left.stdout)).toEqual([{ id: y }]);
    const all = await gcm(['-f', '-v', 'delete-all-queued-images'], api);
    expect(all).toMatchObject({ code: 0, stdout: '' });
    expect(all.stderr).toMatch(/^Deleted 1 queued images\nCompleted in \d+\.\d{4} sec\.\n$/);
    expect((await stateB()).queued).toEqual([]);
  });

  it('delete-all-cached-images', async () => {
    await cacheNow(x);
    const res = await gcm(['delete-all-cached-images', '--force', '--verbose'], api);
    expect(res).toMatchObject({ code: 0, stdout: '' });
    expect(res.stderr).toMatch(/^Deleted 1 cached images\nCompleted in \d+\.\d{4} sec\.\n$/);
    expect(await stateB()).toEqual({ cached: [], queued: [] });
  });
});

describe('refusals and errors', () => {
  beforeAll(async () => {
    await clearB();
    await cacheNow(x);
  });

  it('without a terminal, -f or an answer on stdin (empty, /dev/null, closed) nothing is changed; exit 2', async () => {
    const cmds = [['delete-all-cached-images'], ['delete-cached-image', x], ['queue-image', y], ['delete-all-queued-images']];
    const stdins: { opts: { input?: string; stdin?: 'null' }; why: string }[] = [
      { opts: { input: '' }, why: 'no answer on stdin \\(it was empty, or silent for 30 s\\)' },
      { opts: { stdin: 'null' }, why: 'stdin is a device \\(such as /dev/null\\)' },
      // node reopens a closed fd 0 on /dev/null at start-up, so a closed stdin reads as that device
      { opts: {}, why: '(stdin is closed|stdin is a device \\(such as /dev/null\\))' },
    ];
    for (const { opts, why } of stdins) {
      const results = await Promise.all(cmds.map((cmd) => tsglance(['glance-cache-manage', '--url', B, ...cmd], opts)));
      for (const res of results) {
        expect(res.code).toBe(2);
        expect(res.stderr).toMatch(new RegExp(`^Refusing to .* without confirmation: ${why}; pipe the answer \\(echo y \\|\\) or add -f/--force\\.\\n$`));
      }
    }
    expect(await stateB()).toEqual({ cached: [x], queued: [] });
  });

  it('a piped answer answers the prompt, as with the legacy tool: "n" changes nothing, "y" deletes', async () => {
    const no = await tsglance(['glance-cache-manage', '--url', B, 'delete-cached-image', x], { input: 'n\n' });
    expect(no.code).toBe(0);
    expect(no.stderr).toBe(`Delete cached image ${x}? [y/N] \n`);
    expect(await stateB()).toEqual({ cached: [x], queued: [] });
    const yes = await tsglance(['glance-cache-manage', '--url', B, 'delete-cached-image', x], { input: 'y\n' });
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stderr).toBe(`Delete cached image ${x}? [y/N] \n`);
    expect(await stateB()).toEqual({ cached: [], queued: [] });
    await cacheNow(x);
  }, 60_000);

  it('an unreachable node is named; the other nodes are still listed; exit 1', async () => {
    const dead = 'http://127.0.0.1:1';
    const res = await tsglance(['glance-cache-manage', '-H', '127.0.0.1', '-p', '1', '--url', B, 'list-cached']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`Node ${dead} is unreachable: connection refused\n`);
    expect(res.stdout).toMatch(/^Found 1 cached images\.\.\.\n/);
    expect(res.stdout).toContain(`| ${B} | ${x} |`);
    expect(res.stdout).toMatch(/\| Node +\| +ID +\| +Last Accessed \(UTC\) +\|/);
  });

  it('on a terminal it asks "[y/N]" on stderr: "n" changes nothing, "y" deletes', async () => {
    const ask = (answer: string, args: string[]) => viaPty(args, { as: 'admin', prompt: '[y/N] ', answer });
    const no = await ask('n', ['glance-cache-manage', '--url', B, 'delete-cached-image', `${suite}-x`]);
    expect(no.code).toBe(0);
    expect(no.stdout).toContain(`Delete cached image ${x}? [y/N] n`);
    expect((await cachedOn(B)).map((c) => c.id)).toEqual([x]);
    const yes = await ask('y', ['glance-cache-manage', '--url', B, '-v', 'delete-cached-image', x]);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain(`Deleted cached image ${x}`);
    expect(await stateB()).toEqual({ cached: [], queued: [] });
  });

  it('on a terminal, no answer within TSGLANCE_PROMPT_TIMEOUT is no: nothing deleted, and a line says why', async () => {
    await cacheNow(x);
    const res = await viaPty(['glance-cache-manage', '--url', B, 'delete-all-cached-images'], { as: 'admin', env: { TSGLANCE_PROMPT_TIMEOUT: '1' } });
    expect(res.stdout).toMatch(/\[y\/N\] \r?\nNo answer within 1 s \(TSGLANCE_PROMPT_TIMEOUT\): taken as no\.\r?\n/);
    expect((await stateB()).cached).toEqual([x]);
  }, 60_000);

  it.each(['legacy', 'v2'])('the demo user gets one "not authorized" line (--api %s)', async (api) => {
    const cmds = [['list-cached'], ['list-queued'], ['-f', 'delete-all-cached-images']];
    const results = await Promise.all(cmds.map((cmd) => tsglance(['glance-cache-manage', '--url', B, '--api', api, ...cmd], { as: 'demo' })));
    for (const res of results) {
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(new RegExp(`^Not authorized to manage the image cache on ${B}: .* \\(HTTP 403; admin only\\) \\(request-id req-[0-9a-f-]+\\)\\n$`));
    }
    const list = await tsglance(['cache-list'], { as: 'demo' });
    expect(list.code).toBe(1);
    expect(list.stderr).toMatch(new RegExp(`^Not authorized to manage the image cache on ${A}: You are not authorized to complete cache_list action\\. `));
  });

  it('image not found, image not active, middleware missing: one line each, exit 1', async () => {
    const missing = await gcm(['-f', 'queue-image', `${suite}-nope`]);
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: `No image with a name or ID of '${suite}-nope' exists.\n` });
    const inactive = await gcm(['-f', 'queue-image', queuedOnly], 'legacy');
    expect(inactive.code).toBe(1);
    expect(inactive.stderr).toBe(`Image ${queuedOnly} is queued, not active: only active images can be queued for caching.\n`);
    expect((await stateB()).queued).toEqual([]);
    const web = env.GLANCE_STACK_WEB_URL; // a real HTTP server that is not Glance: 404 everywhere
    const noMiddleware = await tsglance(['glance-cache-manage', '--url', web, '--api', 'legacy', 'list-cached']);
    expect(noMiddleware.code).toBe(1);
    expect(noMiddleware.stderr).toBe(`Cache management middleware not enabled on host ${web} (HTTP 404; try --api v2)\n`);
  });
});

describe('cache-list, cache-queue, cache-delete, cache-clear (the /v2/cache API)', () => {
  const g = (args: string[]) => glance(['--os-image-url', B, ...args]);

  it('cache-list shows cached and queued rows like glance, on B and on the catalog endpoint', async () => {
    await clearB();
    await cacheNow(x);
    await queueLegacy(y);
    const [ours, theirs] = await Promise.all([tsglance(['cache-list', '--url', B]), g(['cache-list'])]);
    expect(ours.code).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).toMatch(new RegExp(`\\| ${x} \\| cached \\|`));
    expect(ours.stdout).toMatch(new RegExp(`\\| ${y} \\| queued \\| +N/A +\\| +N/A +\\|`));
    const [catalogOurs, catalogTheirs] = await Promise.all([tsglance(['cache-list']), glance(['cache-list'])]);
    expect(catalogOurs.code).toBe(0);
    expect(catalogOurs.stdout).toBe(catalogTheirs.stdout);
    const json = JSON.parse((await ok(tsglance(['cache-list', '-H', '127.0.0.1', '-p', new URL(B).port, '-f', 'json']))).stdout);
    expect(json).toEqual([
      expect.objectContaining({ id: x, state: 'cached', size: SIZE, hits: 0 }),
      { id: y, state: 'queued', last_accessed: null, last_modified: null, size: null, hits: null },
    ]);
  });

  it('cache-clear --target queue / cache / both', async () => {
    expect(await stateB()).toEqual({ cached: [x], queued: [y] });
    await ok(tsglance(['cache-clear', '--target', 'queue', '--url', B]));
    expect(await stateB()).toEqual({ cached: [x], queued: [] });
    await ok(tsglance(['cache-clear', '--target', 'cache', '--url', B]));
    expect(await stateB()).toEqual({ cached: [], queued: [] });
    await queueLegacy(y);
    await cacheNow(x);
    await ok(tsglance(['cache-clear', '--url', B]));
    expect(await stateB()).toEqual({ cached: [], queued: [] });
  });

  it('cache-queue fetches at once; cache-delete removes; a missing image exits 1 (glance exits 0)', async () => {
    await ok(tsglance(['cache-queue', `${suite}-x`, y, '--url', B]));
    await waitFor('x and y cached on B', async () => (await stateB()).cached.length === 2);
    await ok(tsglance(['cache-delete', x, `${suite}-y`, '--url', B]));
    expect(await stateB()).toEqual({ cached: [], queued: [] });
    const missing = '00000000-0000-4000-8000-000000000000';
    const [ours, theirs] = await Promise.all([tsglance(['cache-delete', missing, '--url', B]), g(['cache-delete', missing])]);
    expect(theirs.code).toBe(0);
    expect(ours.code).toBe(1);
    expect(ours.stderr).toMatch(new RegExp(`^Image ${missing} not found on ${B} \\(HTTP 404\\)`));
  });
});
