/**
 * Where image data comes from: `--file PATH`, `--file -`, or stdin — and when stdin is NOT data.
 *
 * The rule (glanceclient takes any non-TTY stdin as image data, so cron and CI jobs with
 * `</dev/null` or an idle pipe trip on it):
 *   - `--file PATH`: that file. Missing, unreadable or a directory: a usage error, no request.
 *   - `--file -`: stdin, explicitly. A terminal or a closed stdin is a usage error.
 *   - no `--file`: stdin is data only when fd 0 is a pipe or socket that delivers at least one byte
 *     (EOF before any byte = no data), or a redirected regular file (`< img.qcow2`) that is not
 *     empty. A terminal, a closed fd 0 (`<&-`) and character devices such as /dev/null are never
 *     read.
 * The size is known for regular files (stat) or from `--size`; `--size` that contradicts the file is
 * a usage error, and a stream that turns out longer or shorter than `--size` fails the upload.
 */
import { closeSync, createReadStream, fstatSync, openSync, type Stats } from 'node:fs';
import { access, open, stat, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import type { Readable } from 'node:stream';
import { CliError, UsageError } from '../../errors.js';
import type { IO } from '../../output/io.js';

export const READ_CHUNK = 1024 * 1024;

export interface DataSource {
  kind: 'file' | 'stdin';
  /** the path for a file, '-' for stdin; used in messages */
  name: string;
  /** bytes, when known (regular file size, or --size) */
  size?: number;
  /** true when stdin was chosen without --file - */
  implicit?: boolean;
  /** `--file -` whose pipe ended (or whose redirected file is empty) before a single byte */
  empty?: boolean;
  /** the data as a stream; call once */
  open(): Readable;
}

export interface DataSourceInput {
  /** --file value: a path or '-' */
  file?: string;
  /** --size value */
  size?: number;
  /**
   * how long to wait for a writer when --file is a FIFO, and for the first byte of a pipe on stdin
   * (seconds; default WRITER_WAIT_S)
   */
  writerWaitS?: number;
  /** the run's signal: Ctrl-C/TERM/HUP stop the wait for a writer */
  signal?: AbortSignal;
}

/** A FIFO given as --file waits this long (or --timeout, when shorter) for a writer; a pipe on stdin for its first byte. */
export const WRITER_WAIT_S = 30;

/** The wait for a FIFO's writer: WRITER_WAIT_S, or --timeout / OS_TIMEOUT when shorter. */
export function writerWaitSeconds(globals: { timeout?: string | number }, env: Record<string, string | undefined>): number {
  const t = Number(globals.timeout ?? env.OS_TIMEOUT);
  return Number.isFinite(t) && t > 0 ? Math.min(t, WRITER_WAIT_S) : WRITER_WAIT_S;
}

/**
 * Open a FIFO (or another file whose open can block) for reading, before any record exists.
 * open(2) on a FIFO blocks in a libuv worker thread until a writer comes — a thread that neither
 * a timer nor process.exit can stop. When the wait runs out or the run is interrupted, we open the
 * FIFO for writing ourselves (non-blocking: it succeeds, since our own open counts as its reader),
 * which completes the pending open; the write end is closed at once.
 */
async function openBounded(path: string, waitS: number, signal?: AbortSignal): Promise<FileHandle> {
  const opening = open(path, 'r');
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const outcome = await Promise.race([
    opening.then((fh) => ({ fh })),
    new Promise<{ why: 'timeout' | 'interrupted' }>((resolve) => {
      timer = setTimeout(() => resolve({ why: 'timeout' }), waitS * 1000);
      onAbort = () => resolve({ why: 'interrupted' });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    }),
  ]);
  clearTimeout(timer);
  if (onAbort) signal?.removeEventListener('abort', onAbort);
  if ('fh' in outcome) return outcome.fh;
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    /* the writer came after all, or the path changed: the open finishes by itself */
  }
  void opening.then((fh) => fh.close()).catch(() => undefined);
  if (outcome.why === 'interrupted') throw signal?.reason ?? new UsageError('Interrupted.');
  throw new UsageError(`--file ${path}: nothing opened the FIFO for writing within ${waitS} s; start the writer first (or give a longer --timeout)`);
}

export type StdinKind = 'tty' | 'closed' | 'pipe' | 'socket' | 'file' | 'device' | 'other';

