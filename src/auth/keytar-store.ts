/**
 * The one file that knows the keychain library. keytar 7.9 is archived upstream; the maintained,
 * API-compatible replacement is a one-line change here:
 *   const KEYCHAIN_MODULE = '@napi-rs/keyring/keytar.js';
 * (entries written by one are not readable by the other: switching empties the cache once).
 * The module is an optional dependency and is imported only when a token is read or stored.
 */
import type { SecretStore } from './secret-store.js';

const KEYCHAIN_MODULE = 'keytar';

interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

async function importKeychainModule(): Promise<unknown> {
  const { isSea } = await import('node:sea');
  // a variable specifier keeps bundlers from inlining it; the package stays optional
  if (!isSea()) return import(KEYCHAIN_MODULE);
  // The single executable's own require() knows only Node's built-in modules, and a native addon
  // cannot be embedded: look for it on disk, in node_modules beside the executable (or above).
  const { createRequire } = await import('node:module');
  try {
    return createRequire(process.execPath)(KEYCHAIN_MODULE) as unknown;
  } catch (err) {
    throw new Error(`${KEYCHAIN_MODULE} cannot be loaded by the single executable: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Loads the native module; throws (module missing, libsecret missing) when it cannot. */
export async function loadKeytarStore(): Promise<SecretStore> {
  const mod = (await importKeychainModule()) as Partial<KeytarApi> & { default?: KeytarApi };
  // a CommonJS module: its exports object is the default export (named ones are guessed)
  const api = (typeof mod.default?.getPassword === 'function' ? mod.default : mod) as KeytarApi;
  for (const fn of ['getPassword', 'setPassword', 'deletePassword'] as const) {
    if (typeof api[fn] !== 'function') throw new Error(`${KEYCHAIN_MODULE} has no ${fn}`);
  }
  // async wrappers: a synchronous throw from the native code becomes a rejection
  return {
    name: KEYCHAIN_MODULE,
    get: async (service, account) => api.getPassword(service, account),
    set: async (service, account, secret) => api.setPassword(service, account, secret),
    delete: async (service, account) => api.deletePassword(service, account),
  };
}
