/**
 * Chooses where tokens are kept between runs. The keychain (keytar) and file stores arrive with
 * the token-cache work; until then caching is off unless a store is wired in here.
 */
import type { Env } from './settings.js';
import { noTokenStore, type TokenStore } from './session.js';

export interface TokenStoreOptions {
  /** --no-token-cache / OS_NO_CACHE=1 */
  disabled?: boolean;
  debug?: (line: string) => void;
}

export async function openTokenStore(_env: Env, _opts: TokenStoreOptions = {}): Promise<TokenStore> {
  return noTokenStore;
}
