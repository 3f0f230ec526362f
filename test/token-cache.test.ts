/**
 * The token cache against the real stack, without a keychain (no D-Bus session: the file store).
 * tsglance's token requests are counted in Keystone's log (by its User-Agent). Covers the
 * cold/warm pair, the private files, --no-token-cache, an expired and an almost-expired entry, a token revoked in Keystone
 * (Glance 401 → one new token → success), token-cache show|clear, and 20 concurrent cold starts.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteImages, glanceImage } from './helpers/fixtures.js';
import { tsglance, uniqueName, type RunOpts } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';
import { postsSince, revokeToken, settledPosts } from './helpers/token.js';

/** A fresh cache directory and no way to a keychain. */
function fresh(extra: Record<string, string | undefined> = {}): RunOpts & { cache: string } {
  const xdg = mkdtempSync(join(tmpdir(), 'tsglance-token-cache-'));
  return {
    cache: join(xdg, 'tsglance'),
    env: { XDG_CACHE_HOME: xdg, DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: undefined, DISPLAY: undefined, ...extra },
  };
}

/**
 * What the token cache left in its directory: every file (entries, locks, temporary files), not
 * the directories of the other caches that live there too (compile-cache, schemas).
 */
function tokenFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).filter((d) => !d.isDirectory()).map((d) => d.name);
}

function entries(dir: string): { file: string; json: Record<string, unknown> }[] {
  return tokenFiles(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: join(dir, f), json: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown> }));
}

// one image of this file's own: the listings compared between runs change only if this file changes them
const suite = uniqueName('tc');
const LIST = ['image-list', '--property-filter', `suite=${suite}`];
let fixture = '';
beforeAll(async () => {
  fixture = await glanceImage(['--name', suite, '--property', `suite=${suite}`]);
});
afterAll(async () => {
  await deleteImages([fixture]);
});

/** tsglance's token requests while `fn` runs (`expected`: how many to wait for before counting). */
async function counted<T>(fn: () => Promise<T>, expected: number): Promise<{ result: T; posts: number }> {
  const before = await settledPosts();
  const result = await fn();
  return { result, posts: await postsSince(before, expected) };
}

