/**
 * An authenticated session: at most one token request per run, the image endpoint from that
 * token's catalog, and a seam (TokenStore) through which tokens are reused between runs.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { HttpClient } from '../http.js';
import { authenticate, findEndpoint, stripImageVersion, type TokenInfo } from './keystone.js';
import { identityBase, type AuthSettings } from './settings.js';

/** Where tokens live between runs (OS keychain, file, or nowhere). Never holds passwords. */
export interface TokenStore {
  readonly description: string;
  get(key: string): Promise<TokenInfo | undefined>;
  set(key: string, value: TokenInfo): Promise<void>;
  delete(key: string): Promise<void>;
}

export const noTokenStore: TokenStore = {
  description: 'disabled',
  get: async () => undefined,
  set: async () => undefined,
  delete: async () => undefined,
};

/** Reuse a cached token only while it has at least this much life left. */
export const TOKEN_EXPIRY_MARGIN_MS = 60_000;

/** The identity a cached token stands for: everything that changes who we are or what we see. */
export function tokenCacheKey(s: AuthSettings): string {
  const parts = [
    s.authUrl ? identityBase(s.authUrl) : '',
    s.authType,
    s.userId ?? s.username ?? '',
    s.userDomainId ?? s.userDomainName ?? '',
    s.projectId ?? s.projectName ?? '',
    s.projectDomainId ?? s.projectDomainName ?? '',
    s.regionName ?? '',
    s.interface,
    s.applicationCredentialId ?? s.applicationCredentialName ?? '',
    // a different secret or token means a different principal even with the same names
    createHash('sha256')
      .update(s.password ?? s.applicationCredentialSecret ?? s.token ?? '')
      .digest('hex')
      .slice(0, 16),
  ];
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

export class AuthSession {
  private current: Promise<TokenInfo> | undefined;
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

  private async load(): Promise<TokenInfo> {
    if (this.keystoneless) {
      return { token: this.settings.token!, expiresAt: '9999-12-31T00:00:00Z', catalog: [] };
    }
    const cached = await this.store.get(this.key).catch(() => undefined);
    if (cached && this.fresh(cached)) {
      this.http.debug(`token cache hit (${this.store.description}), expires ${cached.expiresAt}`);
      return cached;
    }
    return this.authenticateNow();
  }

  private async authenticateNow(): Promise<TokenInfo> {
    const info = await authenticate(this.http, this.settings);
    await this.store.set(this.key, info).catch((err: Error) => this.http.debug(`token cache write failed: ${err.message}`));
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
    await this.store.delete(this.key).catch(() => undefined);
    this.current = this.authenticateNow();
    await this.current;
    return true;
  }

  /** Before a long upload: make sure the token outlives the expected transfer (a body cannot be re-sent). */
  async ensureValidFor(ms: number): Promise<void> {
    const info = await this.tokenInfo();
    if (!this.keystoneless && !this.fresh(info, ms + TOKEN_EXPIRY_MARGIN_MS)) await this.refresh();
  }
}