/** What fd 0 is. `io.stdinKind` (tests) wins over fstat. */
export function stdinKind(io: IO & { stdinKind?: StdinKind }): { kind: StdinKind; stats?: Stats } {
  if (io.stdinKind) return { kind: io.stdinKind };
  if (io.stdinClosed) return { kind: 'closed' };
  if (io.stdinIsTTY) return { kind: 'tty' };
  let st: Stats;
  try {
    st = fstatSync(0);
  } catch {
    return { kind: 'closed' };
  }
  if (st.isFIFO()) return { kind: 'pipe', stats: st };
  if (st.isSocket()) return { kind: 'socket', stats: st };
  if (st.isFile()) return { kind: 'file', stats: st };
  if (st.isCharacterDevice() || st.isBlockDevice()) return { kind: 'device', stats: st };
  return { kind: 'other', stats: st };
}

/**
 * Wait for the first byte or the end; the byte is put back. True when there is data. A pipe that
 * stays open and silent for `waitS` seconds (a CI runner's stdin, a producer that never starts)
 * is refused in one line, before any request, as a FIFO without a writer is.
 */
export function hasData(stream: Readable, waitS: number, silent: (waitS: number) => string, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onReadable = () => {
      const chunk = stream.read() as Buffer | null;
      if (chunk !== null && chunk.length > 0) {
        stream.unshift(chunk);
        cleanup();
        resolve(true);
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(false);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAbort = () => {
      cleanup();
      reject(signal?.reason ?? new UsageError('Interrupted.'));
    };
    const timer = setTimeout(() => {
      cleanup();
      // an open pipe would keep the process alive after the error: let go of it
      stream.destroy();
      reject(new UsageError(silent(waitS)));
    }, waitS * 1000);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

function fileError(path: string, err: NodeJS.ErrnoException): UsageError {
  if (err.code === 'EISDIR') return new UsageError(`--file ${path}: is a directory, not a file`);
  return new UsageError(`File ${path} does not exist or user does not have read privileges to it`);
}

function stdinStream(io: IO, kind: StdinKind): Readable {
  // a redirected regular file: read fd 0 directly in 1 MiB chunks (process.stdin uses 64 KiB)
  if (kind === 'file' && !(io as { stdinKind?: StdinKind }).stdinKind) {
    return createReadStream('', { fd: 0, highWaterMark: READ_CHUNK, autoClose: false });
  }
  return io.stdin;
}

/**
 * Resolve the data for an upload, or undefined when there is none (no --file and stdin is not data).
 * Throws UsageError for every problem that needs no server.
 */
export async function resolveDataSource(input: DataSourceInput, io: IO): Promise<DataSource | undefined> {
  const { file, size } = input;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
    throw new UsageError(`--size: '${size}' is not a size in bytes`);
  }
  if (file !== undefined && file !== '-') {
    if (file === '') throw new UsageError('--file: empty path');
    let st: Stats;
    try {
      st = await stat(file);
      if (st.isDirectory()) throw Object.assign(new Error('dir'), { code: 'EISDIR' });
      await access(file, constants.R_OK);
    } catch (err) {
      throw fileError(file, err as NodeJS.ErrnoException);
    }
    let known: number | undefined = size;
    if (st.isFile()) {
      if (size !== undefined && size !== st.size) {
        throw new UsageError(`Size mismatch: --size ${size} does not match the size of ${file} (${st.size} bytes)`);
      }
      known = st.size;
    }
    // opened now, before any record is created: a FIFO without a writer fails here, not after
    const fh = st.isFile() ? await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      throw fileError(file, err);
    }) : await openBounded(file, input.writerWaitS ?? WRITER_WAIT_S, input.signal);
    return {
      kind: 'file',
      name: file,
      size: known,
      open: () => fh.createReadStream({ highWaterMark: READ_CHUNK }),
    };
  }

  const { kind, stats } = stdinKind(io);
  if (file === '-') {
    if (kind === 'tty') throw new UsageError('--file -: stdin is a terminal; pipe or redirect the image data into it');
    if (kind === 'closed') throw new UsageError('--file -: stdin is closed');
    const known = size ?? (kind === 'file' && stats ? stats.size : undefined);
    if (size !== undefined && kind === 'file' && stats && stats.size !== size) {
      throw new UsageError(`Size mismatch: --size ${size} does not match the size of stdin (${stats.size} bytes)`);
    }
    // known before any request, so that a producer that failed (`curl -f ... |`) can be told apart
    const empty =
      kind === 'pipe' || kind === 'socket'
        ? !(await hasData(io.stdin, input.writerWaitS ?? WRITER_WAIT_S, (t) => `--file -: nothing arrived on stdin within ${t} s (a pipe that stayed open); start the producer first`, input.signal))
        : kind === 'file' && stats?.size === 0;
    return { kind: 'stdin', name: '-', size: known, empty, open: () => stdinStream(io, kind) };
  }

  // implicit stdin
  if (kind === 'file' && stats && stats.size > 0) {
    if (size !== undefined && stats.size !== size) {
      throw new UsageError(`Size mismatch: --size ${size} does not match the size of stdin (${stats.size} bytes)`);
    }
    return { kind: 'stdin', name: '-', size: stats.size, implicit: true, open: () => stdinStream(io, kind) };
  }
  if (kind === 'pipe' || kind === 'socket') {
    const stream = io.stdin;
    const silent = (t: number) =>
      `stdin is a pipe that sent nothing within ${t} s and stayed open: give the image data with --file, or close stdin (</dev/null) for an image without data`;
    if (!(await hasData(stream, input.writerWaitS ?? WRITER_WAIT_S, silent, input.signal))) return undefined;
    return { kind: 'stdin', name: '-', size, implicit: true, open: () => stream };
  }
  return undefined;
}

