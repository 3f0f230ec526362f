/**
 * An authenticated session: at most one token request per run, the image endpoint from that
 * token's catalog, and a seam (TokenStore) through which tokens are reused between runs.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { redactUrl, type HttpClient } from '../http.js';
import { authenticate, findEndpoint, stripImageVersion, type TokenInfo } from './keystone.js';
import type { CacheIdentity } from './file-store.js';
import { bindSecret, secretMatches } from './secret-binding.js';
import { identityBase, type AuthSettings } from './settings.js';

/** Where tokens live between runs (OS keychain, file, or nowhere). Never holds passwords. */
export interface TokenStore {
  readonly description: string;
  get(key: string): Promise<TokenInfo | undefined>;
  /** `identity` is the clear-text description of the key that `token-cache show` lists */
  set(key: string, value: TokenInfo, identity?: CacheIdentity): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Cross-process lock for one key, so that concurrent cold starts make one token request: the
   * release function of an acquired lock, or undefined when `ready` reported, while waiting,
   * that another process has stored what we need.
   */
  lock?(key: string, ready: () => Promise<boolean>): Promise<(() => Promise<void>) | undefined>;
}

export const noTokenStore: TokenStore = {
  description: 'disabled',
  get: async () => undefined,
  set: async () => undefined,
  delete: async () => undefined,
};

/** The secret a cached token is bound to (the token type is bound through its key instead). */
export function bindingSecret(s: AuthSettings): string | undefined {
  if (s.authType === 'password') return s.password;
  if (s.authType === 'v3applicationcredential') return s.applicationCredentialSecret;
  return undefined;
}

/** Reuse a cached token only while it has at least this much life left. */
export const TOKEN_EXPIRY_MARGIN_MS = 60_000;

/**
 * What a cached token stands for, in clear: everything that changes who we are or what the token
 * is scoped to (the list, plus the application credential). Secrets are not part of it.
 */
export function tokenCacheIdentity(s: AuthSettings): CacheIdentity {
  const id: CacheIdentity = {
    authUrl: s.authUrl ? redactUrl(identityBase(s.authUrl)) : '',
    authType: s.authType,
    user: s.userId ?? s.username ?? '',
    userDomain: s.userDomainId ?? s.userDomainName ?? '',
    project: s.projectId ?? s.projectName ?? '',
    projectDomain: s.projectId ? '' : (s.projectDomainId ?? s.projectDomainName ?? ''),
    region: s.regionName ?? '',
    interface: s.interface,
  };
  if (s.authType === 'v3applicationcredential') {
    id.applicationCredential = s.applicationCredentialId ?? s.applicationCredentialName ?? '';
  }
  return id;
}

/**
 * The cache key: a SHA-256 of the identity. Passwords and application credential secrets are
 * deliberately NOT hashed into it: the key is visible without unlocking the keychain (Secret
 * Service attributes are plain text on the session bus) and in the cache directory, and an
 * unsalted fast hash of a password there would be an offline password verifier. Instead each
 * entry carries a salted scrypt hash of its secret inside the protected payload (secret-binding.ts)
 * and a run whose secret does not match it misses the cache. With OS_TOKEN the token is the only
 * thing that says who we are, so its digest is part of the key: a Keystone token is long and
 * random, its SHA-256 is no help to anyone guessing it.
 */
