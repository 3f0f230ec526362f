import { tokenCacheKey } from '../../auth/session.js';
import { openCachedTokenStore, type CachedTokenStore } from '../../auth/token-store.js';
import { cacheDir } from '../../auth/file-store.js';
import { CliError } from '../../errors.js';
import { resolveSettings } from '../../deps.js';
import type { Deps } from '../types.js';

/** The cache as configured (even under --no-token-cache: these commands manage it). */
export async function openCache(deps: Deps): Promise<CachedTokenStore> {
  const store = await openCachedTokenStore(deps.env, { debug: deps.debug });
  if (!store) throw new CliError(`The token cache directory ${cacheDir(deps.env)} cannot be used (see --debug)`);
  return store;
}

/** The key of the credentials currently configured, or undefined when none are. */
export async function currentKey(deps: Deps): Promise<string | undefined> {
  try {
    return tokenCacheKey(await resolveSettings(deps.globals, deps.env));
  } catch {
    return undefined;
  }
}