/** Why stdin was not taken as data (for "no data" errors of image-upload/-stage). */
export function describeNoData(io: IO): string {
  const { kind } = stdinKind(io);
  const why: Record<StdinKind, string> = {
    tty: 'stdin is a terminal',
    closed: 'stdin is closed',
    pipe: 'stdin was empty',
    socket: 'stdin was empty',
    file: 'the file on stdin is empty',
    device: 'stdin is a device (such as /dev/null)',
    other: 'stdin is not a pipe or file',
  };
  return why[kind];
}

/**
 * A producer that failed in a pipe (`curl -sf URL | tsglance image-create ...`) made visible, before
 * any request: stdin that gave no bytes while data was clearly expected (a pipe or file on stdin,
 * `--file -`, or the formats given without --file). With --size or --progress that is an error
 * (exit 1, nothing is created: it is known before the record); otherwise the record is created as
 * glanceclient does and `warnCreated` says so in one line once it exists.
 */
export function checkEmptyStdin(
  input: { file?: string; size?: number; progress?: boolean; fields: { disk_format?: unknown; container_format?: unknown } },
  data: DataSource | undefined,
  io: IO,
): { warnCreated(image: { id: string; status?: string }, warn: (line: string) => void): void } {
  const empty = emptyStdin(input.file, data, io);
  const uploadFlag = input.size !== undefined ? `--size ${input.size}` : input.progress ? '--progress' : undefined;
  if (empty?.producer && uploadFlag) {
    throw new CliError(`No image data: ${empty.why} (0 bytes), but ${uploadFlag} expects an upload; no image was created.`);
  }
  const formatsGiven = input.fields.disk_format !== undefined || input.fields.container_format !== undefined;
  const expected = !!empty && (empty.producer || input.file === '-' || formatsGiven);
  return {
    warnCreated: (image, warn) => {
      if (expected) warn(`Warning: no image data: ${empty!.why}; image ${image.id} was created without any (status ${image.status}).`);
    },
  };
}

/**
 * stdin that gave no image data although it could be read: a pipe or socket that ended before a
 * byte, an empty file redirected in (`producer`: something was meant to feed it, e.g. a
 * `curl -f` that failed), or a device such as /dev/null (Node reopens a closed fd 0 on /dev/null,
 * so a closed stdin reads as one too). Undefined when there is data, a --file PATH, or a terminal
 * (never read, so it delivered nothing).
 */
function emptyStdin(file: string | undefined, data: DataSource | undefined, io: IO): { why: string; producer: boolean } | undefined {
  if (data) return data.kind === 'stdin' && data.empty ? { why: describeNoData(io), producer: true } : undefined;
  if (file !== undefined) return undefined;
  const { kind } = stdinKind(io);
  if (kind === 'pipe' || kind === 'socket' || kind === 'file') return { why: describeNoData(io), producer: true };
  if (kind === 'device' || kind === 'closed') return { why: describeNoData(io), producer: false };
  return undefined;
}
