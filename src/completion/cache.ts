/**
 * The live-value cache that keeps TAB fast: one small text file per (identity, kind) under
 * $XDG_CACHE_HOME/tsglance/complete/, which the shell scripts read themselves while it is fresh
 * (no process is started on a warm TAB). Format, so that `read` in bash and zsh can parse it:
 *
 *   #tsglance-complete <expires, epoch seconds>
 *   <value>\t<description>
 *   ...
 *
 * The key is computed by the shell (cksum of the OS_* identity, never the password) and passed
 * with --key, so the shell and this module cannot disagree about the file name.
 */
import { basename, dirname, join } from 'node:path';
import type { Env } from '../auth/settings.js';
import { cacheRoot, privateDir, readPrivateFile, writePrivateFile } from '../safe-file.js';

/** Seconds a fetched list is reused. */
export const CACHE_TTL_S = 60;
/** Seconds an empty answer (no credentials, server unreachable) is reused, so TAB stays instant. */
export const NEGATIVE_TTL_S = 15;
export const CACHE_HEADER = '#tsglance-complete';

export interface Candidate {
  value: string;
  description?: string;
}

export function completionCacheDir(env: Env): string {
  return join(cacheRoot(env), 'complete');
}

/** Keys come from the shell: digits and dashes only; anything else is refused. */
export function validKey(key: string | undefined): key is string {
  return !!key && /^[0-9A-Za-z-]{1,64}$/.test(key);
}

export function cacheFile(env: Env, key: string, kind: string): string {
  return join(completionCacheDir(env), `${key}.${kind}`);
}

export function serialize(candidates: Candidate[], expiresAt: number): string {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
  const lines = candidates
    .filter((c) => c.value && !/[\t\r\n]/.test(c.value))
    .map((c) => (c.description ? `${c.value}\t${clean(c.description)}` : c.value));
  return [`${CACHE_HEADER} ${Math.floor(expiresAt)}`, ...lines].join('\n') + '\n';
}

/** The fresh candidates in a cache file, or undefined when it is missing, stale or not ours. */
export function readCache(file: string, nowS: number): Candidate[] | undefined {
  const text = readPrivateFile(file)?.text;
  if (text === undefined) return undefined;
  const [header, ...lines] = text.split('\n');
  const m = new RegExp(`^${CACHE_HEADER} (\\d+)$`).exec(header);
  if (!m || Number(m[1]) <= nowS) return undefined;
  return lines.filter(Boolean).map((l) => {
    const [value, description] = l.split('\t');
    return { value, description };
  });
}

/**
 * Written whole and renamed into place (a TAB in another shell never reads half a file), only into
 * a directory that is ours alone (safe-file.ts). `file` is cacheFile()'s, inside the cache root.
 */
export function writeCache(file: string, candidates: Candidate[], expiresAt: number, env: Env = process.env): void {
  try {
    const dir = privateDir(cacheRoot(env), dirname(file));
    writePrivateFile(dir, basename(file), serialize(candidates, expiresAt));
  } catch {
    // a read-only or unsafe cache directory only costs speed
  }
}
