/**
 * The OS keychain behind a four-call interface, so that the keychain library is one file
 * (keytar-store.ts) and can be swapped without touching the token cache. Only what keytar's API
 * offers is used, and never `findCredentials` (keytar 7.9 crashes on entries it did not write).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from './settings.js';

export interface SecretStore {
  /** the library, e.g. 'keytar' */
  readonly name: string;
  /** null when there is no entry — and when the keyring is locked (libsecret says nothing more) */
  get(service: string, account: string): Promise<string | null>;
  /** throws when the keychain refuses (locked collection, no Secret Service) */
  set(service: string, account: string, secret: string): Promise<void>;
  delete(service: string, account: string): Promise<boolean>;
}

/**
 * On Linux the keychain is the Secret Service on the D-Bus session bus. Without a bus there is no
 * point loading the native module (≈40 ms) only to hear "Cannot autolaunch D-Bus without X11".
 * Returns why the keychain cannot be reached, or undefined when it is worth a try.
 */
export function keychainUnreachable(env: Env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return undefined;
  if (env.DBUS_SESSION_BUS_ADDRESS) return undefined;
  if (env.XDG_RUNTIME_DIR && existsSync(join(env.XDG_RUNTIME_DIR, 'bus'))) return undefined;
  if (env.DISPLAY) return undefined; // libdbus can autolaunch a bus under X11
  return 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset)';
}
