/**
 * The token cache directory, $XDG_CACHE_HOME/tsglance (else ~/.cache/tsglance): one JSON file per
 * cache key, written to a private temporary file and renamed into place, so that a reader sees a
 * whole old entry or a whole new one and never a torn write. The directory is 0700 and every
 * file 0600; a file that is a symlink, belongs to someone else or is readable by others is
 * ignored. The same directory holds the per-key lock files that make concurrent cold starts
 * share one token request, and, when the token itself lives in the keychain, a marker entry
 * without the token (what `token-cache show` lists: the keychain cannot be enumerated safely).
 */
import { constants as fsc, readFileSync } from 'node:fs';
import { open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { cacheRoot, isPrivate, privateDir, writePrivateFile } from '../safe-file.js';
import { randomBytes } from 'node:crypto';
import type { CatalogService } from './keystone.js';
import type { Env } from './settings.js';

/** What a cache key stands for, kept in clear so that `token-cache show` can say whose token it is. */
export interface CacheIdentity {
  authUrl: string;
  authType: string;
  user: string;
  userDomain: string;
  project: string;
  projectDomain: string;
  region: string;
  interface: string;
  applicationCredential?: string;
}

export interface CacheEntry {
  version: 1;
  /** where the token is: in this file, or in the OS keychain under the same key */
  store: 'file' | 'keychain';
  identity?: CacheIdentity;
  expiresAt: string;
  cachedAt: string;
  userId?: string;
  projectId?: string;
  /** only when store === 'file' */
  token?: string;
  catalog?: CatalogService[];
  /** only when store === 'file': the secret's salted scrypt hash, beside the token (never in the key) */
  binding?: string;
}

const KEY_RE = /^[0-9a-f]{64}$/;
const ENTRY_RE = /^([0-9a-f]{64})\.json$/;
const NOFOLLOW = fsc.O_NOFOLLOW ?? 0;

/** The cache root shared by every cache (safe-file.ts); a relative XDG_CACHE_HOME is ignored. */
export const cacheDir = (env: Env): string => cacheRoot(env);

const privateEnough = (st: { uid: number; mode: number }) => isPrivate(st, true);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * When a process started (clock ticks since boot, /proc/PID/stat field 22), or undefined where
 * there is no /proc. With the pid it names one process: a pid reused by another process after
 * the lock holder died has a different start time, so its lock is seen as abandoned at once
 * instead of after the whole wait.
 */
export function processStart(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const myStart = processStart('self') ?? '-';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockOptions {
  /** give up waiting after this long and authenticate anyway (a cache must never block a run) */
  maxWaitMs?: number;
  /** a lock older than this is presumed abandoned */
  staleMs?: number;
  pollMs?: number;
}

export type Release = () => Promise<void>;

export class FileCache {
  private constructor(readonly dir: string) {}

  /** Creates (0700) or checks the directory; throws with a reason when it is unusable. */
  static async open(env: Env): Promise<FileCache> {
    return new FileCache(privateDir(cacheDir(env)));
  }

  private entryPath(key: string): string {
    if (!KEY_RE.test(key)) throw new Error(`bad cache key ${key}`);
    return join(this.dir, `${key}.json`);
  }

  /** The entry, or undefined when there is none or it is unreadable, foreign or not ours alone. */
  async read(key: string): Promise<CacheEntry | undefined> {
    let fh;
    try {
      fh = await open(this.entryPath(key), fsc.O_RDONLY | NOFOLLOW);
    } catch {
      return undefined;
    }
    try {
      const st = await fh.stat();
      if (!st.isFile() || !privateEnough(st)) return undefined;
      const entry = JSON.parse(await fh.readFile('utf8')) as CacheEntry;
      if (entry?.version !== 1 || typeof entry.expiresAt !== 'string') return undefined;
      return entry;
    } catch {
      return undefined;
    } finally {
      await fh.close();
    }
  }

  /** Atomic replace: a 0600 temporary file in the same directory, then rename(2) (safe-file.ts). */
  async write(key: string, entry: CacheEntry): Promise<void> {
    writePrivateFile(this.dir, basename(this.entryPath(key)), `${JSON.stringify(entry)}\n`);
  }

  async remove(key: string): Promise<boolean> {
    try {
      await unlink(this.entryPath(key));
      return true;
    } catch {
      return false;
    }
  }

  async keys(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.flatMap((n) => ENTRY_RE.exec(n)?.[1] ?? []).sort();
  }

  /** Leftovers of killed processes: temporary files and abandoned locks. */
  async sweep(olderThanMs = 60_000): Promise<void> {
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (!/\.tmp$|\.lock$/.test(name)) continue;
      const path = join(this.dir, name);
      const st = await stat(path).catch(() => undefined);
      if (st && (Date.now() - st.mtimeMs > olderThanMs || (name.endsWith('.lock') && (await this.lockIsStale(path, olderThanMs))))) {
        await unlink(path).catch(() => undefined);
      }
    }
  }

  private async lockIsStale(path: string, staleMs: number): Promise<boolean> {
    const st = await stat(path).catch(() => undefined);
    if (!st) return false; // gone: not stale, free
    if (Date.now() - st.mtimeMs > staleMs) return true;
    const [pid, host, , started] = (await readFile(path, 'utf8').catch(() => '')).trim().split(' ');
    // an empty file is a lock being written this instant
    if (!pid || host !== hostname()) return false;
    if (Number(pid) === process.pid) return !!started && started !== '-' && started !== myStart;
    if (!pidAlive(Number(pid))) return true;
    const now = processStart(Number(pid));
    return !!started && started !== '-' && now !== undefined && now !== started;
  }

  /**
   * One process per key authenticates; the others wait for its lock file to go away and then ask
   * `ready` whether the token it stored is there. Returns the release function of an acquired
   * lock, or undefined when `ready` said yes (nothing to do). Never throws and never waits longer
   * than maxWaitMs: past that the caller proceeds without the lock (one extra token request).
   */
  async lock(key: string, ready: () => Promise<boolean>, opts: LockOptions = {}): Promise<Release | undefined> {
    const { maxWaitMs = 20_000, staleMs = 60_000, pollMs = 20 } = opts;
    const path = join(this.dir, `${key}.lock`);
    const me = `${process.pid} ${hostname()} ${randomBytes(6).toString('hex')} ${myStart}`;
    const deadline = Date.now() + maxWaitMs;
    const noop: Release = async () => undefined;
    for (;;) {
      try {
        const fh = await open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | NOFOLLOW, 0o600);
        try {
          await fh.writeFile(`${me}\n`);
        } finally {
          await fh.close();
        }
        return async () => {
          // remove only our own lock (a lock broken as stale may have been taken by another)
          const now = await readFile(path, 'utf8').catch(() => '');
          if (now.trim() === me) await unlink(path).catch(() => undefined);
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return noop;
      }
      // another process is fetching the token: wait for its lock to disappear
      let stale = false;
      while (Date.now() < deadline) {
        stale = await this.lockIsStale(path, staleMs);
        if (stale) break;
        if (!(await stat(path).catch(() => undefined))) break;
        await sleep(pollMs + Math.floor(Math.random() * pollMs));
      }
      if (stale) await unlink(path).catch(() => undefined);
      else if (await ready()) return undefined;
      if (Date.now() >= deadline) return noop;
    }
  }
}
