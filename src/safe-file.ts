/**
 * Files in tsglance's cache directory ($XDG_CACHE_HOME/tsglance, else ~/.cache/tsglance), for all
 * three caches (tokens, completion values, Glance schemas). The directory may sit somewhere other
 * users can reach (a shared XDG_CACHE_HOME, a home directory with loose modes, root running with
 * someone else's environment), so nothing here trusts a path:
 *   - every directory from the cache root down is created 0700 one level at a time and checked with
 *     lstat: a real directory (not a symlink), owned by us; group/other access is removed when the
 *     directory is ours, and a directory of someone else is refused;
 *   - a file is written to a fresh temporary name opened O_CREAT|O_EXCL|O_NOFOLLOW (0600), then
 *     renamed into place: a planted symlink or file is never written through;
 *   - a file is read with O_NOFOLLOW and only when it is a regular file of ours that nobody else
 *     can write.
 * A relative XDG_CACHE_HOME is ignored, as the XDG Base Directory spec requires.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, constants as fsc, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';

type Env = Record<string, string | undefined>;

const NOFOLLOW = fsc.O_NOFOLLOW ?? 0;
const myUid = typeof process.getuid === 'function' ? process.getuid() : undefined;

export class UnsafeCacheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeCacheError';
  }
}

/** $XDG_CACHE_HOME/tsglance when XDG_CACHE_HOME is absolute, else ~/.cache/tsglance. */
export function cacheRoot(env: Env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache');
  return join(base, 'tsglance');
}

/** Ours alone: owned by us and not writable (or, with `secret`, not readable) by anyone else. */
export function isPrivate(st: { uid: number; mode: number }, secret = false): boolean {
  if (myUid === undefined) return true; // Windows: ACLs, not modes
  return st.uid === myUid && (st.mode & (secret ? 0o077 : 0o022)) === 0;
}

function checkDir(dir: string): void {
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw new UnsafeCacheError(`${dir} is a symbolic link`);
  if (!st.isDirectory()) throw new UnsafeCacheError(`${dir} is not a directory`);
  if (myUid === undefined) return;
  if (st.uid !== myUid) throw new UnsafeCacheError(`${dir} belongs to uid ${st.uid}, not to us`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/**
 * Create (0700) and check `dir`, which must be `root` or below it, and every directory between:
 * throws UnsafeCacheError naming the one that is a symlink, not a directory, or someone else's.
 */
export function privateDir(root: string, dir: string = root): string {
  const rel = relative(root, dir);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new UnsafeCacheError(`${dir} is not inside ${root}`);
  mkdirSync(join(root, '..'), { recursive: true, mode: 0o700 });
  let current = root;
  for (const part of ['', ...(rel ? rel.split(sep) : [])]) {
    current = part ? join(current, part) : current;
    try {
      mkdirSync(current, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    checkDir(current);
  }
  return dir;
}

/** Write `data` to `dir/name` through a fresh private temporary file and rename(2). */
export function writePrivateFile(dir: string, name: string, data: string | Buffer): void {
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | NOFOLLOW, 0o600);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
    closeSync(fd);
    renameSync(tmp, join(dir, name));
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* never created or already renamed */
    }
    throw err;
  }
}

/** The file's text and status, or undefined when it is missing, a symlink, not a regular file or not ours alone. */
export function readPrivateFile(path: string, secret = false): { text: string; mtimeMs: number } | undefined {
  const read = readPrivateBytes(path, secret);
  return read && { text: read.data.toString('utf8'), mtimeMs: read.mtimeMs };
}

/** readPrivateFile's bytes. */
export function readPrivateBytes(path: string, secret = false): { data: Buffer; mtimeMs: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, fsc.O_RDONLY | NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || !isPrivate(st, secret)) return undefined;
    return { data: readFileSync(fd), mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
