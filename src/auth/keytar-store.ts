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

/** Loads the native module; throws (module missing, libsecret missing) when it cannot. */
export async function loadKeytarStore(): Promise<SecretStore> {
  // a variable specifier keeps bundlers from inlining it; the package stays optional
  const mod = (await import(KEYCHAIN_MODULE)) as Partial<KeytarApi> & { default?: KeytarApi };
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