export function tokenCacheKey(s: AuthSettings): string {
  const parts = [JSON.stringify(tokenCacheIdentity(s))];
  if (s.authType === 'token') parts.push(createHash('sha256').update(s.token ?? '').digest('hex'));
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

/**
 * A cached token not yet known to belong to this run's secret: the scrypt check runs in libuv's
 * thread pool while the first read-only request is already on the wire (see unconfirmedToken).
 */
interface CacheCandidate {
  info: TokenInfo;
  /** true when the entry may be used: no secret to check, or the secret matches its binding */
  usable: Promise<boolean>;
  settled: boolean;
}

/** A token to send before its cache entry is confirmed, and whether the answer may be used. */
export interface UnconfirmedToken {
  token: string;
  /** the image endpoint from that token's catalog */
  endpoint: string;
  confirmed: Promise<boolean>;
}

export class AuthSession {
  private current: Promise<TokenInfo> | undefined;
  private candidate: Promise<CacheCandidate | undefined> | undefined;
  private readonly key: string;

  constructor(
    readonly settings: AuthSettings,
    private readonly http: HttpClient,
    private readonly store: TokenStore = noTokenStore,
    private readonly clock: Clock = systemClock,
  ) {
    this.key = tokenCacheKey(settings);
  }

  /** True when no Keystone is involved: a given token and a given endpoint. */
  get keystoneless(): boolean {
    return this.settings.authType === 'token' && !!this.settings.token && !!this.settings.imageUrl;
  }

  private fresh(info: TokenInfo, marginMs = TOKEN_EXPIRY_MARGIN_MS): boolean {
    const expires = Date.parse(info.expiresAt);
    return Number.isFinite(expires) && expires - this.clock.now() > marginMs;
  }

  async tokenInfo(): Promise<TokenInfo> {
    this.current ??= this.load();
    return this.current;
  }

  /**
   * The cached token if it has more than the margin left, with the check that it was obtained with
   * this run's secret started but not awaited (never throws: a cache is optional).
   */
  private async readCandidate(): Promise<CacheCandidate | undefined> {
    const cached = await this.store.get(this.key).catch(() => undefined);
    if (!cached || !this.fresh(cached)) return undefined;
    const secret = bindingSecret(this.settings);
    const candidate: CacheCandidate = {
      info: cached,
      usable: secret === undefined ? Promise.resolve(true) : secretMatches(cached.binding, secret),
      settled: secret === undefined,
    };
    void candidate.usable.then(() => (candidate.settled = true));
    return candidate;
  }

  /** The candidate's token once its secret check passed; a different secret is a miss. */
  private async usable(candidate: CacheCandidate | undefined): Promise<TokenInfo | undefined> {
    if (!candidate) return undefined;
    if (await candidate.usable) return candidate.info;
    this.http.debug('token cache: the cached token was obtained with another secret; asking Keystone');
    return undefined;
  }

  /** The cached token if it is fresh and was obtained with this run's secret. */
  private async cachedFresh(): Promise<TokenInfo | undefined> {
    return this.usable(await this.readCandidate());
  }

  private async load(): Promise<TokenInfo> {
    if (this.keystoneless) {
      return { token: this.settings.token!, expiresAt: '9999-12-31T00:00:00Z', catalog: [] };
    }
    this.candidate = this.readCandidate();
    const hit = await this.usable(await this.candidate);
    if (hit) {
      this.http.debug(`token cache hit (${this.store.description}), expires ${hit.expiresAt}`);
      return hit;
    }
    return this.authenticateLocked(() => this.cachedFresh());
  }

  /**
   * For a read-only request: the cached token while its secret binding is still being checked, so
   * that the request and the (deliberately slow) check overlap. The caller sends the request but
   * uses its answer only when `confirmed` resolves true; otherwise it drops the answer and asks
   * again with token(), which by then has authenticated. Undefined when there is nothing to
   * overlap (no cached entry, or its check has already finished): use token().
   */
  async unconfirmedToken(): Promise<UnconfirmedToken | undefined> {
    void this.tokenInfo().catch(() => undefined);
    const candidate = await this.candidate;
    if (!candidate || candidate.settled) return undefined;
    try {
      const endpoint = this.settings.imageUrl
        ? stripImageVersion(this.settings.imageUrl)
        : findEndpoint(candidate.info.catalog, this.settings);
      return { token: candidate.info.token, endpoint, confirmed: candidate.usable };
    } catch {
      return undefined;
    }
  }

  /**
   * Authenticate while holding the key's lock, so that concurrent processes make one token
   * request: a process that waited takes what the lock holder stored (`reuse`) instead.
   */
  private async authenticateLocked(reuse: () => Promise<TokenInfo | undefined>): Promise<TokenInfo> {
    if (!this.store.lock) return this.authenticateNow();
    let found: TokenInfo | undefined;
    const release = await this.store
      .lock(this.key, async () => !!(found = await reuse()))
      .catch(() => async () => undefined);
    if (!release) {
      this.http.debug(`token cache: another tsglance process fetched the token (${this.store.description})`);
      return found!;
    }
    try {
      found = await reuse();
      if (found) return found;
      return await this.authenticateNow();
    } finally {
      await release();
    }
  }

  private async authenticateNow(): Promise<TokenInfo> {
    const secret = bindingSecret(this.settings);
    // the hash is made in the thread pool while Keystone answers
    const binding = secret !== undefined && this.store !== noTokenStore ? bindSecret(secret) : undefined;
    binding?.catch(() => undefined);
    const info = await authenticate(this.http, this.settings);
    if (binding) info.binding = await binding;
    await this.store
      .set(this.key, info, tokenCacheIdentity(this.settings))
      .catch((err: Error) => this.http.debug(`token cache write failed: ${err.message}`));
    return info;
  }

  async token(): Promise<string> {
    return (await this.tokenInfo()).token;
  }

  async imageEndpoint(): Promise<string> {
    if (this.settings.imageUrl) return stripImageVersion(this.settings.imageUrl);
    return findEndpoint((await this.tokenInfo()).catalog, this.settings);
  }

  /**
   * Glance said 401: the token was revoked or expired early. Drop it and authenticate once more.
   * Returns false when a new token cannot help (a fixed token given by the operator).
   */
  async refresh(): Promise<boolean> {
    if (this.settings.authType === 'token' && !this.settings.projectId && !this.settings.projectName) return false;
    if (this.keystoneless) return false;
    const refused = await this.current?.then((i) => i.token).catch(() => undefined);
    this.candidate = undefined;
    // drop the refused token, unless another process has already replaced it
    const stored = await this.store.get(this.key).catch(() => undefined);
    if (stored && stored.token === refused) await this.store.delete(this.key).catch(() => undefined);
    // several processes hit by the same revocation: the first re-authenticates, the rest reuse
    // its token (any fresh token other than the refused one)
    this.current = this.authenticateLocked(async () => {
      const other = await this.cachedFresh();
      return other && other.token !== refused ? other : undefined;
    });
    await this.current;
    return true;
  }

  /** Before a long upload: make sure the token outlives the expected transfer (a body cannot be re-sent). */
  async ensureValidFor(ms: number): Promise<void> {
    const info = await this.tokenInfo();
    if (!this.keystoneless && !this.fresh(info, ms + TOKEN_EXPIRY_MARGIN_MS)) await this.refresh();
  }
}
