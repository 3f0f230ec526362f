/**
 * Chooses where tokens are kept between runs: the OS keychain (keytar, behind secret-store.ts)
 * when it can be reached and accepts the entry, else a private file cache. Either way the cache
 * directory holds one small JSON entry per key (for the keychain: a marker without the token)
 * and the lock files; see file-store.ts. The keychain module is loaded only when an entry says
 * the token is there, or when a new token is stored — a warm run from the file cache, or any run
 * on a machine without a D-Bus session, never pays for it.
 */
import type { TokenInfo } from './keystone.js';
import { FileCache, cacheDir, type CacheEntry, type CacheIdentity, type Release } from './file-store.js';
import { keychainUnreachable, type SecretStore } from './secret-store.js';
import { noTokenStore, type TokenStore } from './session.js';
import type { Env } from './settings.js';

export interface TokenStoreOptions {
  /** --no-token-cache / OS_NO_CACHE=1 */
  disabled?: boolean;
  debug?: (line: string) => void;
  /** tests: a keychain of their own instead of keytar */
  loadKeychain?: () => Promise<SecretStore>;
}

/** The keychain service name; the account is the cache key (a SHA-256, no secret in it). */
export const KEYCHAIN_SERVICE = 'tsglance';

/** What `token-cache show` lists: never the token. */
export interface CacheListing {
  key: string;
  store: 'file' | 'keychain';
  identity?: CacheIdentity;
  expiresAt: string;
  cachedAt: string;
  /** 'valid', 'expired', or 'missing' (a keychain marker whose keychain entry cannot be read) */
  status: 'valid' | 'expired' | 'missing';
}

/** The secret the keychain holds: the token and what a warm run needs with it. */
type KeychainSecret = Pick<TokenInfo, 'token' | 'expiresAt' | 'catalog' | 'userId' | 'projectId' | 'binding'>;

function parseSecret(text: string): TokenInfo | undefined {
  try {
    const s = JSON.parse(text) as KeychainSecret;
    if (typeof s.token !== 'string' || typeof s.expiresAt !== 'string') return undefined;
    return { token: s.token, expiresAt: s.expiresAt, catalog: s.catalog ?? [], userId: s.userId, projectId: s.projectId, binding: s.binding };
  } catch {
    return undefined;
  }
}

export class CachedTokenStore implements TokenStore {
  private keychainPromise: Promise<SecretStore | undefined> | undefined;
  /** set once the keychain refused a write in this process: stop trying */
  private keychainRefused = false;
  private lastUsed: 'file' | 'keychain' | undefined;

  constructor(
    readonly files: FileCache,
    /** why the keychain is not tried at all, or undefined to try it */
    private readonly keychainOff: string | undefined,
    private readonly loadKeychain: () => Promise<SecretStore>,
    private readonly debug: (line: string) => void = () => undefined,
  ) {}

  get description(): string {
    if (this.lastUsed === 'keychain') return `keychain, index in ${this.files.dir}`;
    if (this.lastUsed === 'file') return `file ${this.files.dir}`;
    if (this.keychainOff) return `file ${this.files.dir} (keychain not used: ${this.keychainOff})`;
    return `keychain if available, else file ${this.files.dir}`;
  }

  /** The keychain, loaded once; undefined (with a --debug note) when it cannot be used. */
  keychain(): Promise<SecretStore | undefined> {
    this.keychainPromise ??= (async () => {
      if (this.keychainOff) return undefined;
      try {
        return await this.loadKeychain();
      } catch (err) {
        this.debug(`token cache: keychain unavailable (${(err as Error).message.split('\n')[0]}); using the file cache`);
        return undefined;
      }
    })();
    return this.keychainPromise;
  }

  async get(key: string): Promise<TokenInfo | undefined> {
    const entry = await this.files.read(key);
    if (!entry) return undefined;
    if (entry.store === 'file') {
      if (typeof entry.token !== 'string') return undefined;
      this.lastUsed = 'file';
      return {
        token: entry.token,
        expiresAt: entry.expiresAt,
        catalog: entry.catalog ?? [],
        userId: entry.userId,
        projectId: entry.projectId,
        binding: entry.binding,
      };
    }
    // the marker says the token is in the keychain; skip the keychain when it is expired anyway
    if (!(Date.parse(entry.expiresAt) > Date.now())) return undefined;
    const kc = await this.keychain();
    if (!kc) return undefined;
    const secret = await kc.get(KEYCHAIN_SERVICE, key).catch((err: Error) => {
      this.debug(`token cache: keychain read failed (${err.message})`);
      return null;
    });
    if (secret === null) {
      // libsecret answers null for a locked keyring as for a missing entry
      this.debug('token cache: the keychain has no entry for this key (locked keyring, or removed)');
      return undefined;
    }
    const info = parseSecret(secret);
    if (info) this.lastUsed = 'keychain';
    return info;
  }