describe('token cache (file store)', () => {
  it('cold run: one token request, stored in a 0600 file in a 0700 directory; warm run: none, same output', async () => {
    const opts = fresh();
    const cold = await counted(() => tsglance(['--debug', ...LIST], opts), 1);
    expect(cold.result.code, cold.result.stderr).toBe(0);
    expect(cold.posts).toBe(1);
    expect(cold.result.stderr).toMatch(/keychain not used: no D-Bus session bus/);
    expect(statSync(opts.cache).mode & 0o777).toBe(0o700);
    const [entry] = entries(opts.cache);
    expect(statSync(entry.file).mode & 0o777).toBe(0o600);
    expect(entry.json).toMatchObject({ version: 1, store: 'file', identity: { user: 'admin', project: 'admin' } });
    expect(typeof entry.json.token).toBe('string');
    expect(readFileSync(entry.file, 'utf8')).not.toContain(stackEnv('admin').OS_PASSWORD);

    const warm = await counted(() => tsglance(['--debug', ...LIST], opts), 0);
    expect(warm.result.code, warm.result.stderr).toBe(0);
    expect(warm.posts).toBe(0);
    expect(warm.result.stderr).toMatch(/token cache hit \(file /);
    expect(warm.result.stderr).not.toMatch(/auth\/tokens/);
    expect(warm.result.stdout).toBe(cold.result.stdout);

    // another identity (demo) gets its own entry
    const demo = await counted(() => tsglance(LIST, { ...opts, as: 'demo' }), 1);
    expect(demo.result.code).toBe(0);
    expect(demo.posts).toBe(1);
    expect(entries(opts.cache).map((e) => (e.json.identity as { user: string }).user).sort()).toEqual(['admin', 'demo']);
  });

  it('--no-token-cache and OS_NO_CACHE=1 neither read nor write the cache', async () => {
    const opts = fresh();
    await tsglance(LIST, opts);
    const off = await counted(async () => [
      await tsglance(['--no-token-cache', ...LIST], opts),
      await tsglance(LIST, { env: { ...opts.env, OS_NO_CACHE: '1' } }),
    ], 2);
    expect(off.result.map((r) => r.code)).toEqual([0, 0]);
    expect(off.posts).toBe(2);
    const none = fresh({ OS_NO_CACHE: '1' });
    expect((await tsglance(LIST, none)).code).toBe(0);
    expect(tokenFiles(none.cache)).toEqual([]);
  });

  it('an expired entry, or one within 60 s of expiry, is not used: one new token replaces it', async () => {
    const opts = fresh();
    await tsglance(LIST, opts);
    const [entry] = entries(opts.cache);
    for (const expiresAt of [new Date(Date.now() - 3_600_000), new Date(Date.now() + 30_000)]) {
      const stale = { ...entries(opts.cache)[0].json, expiresAt: expiresAt.toISOString(), token: 'gAAAAA-not-a-real-token' };
      writeFileSync(entry.file, JSON.stringify(stale), { mode: 0o600 });
      const run = await counted(() => tsglance(['--debug', ...LIST], opts), 1);
      expect(run.result.code, run.result.stderr).toBe(0);
      expect(run.posts).toBe(1);
      expect(run.result.stderr).not.toMatch(/token cache hit/);
      const renewed = entries(opts.cache)[0].json;
      expect(renewed.token).not.toBe('gAAAAA-not-a-real-token');
      expect(Date.parse(String(renewed.expiresAt))).toBeGreaterThan(Date.now() + 3_600_000);
    }
  });

  it('a token revoked in Keystone: Glance says 401, tsglance gets exactly one new token and succeeds', async () => {
    const opts = fresh();
    // cache a token that Glance has never seen (its validation cache would hide the revocation):
    // authenticate against a Glance endpoint that does not answer
    const prime = await tsglance(LIST, { env: { ...opts.env, OS_IMAGE_URL: 'http://127.0.0.1:9' } });
    expect(prime.code).toBe(1);
    const [entry] = entries(opts.cache);
    const revoked = String(entry.json.token);
    expect(await revokeToken(revoked)).toBe(204);

    const run = await counted(() => tsglance(['--debug', ...LIST], opts), 1);
    expect(run.result.code, run.result.stderr).toBe(0);
    expect(run.posts).toBe(1);
    expect(run.result.stderr).toMatch(/token cache hit/);
    expect(run.result.stderr).toMatch(/-> 401 /);
    expect(run.result.stderr).toMatch(/token refreshed, request repeated once/);
    expect(run.result.stdout).toBe((await tsglance(LIST, { env: { OS_NO_CACHE: '1' } })).stdout);
    expect(entries(opts.cache)[0].json.token).not.toBe(revoked);
  });

  it('ignores a corrupt or world-readable entry and replaces it with a private, valid one', async () => {
    const opts = fresh();
    await tsglance(LIST, opts);
    const [entry] = entries(opts.cache);
    writeFileSync(entry.file, '{"version":1,"store":"file","tok');
    const corrupt = await counted(() => tsglance(LIST, opts), 1);
    expect(corrupt.result.code).toBe(0);
    expect(corrupt.posts).toBe(1);
    chmodSync(entry.file, 0o644);
    const open = await counted(() => tsglance(LIST, opts), 1);
    expect(open.result.code).toBe(0);
    expect(open.posts).toBe(1);
    expect(statSync(entry.file).mode & 0o777).toBe(0o600);
    expect(entries(opts.cache)[0].json.store).toBe('file');
  });

  it('token-cache show lists whose token it is and until when, never the token; clear forgets it', async () => {
    const opts = fresh();
    await tsglance(LIST, opts);
    const token = String(entries(opts.cache)[0].json.token);
    const show = await tsglance(['token-cache', 'show'], opts);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/\| Key +\| Store +\| Auth URL +\| User +\| Project/);
    expect(show.stdout).toMatch(/\| file +\| http:\/\/127\.0\.0\.1:\d+\/v3 +\| admin \(default\) +\| admin \(default\) +\| RegionOne +\| public +\| \S+ +\| valid +\| \* +\|/);
    expect(show.stdout + show.stderr).not.toContain(token);
    const json = JSON.parse((await tsglance(['token-cache', 'show', '-f', 'json'], opts)).stdout) as Record<string, unknown>[];
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ store: 'file', user: 'admin (default)', status: 'valid', current: true });
    expect(JSON.stringify(json)).not.toContain(token);

    const clear = await tsglance(['token-cache', 'clear'], opts);
    expect(clear.code).toBe(0);
    expect(clear.stderr).toMatch(/Removed 1 cached token/);
    expect(tokenFiles(opts.cache)).toEqual([]);
    expect((await tsglance(['token-cache', 'show'], opts)).stdout).toBe('No cached tokens.\n');
    const after = await counted(() => tsglance(LIST, opts), 1);
    expect(after.posts).toBe(1);
  });

  it('20 processes started at once with a cold cache: all succeed, one token request or a few, a valid cache', async () => {
    const opts = fresh();
    const run = await counted(() => Promise.all(Array.from({ length: 20 }, () => tsglance(LIST, opts))), 1);
    for (const r of run.result) expect(r.code, r.stderr).toBe(0);
    expect(new Set(run.result.map((r) => r.stdout)).size).toBe(1);
    expect(run.posts).toBeGreaterThanOrEqual(1);
    expect(run.posts).toBeLessThanOrEqual(3);
    expect(tokenFiles(opts.cache)).toHaveLength(1); // no lock or temporary file left behind
    const [entry] = entries(opts.cache);
    expect(entry.json).toMatchObject({ version: 1, store: 'file' });
    const warm = await counted(() => tsglance(LIST, opts), 0);
    expect(warm.posts).toBe(0);
  });
});
