/**
 * The partial file of a download to --file: `.NAME.tsglance-part` beside the target (same
 * directory, so the final rename is atomic; never under the target's own name), with a record
 * `.NAME.tsglance-part.json` of the image it holds data of (id, size, os_hash_algo/value,
 * checksum) and of the process writing it. A download that is cut (reset, server restart,
 * Ctrl-C, kill -9) leaves both; the same command run again reuses the partial only when the
 * record matches the image, and otherwise discards it with one line saying why.
 */
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError } from '../../errors.js';

export interface PartImage {
  id: string;
  size?: number | null;
  os_hash_algo?: string | null;
  os_hash_value?: string | null;
  checksum?: string | null;
}

interface PartRecord {
  image_id: string;
  size: number | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  checksum: string | null;
  pid: number;
  started_at: string;
}

export interface Partial {
  dataPath: string;
  recordPath: string;
  /** bytes of the image already in the partial (0 for a fresh one) */
  offset: number;
  fd: number;
  /** what happened to a partial that was there before: for the operator, one line each */
  notes: string[];
  close(): Promise<void>;
  /** the data is verified: into place under the target name */
  commit(target: string): Promise<void>;
  /** the data is wrong (checksum, size) or there is none: remove both files */
  discard(): Promise<void>;
}

export function partPaths(target: string): { dataPath: string; recordPath: string } {
  const dataPath = join(dirname(target), `.${basename(target)}.tsglance-part`);
  return { dataPath, recordPath: `${dataPath}.json` };
}

/** Earlier versions named their temporary files `.NAME.<8 hex>.tsglance-part`, with no record. */
function isOldStylePart(entry: string, target: string): boolean {
  const prefix = `.${basename(target)}.`;
  return entry.startsWith(prefix) && /^[0-9a-f]{8}\.tsglance-part$/.test(entry.slice(prefix.length));
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a partial cannot be reused for `image`, or undefined when it can. */
function mismatch(record: PartRecord | undefined, image: PartImage, partSize: number): string | undefined {
  if (!record) return 'it has no readable record of the image it belongs to';
  if (record.image_id !== image.id) return `it holds data of image ${record.image_id}, not ${image.id}`;
  const size = image.size ?? null;
  if (record.size !== size) return `image ${image.id} had size ${record.size} then and has ${size} now`;
  const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? null)?.toLowerCase() === (b ?? null)?.toLowerCase();
  if (!same(record.os_hash_value, image.os_hash_value) || !same(record.checksum, image.checksum)) {
    return `the checksum of image ${image.id} changed since`;
  }
  if (size !== null && partSize > size) return `it is longer (${partSize} bytes) than the image (${size})`;
  return undefined;
}

async function readRecord(path: string): Promise<PartRecord | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(path, 'utf8')) as PartRecord;
    return typeof parsed?.image_id === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Find or start the partial for `target`. A partial being written right now by another live
 * process (its pid runs and the file changed within `busySeconds`) is an error, not something to
 * take over.
 */
export async function openPartial(target: string, image: PartImage, busySeconds: number): Promise<Partial> {
  const { dataPath, recordPath } = partPaths(target);
  const notes: string[] = [];
  for (const entry of await fs.readdir(dirname(target)).catch(() => [] as string[])) {
    if (!isOldStylePart(entry, target)) continue;
    await fs.unlink(join(dirname(target), entry)).catch(() => undefined);
    notes.push(`Removed ${join(dirname(target), entry)}: a partial download of an earlier tsglance, with no record of its image`);
  }

  let offset = 0;
  const st = await fs.lstat(dataPath).catch(() => undefined);
  if (st) {
    const record = await readRecord(recordPath);
    if (record && pidAlive(record.pid) && Date.now() - st.mtimeMs < busySeconds * 1000) {
      throw new CliError(`${target} is being downloaded by another process (pid ${record.pid}, writing ${dataPath})`);
    }
    const why = st.isFile() ? mismatch(record, image, st.size) : 'it is not a regular file';
    if (why) {
      await fs.unlink(dataPath);
      notes.push(`Discarded the partial download ${dataPath}: ${why}`);
    } else {
      offset = st.size;
      if (offset > 0) notes.push(`Resuming the download of image ${image.id} at byte ${offset}${image.size ? ` of ${image.size}` : ''} (${dataPath})`);
    }
  }

  const record: PartRecord = {
    image_id: image.id,
    size: image.size ?? null,
    os_hash_algo: image.os_hash_algo ?? null,
    os_hash_value: image.os_hash_value ?? null,
    checksum: image.checksum ?? null,
    pid: process.pid,
    started_at: new Date().toISOString(),
  };
  // the record first: data without a record would be thrown away by the next run
  await fs.writeFile(recordPath, `${JSON.stringify(record)}\n`, { mode: 0o666 });
  // O_NOFOLLOW: a link planted under the partial's name is not followed
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW | (offset ? 0 : constants.O_TRUNC);
  const handle = await fs.open(dataPath, flags, 0o666);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    dataPath,
    recordPath,
    offset,
    fd: handle.fd,
    notes,
    close,
    async commit(to) {
      await close();
      await fs.rename(dataPath, to);
      await fs.unlink(recordPath).catch(() => undefined);
    },
    async discard() {
      await close();
      await fs.unlink(dataPath).catch(() => undefined);
      await fs.unlink(recordPath).catch(() => undefined);
    },
  };
}