  async set(key: string, info: TokenInfo, identity?: CacheIdentity): Promise<void> {
    const base: Omit<CacheEntry, 'store'> = {
      version: 1,
      identity,
      expiresAt: info.expiresAt,
      cachedAt: new Date().toISOString(),
      userId: info.userId,
      projectId: info.projectId,
    };
    const kc = this.keychainRefused ? undefined : await this.keychain();
    if (kc) {
      const secret: KeychainSecret = {
        token: info.token,
        expiresAt: info.expiresAt,
        catalog: info.catalog,
        userId: info.userId,
        projectId: info.projectId,
        binding: info.binding,
      };
      try {
        await kc.set(KEYCHAIN_SERVICE, key, JSON.stringify(secret));
        await this.files.write(key, { ...base, store: 'keychain' });
        this.lastUsed = 'keychain';
        this.debug(`token cache: token stored in the keychain (${kc.name})`);
        return;
      } catch (err) {
        this.keychainRefused = true;
        this.debug(`token cache: the keychain refused the token (${(err as Error).message}); using the file cache`);
      }
    }
    await this.files.write(key, { ...base, store: 'file', token: info.token, catalog: info.catalog, binding: info.binding });
    this.lastUsed = 'file';
    this.debug(`token cache: token stored in ${this.files.dir}`);
  }

  async delete(key: string): Promise<void> {
    const entry = await this.files.read(key);
    await this.files.remove(key);
    if (entry?.store === 'keychain') {
      const kc = await this.keychain();
      await kc?.delete(KEYCHAIN_SERVICE, key).catch(() => false);
    }
  }

  lock(key: string, ready: () => Promise<boolean>): Promise<Release | undefined> {
    return this.files.lock(key, ready);
  }

  /** Every entry, newest expiry first; keychain markers are checked against the keychain. */
  async list(): Promise<CacheListing[]> {
    const out: CacheListing[] = [];
    for (const key of await this.files.keys()) {
      const entry = await this.files.read(key);
      if (!entry) continue;
      let status: CacheListing['status'] = Date.parse(entry.expiresAt) > Date.now() ? 'valid' : 'expired';
      if (entry.store === 'keychain' && status === 'valid') {
        const kc = await this.keychain();
        const secret = kc ? await kc.get(KEYCHAIN_SERVICE, key).catch(() => null) : null;
        if (secret === null || !parseSecret(secret)) status = 'missing';
      } else if (entry.store === 'file' && typeof entry.token !== 'string') {
        status = 'missing';
      }
      out.push({ key, store: entry.store, identity: entry.identity, expiresAt: entry.expiresAt, cachedAt: entry.cachedAt, status });
    }
    return out.sort((a, b) => b.expiresAt.localeCompare(a.expiresAt));
  }

  /**
   * Removes every entry (keychain entries too, for every key the directory knows, whichever
   * store its entry names now) plus leftovers of killed processes. Returns how many entries.
   */
  async clear(extraKeys: string[] = []): Promise<number> {
    const keys = [...new Set([...(await this.files.keys()), ...extraKeys])];
    const kc = keys.length ? await this.keychain() : undefined;
    let removed = 0;
    for (const key of keys) {
      const inFile = await this.files.remove(key);
      const inKeychain = kc ? await kc.delete(KEYCHAIN_SERVICE, key).catch(() => false) : false;
      if (inFile || inKeychain) removed++;
    }
    await this.files.sweep(0);
    return removed;
  }
}

/**
 * The store a run uses. --no-token-cache / OS_NO_CACHE turn it off; TSGLANCE_TOKEN_STORE=file
 * skips the keychain. A cache directory that cannot be used turns caching off (a note in --debug)
 * rather than failing the command.
 */
export async function openTokenStore(env: Env, opts: TokenStoreOptions = {}): Promise<TokenStore> {
  if (opts.disabled) return noTokenStore;
  return (await openCachedTokenStore(env, opts)) ?? noTokenStore;
}

export async function openCachedTokenStore(env: Env, opts: TokenStoreOptions = {}): Promise<CachedTokenStore | undefined> {
  const debug = opts.debug ?? (() => undefined);
  let files: FileCache;
  try {
    files = await FileCache.open(env);
  } catch (err) {
    debug(`token cache: off, cannot use ${cacheDir(env)} (${(err as Error).message})`);
    return undefined;
  }
  const forced = (env.TSGLANCE_TOKEN_STORE ?? '').toLowerCase();
  const keychainOff = forced === 'file' ? 'TSGLANCE_TOKEN_STORE=file' : keychainUnreachable(env);
  const loadKeychain =
    opts.loadKeychain ?? (async () => (await import('./keytar-store.js')).loadKeytarStore());
  return new CachedTokenStore(files, keychainOff, loadKeychain, debug);
}
