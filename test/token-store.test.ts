/**
 * The token cache without a server: what the cache key depends on (and that no secret does), the
 * file store's permissions, atomic writes and refusal of foreign files, the lock (stale locks are
 * broken, waiters take the holder's token), and the keychain/file choice with a scripted keychain.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TokenInfo } from '../src/auth/keystone.js';
import { cacheDir, FileCache } from '../src/auth/file-store.js';
import { keychainUnreachable, type SecretStore } from '../src/auth/secret-store.js';
import { tokenCacheIdentity, tokenCacheKey } from '../src/auth/session.js';
import type { AuthSettings } from '../src/auth/settings.js';
import { openCachedTokenStore, openTokenStore } from '../src/auth/token-store.js';

const base: AuthSettings = {
  authType: 'password',
  authUrl: 'http://keystone.example:5000/v3',
  username: 'alice',
  password: 'pw-one',
  userDomainName: 'Default',
  projectName: 'demo',
  projectDomainName: 'Default',
  regionName: 'RegionOne',
  interface: 'public',
  serviceType: 'image',
  insecure: false,
  timeout: 600,
};

const info = (token: string, inMs = 3_600_000): TokenInfo => ({
  token,
  expiresAt: new Date(Date.now() + inMs).toISOString(),
  catalog: [{ type: 'image', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: 'http://glance:9292' }] }],
  userId: 'u1',
  projectId: 'p1',
});

const KEY = 'a'.repeat(64);
const tmpEnv = () => ({ XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'tsglance-unit-cache-')), HOME: '/nonexistent' });

describe('cache key', () => {
  it('changes with every identity field the issue lists', () => {
    const k = tokenCacheKey(base);
    const variants: Partial<AuthSettings>[] = [
      { authUrl: 'http://other:5000/v3' },
      { authType: 'v3applicationcredential', applicationCredentialId: 'ac' },
      { username: 'bob' },
      { userDomainName: 'ldap' },
      { projectName: 'admin' },
      { projectDomainName: 'other' },
      { regionName: 'RegionTwo' },
      { interface: 'internal' },
    ];
    const keys = variants.map((v) => tokenCacheKey({ ...base, ...v }));
    for (const other of keys) expect(other).not.toBe(k);
    expect(new Set(keys).size).toBe(keys.length);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for an equivalent auth URL and never depends on a password or secret', () => {
    expect(tokenCacheKey({ ...base, authUrl: 'http://keystone.example:5000/v3/' })).toBe(tokenCacheKey(base));
    expect(tokenCacheKey({ ...base, authUrl: 'http://keystone.example:5000' })).toBe(tokenCacheKey(base));
    expect(tokenCacheKey({ ...base, password: 'pw-two' })).toBe(tokenCacheKey(base));
    const ac = { ...base, authType: 'v3applicationcredential' as const, applicationCredentialId: 'id1' };
    expect(tokenCacheKey({ ...ac, applicationCredentialSecret: 's1' })).toBe(tokenCacheKey({ ...ac, applicationCredentialSecret: 's2' }));
    expect(tokenCacheKey({ ...ac, applicationCredentialId: 'id2' })).not.toBe(tokenCacheKey(ac));
    const shown = JSON.stringify(tokenCacheIdentity({ ...base, password: 'pw-one' }));
    expect(shown).not.toContain('pw-one');
  });

  it('with OS_TOKEN, tells tokens apart (the token is the identity) without showing it', () => {
    const t = { ...base, authType: 'token' as const, username: undefined, password: undefined };
    expect(tokenCacheKey({ ...t, token: 'tok-A' })).not.toBe(tokenCacheKey({ ...t, token: 'tok-B' }));
    expect(JSON.stringify(tokenCacheIdentity({ ...t, token: 'tok-A' }))).not.toContain('tok-A');
  });
});

describe('file cache', () => {
  it('lives in $XDG_CACHE_HOME/tsglance, else ~/.cache/tsglance (a relative XDG_CACHE_HOME is ignored)', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/a' })).toBe('/x/cache/tsglance');
    expect(cacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/home/a' })).toBe('/home/a/.cache/tsglance');
    expect(cacheDir({ HOME: '/home/a' })).toBe('/home/a/.cache/tsglance');
  });

  it('creates a 0700 directory, tightens an open one, writes 0600 files atomically', async () => {
    const env = tmpEnv();
    mkdirSync(join(env.XDG_CACHE_HOME, 'tsglance'), { mode: 0o755 });
    chmodSync(join(env.XDG_CACHE_HOME, 'tsglance'), 0o755);
    const fc = await FileCache.open(env);
    expect(statSync(fc.dir).mode & 0o777).toBe(0o700);
    const entry = { version: 1 as const, store: 'file' as const, expiresAt: '2099-01-01T00:00:00Z', cachedAt: 'now', token: 't1' };
    await Promise.all(Array.from({ length: 30 }, (_, i) => fc.write(KEY, { ...entry, token: `t${i}` })));
    const file = join(fc.dir, `${KEY}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).token).toMatch(/^t\d+$/);
    expect(readdirSync(fc.dir)).toEqual([`${KEY}.json`]); // no temporary files left
    expect((await fc.read(KEY))?.token).toMatch(/^t\d+$/);
  });

  it('ignores an entry that others can read, a symlink, or garbage', async () => {
    const env = tmpEnv();
    const fc = await FileCache.open(env);
    const file = join(fc.dir, `${KEY}.json`);
    const good = JSON.stringify({ version: 1, store: 'file', expiresAt: '2099-01-01T00:00:00Z', cachedAt: 'x', token: 't' });
    writeFileSync(file, good, { mode: 0o600 });
    expect((await fc.read(KEY))?.token).toBe('t');
    chmodSync(file, 0o644);
    expect(await fc.read(KEY)).toBeUndefined();
    chmodSync(file, 0o600);
    writeFileSync(file, '{"version":1,"store":"fi');
    expect(await fc.read(KEY)).toBeUndefined();
    const elsewhere = join(env.XDG_CACHE_HOME, 'elsewhere.json');
    writeFileSync(elsewhere, good, { mode: 0o600 });
    const key2 = 'b'.repeat(64);
    symlinkSync(elsewhere, join(fc.dir, `${key2}.json`));
    expect(await fc.read(key2)).toBeUndefined();
  });

  it('breaks the lock of a dead process and of an ancient one; waiters reuse what the holder stored', async () => {
    const fc = await FileCache.open(tmpEnv());
    const lockFile = join(fc.dir, `${KEY}.lock`);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(lockFile, `${dead} ${(await import('node:os')).hostname()} x\n`);
    // broken, not waited out: the lock file is now this process's (a timed-out wait would leave the
    // dead one's there and return a no-op)
    const release = await fc.lock(KEY, async () => false, { maxWaitMs: 30_000 });
    expect(release).toBeTypeOf('function');
    expect(readFileSync(lockFile, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await release!();
    expect(readdirSync(fc.dir)).toEqual([]);

    writeFileSync(lockFile, `1 some-other-host x\n`);
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(lockFile, old, old);
    const r2 = await fc.lock(KEY, async () => false, { maxWaitMs: 30_000 });
    expect(r2).toBeTypeOf('function');
    expect(readFileSync(lockFile, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await r2!();

    // a live holder: the waiter waits, then takes the holder's result instead of locking
    const holder = await fc.lock(KEY, async () => false);
    let stored = false;
    const waiter = fc.lock(KEY, async () => stored, { maxWaitMs: 30_000 });
    await new Promise((r) => setTimeout(r, 100));
    stored = true;
    await holder!();
    expect(await waiter).toBeUndefined();
  });
});

/** A keychain scripted by the test: entries in a Map, and switches for failure modes. */
function fakeKeychain(mode: { locked?: boolean; failLoad?: boolean } = {}) {
  const entries = new Map<string, string>();
  let loads = 0;
  const store: SecretStore = {
    name: 'fake keychain',
    get: async (s, a) => (mode.locked ? null : (entries.get(`${s}/${a}`) ?? null)),
    set: async (s, a, v) => {
      if (mode.locked) throw new Error('Cannot create an item in a locked collection');
      entries.set(`${s}/${a}`, v);
    },
    delete: async (s, a) => entries.delete(`${s}/${a}`),
  };
  const load = async () => {
    loads++;
    if (mode.failLoad) throw new Error("Cannot find module 'keytar'");
    return store;
  };
  return { entries, load, loads: () => loads, mode };
}

