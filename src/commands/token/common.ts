import type { CachedTokenStore } from '../../auth/token-store.js';
import { CliError } from '../../errors.js';
import type { Deps } from '../types.js';

// the token store, session and settings modules load only when these commands run (not for --help)

/** The cache as configured (even under --no-token-cache: these commands manage it). */
export async function openCache(deps: Deps): Promise<CachedTokenStore> {
  const [{ openCachedTokenStore }, { cacheDir }] = await Promise.all([
    import('../../auth/token-store.js'),
    import('../../auth/file-store.js'),
  ]);
  const store = await openCachedTokenStore(deps.env, { debug: deps.debug });
  if (!store) throw new CliError(`The token cache directory ${cacheDir(deps.env)} cannot be used (see --debug)`);
  return store;
}

/** The key of the credentials currently configured, or undefined when none are. */
export async function currentKey(deps: Deps): Promise<string | undefined> {
  const [{ tokenCacheKey }, { resolveSettings }] = await Promise.all([import('../../auth/session.js'), import('../../deps.js')]);
  try {
    return tokenCacheKey(await resolveSettings(deps.globals, deps.env));
  } catch {
    return undefined;
  }
}