describe('keychain or file', () => {
  const dbusEnv = () => ({ ...tmpEnv(), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/fake' });

  it('stores the token in the keychain and only a marker without the token in the directory', async () => {
    const kc = fakeKeychain();
    const env = dbusEnv();
    const store = (await openCachedTokenStore(env, { loadKeychain: kc.load }))!;
    await store.set(KEY, info('secret-token'), tokenCacheIdentity(base));
    expect([...kc.entries.keys()]).toEqual([`tsglance/${KEY}`]);
    const marker = readFileSync(join(store.files.dir, `${KEY}.json`), 'utf8');
    expect(marker).not.toContain('secret-token');
    expect(JSON.parse(marker)).toMatchObject({ store: 'keychain', identity: { user: 'alice', project: 'demo' } });
    const again = (await openCachedTokenStore(env, { loadKeychain: kc.load }))!;
    expect((await again.get(KEY))?.token).toBe('secret-token');
    expect((await again.list()).map((e) => [e.store, e.status])).toEqual([['keychain', 'valid']]);
    expect(await again.clear()).toBe(1);
    expect(kc.entries.size).toBe(0);
    expect(await again.get(KEY)).toBeUndefined();
  });

  it('falls back to the file when the keychain is locked (null on read, refusal on write) or cannot load', async () => {
    for (const mode of [{ locked: true }, { failLoad: true }]) {
      const kc = fakeKeychain(mode);
      const lines: string[] = [];
      const store = (await openCachedTokenStore(dbusEnv(), { loadKeychain: kc.load, debug: (l) => lines.push(l) }))!;
      await store.set(KEY, info('tok'), tokenCacheIdentity(base));
      expect(kc.entries.size).toBe(0);
      expect((await store.get(KEY))?.token).toBe('tok');
      expect(JSON.parse(readFileSync(join(store.files.dir, `${KEY}.json`), 'utf8')).store).toBe('file');
      expect(lines.join('\n')).toMatch(mode.locked ? /keychain refused the token \(Cannot create an item in a locked/ : /keychain unavailable \(Cannot find module/);
    }
  });

  it('a marker whose keychain entry reads null (keyring locked later) is a miss, not an error', async () => {
    const kc = fakeKeychain();
    const env = dbusEnv();
    const store = (await openCachedTokenStore(env, { loadKeychain: kc.load }))!;
    await store.set(KEY, info('tok'), tokenCacheIdentity(base));
    kc.mode.locked = true;
    const later = (await openCachedTokenStore(env, { loadKeychain: kc.load }))!;
    expect(await later.get(KEY)).toBeUndefined();
    expect((await later.list())[0].status).toBe('missing');
  });

  it('does not load the keychain without a D-Bus session, for TSGLANCE_TOKEN_STORE=file, or for a file entry', async () => {
    expect(keychainUnreachable({}, 'linux')).toMatch(/no D-Bus/);
    expect(keychainUnreachable({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x' }, 'linux')).toBeUndefined();
    expect(keychainUnreachable({}, 'darwin')).toBeUndefined();
    for (const env of [tmpEnv(), { ...dbusEnv(), TSGLANCE_TOKEN_STORE: 'file' }]) {
      const kc = fakeKeychain();
      const store = (await openCachedTokenStore(env, { loadKeychain: kc.load }))!;
      await store.set(KEY, info('tok'));
      expect((await store.get(KEY))?.token).toBe('tok');
      expect(kc.loads()).toBe(0);
    }
  });

  it('is off with --no-token-cache, and off (not failing) when the directory cannot be used', async () => {
    expect((await openTokenStore(tmpEnv(), { disabled: true })).description).toBe('disabled');
    const env = tmpEnv();
    writeFileSync(join(env.XDG_CACHE_HOME, 'tsglance'), 'a file, not a directory');
    const lines: string[] = [];
    expect((await openTokenStore(env, { debug: (l) => lines.push(l) })).description).toBe('disabled');
    expect(lines.join('')).toMatch(/token cache: off, cannot use/);
  });
});
