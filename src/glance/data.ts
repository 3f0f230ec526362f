/**
 * Image data transfer, streamed end to end so that memory stays flat in image size:
 * PUT /v2/images/{id}/file (upload), PUT /v2/images/{id}/stage (stage), GET /v2/images/{id}/file
 * (download, hashed on the fly).
 *
 * A streamed body cannot be replayed after a 401, so the token is first made to outlive the
 * expected transfer (session.ensureValidFor). Sizes are enforced here: a stream longer or
 * shorter than the size announced in Content-Length / x-openstack-image-size fails with a
 * "Size mismatch" error instead of an opaque HTTP failure.
 */
import { getHashes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { systemClock } from '../clock.js';
import { CliError } from '../errors.js';
import { header } from '../http.js';
import type { GlanceClient } from './client.js';

export interface UploadOptions {
  /** 'file' = PUT /file (image-upload), 'stage' = PUT /stage (glance-direct staging) */
  target: 'file' | 'stage';
  /** x-image-meta-store (upload only) */
  store?: string;
  /** bytes, when known: Content-Length and x-openstack-image-size are sent, and enforced */
  size?: number;
  /** called with the cumulative byte count as chunks go out */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
  /** assumed minimum throughput for the token-lifetime check (bytes/s, default 5 MB/s) */
  minRate?: number;
}

export interface UploadResult {
  bytes: number;
  requestId?: string;
}

/** Expected transfer time for the token check: size at `minRate`, or 1 h when the size is unknown. */
export function expectedTransferMs(size: number | undefined, minRate = 5_000_000): number {
  if (size === undefined) return 60 * 60 * 1000;
  return Math.max(60_000, Math.ceil((size / minRate) * 1000));
}

export class SizeMismatchError extends CliError {
  constructor(
    readonly expected: number,
    readonly actual: number,
    what = 'the data',
  ) {
    super(`Size mismatch: expected ${expected} bytes but ${what} ${actual > expected ? 'has more' : `had ${actual}`}`);
    this.name = 'SizeMismatchError';
  }
}

/** Count (and bound) the bytes of a stream as it is consumed. */
async function* counted(
  source: AsyncIterable<Uint8Array>,
  size: number | undefined,
  state: { bytes: number; error?: Error },
  onProgress?: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    state.bytes += chunk.length;
    if (size !== undefined && state.bytes > size) throw (state.error = new SizeMismatchError(size, state.bytes));
    onProgress?.(state.bytes);
    yield chunk;
  }
  if (size !== undefined && state.bytes !== size) throw (state.error = new SizeMismatchError(size, state.bytes));
}

/** PUT the data of an image (file or stage), streamed. Resolves when Glance accepted it (204). */
export async function uploadImageData(
  client: GlanceClient,
  imageId: string,
  source: Readable | AsyncIterable<Uint8Array>,
  opts: UploadOptions,
): Promise<UploadResult> {
  await client.session.ensureValidFor(expectedTransferMs(opts.size, opts.minRate));
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (opts.size !== undefined) {
    headers['content-length'] = String(opts.size);
    headers['x-openstack-image-size'] = String(opts.size);
  }
  if (opts.store && opts.target === 'file') headers['x-image-meta-store'] = opts.store;
  const state: { bytes: number; error?: Error } = { bytes: 0 };
  // a server that stops reading leaves undici waiting on a full socket with no timeout of its
  // own: after --timeout seconds without a chunk taken, the upload is abandoned
  const idleS = client.http.timeout;
  const stall = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  const rearm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      state.error = new CliError(`The upload of image ${imageId} stalled: Glance took no data for ${idleS} s (--timeout ${idleS})`);
      stall.abort(state.error);
    }, idleS * 1000);
  };
  const body = counted(source, opts.size, state, (n) => {
    rearm();
    opts.onProgress?.(n);
  });
  const path = `/v2/images/${encodeURIComponent(imageId)}/${opts.target}`;
  const runSignal = opts.signal ?? client.http.runSignal;
  const signal = runSignal ? AbortSignal.any([runSignal, stall.signal]) : stall.signal;
  try {
    rearm();
    const res = await client.request('PUT', path, { body, headers, signal, idempotent: false, stream: true });
    clearTimeout(idle);
    await res.body.dump().catch(() => undefined);
    return { bytes: state.bytes, requestId: res.requestId };
  } catch (err) {
    clearTimeout(idle);
    // a source that undici stopped reading (a file, or a stdin pipe that stays open) must not keep
    // the process alive
    const s = source as Readable;
    if (typeof s.destroy === 'function') s.destroy();
    if (runSignal?.aborted) throw err;
    // undici reports our own body errors (size mismatch) wrapped in a connection error
    throw state.error ?? findCause(err, SizeMismatchError) ?? err;
  }
}

function findCause<T extends Error>(err: unknown, type: new (...a: never[]) => T): T | undefined {
  for (let e = err as { cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as never, i++) {
    if (e instanceof type) return e;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// download

export interface DownloadOptions {
  /** stores to try first (GET …/file?prefer=a,b) */
  prefer?: string[];
  /** bytes of the image already held (a partial from an earlier run): only the rest is asked for */
  offset?: number;
  /** the image size, when known: Content-Range and the byte count are checked against it */
  size?: number;
  /** reconnections after the body broke off, each asking with Range for the rest (default 3) */
  retries?: number;
  /** called with the cumulative byte count (offset included) */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
  /** waits between reconnections (tests pass their own) */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What receives the bytes: a DataWriter in practice. */
export interface DataTarget {
  write(chunk: Buffer): Promise<void> | undefined;
  /** the server sent the image from the start (it ignored Range): drop what is held */
  restart(): Promise<void>;
}

export interface DownloadResult {
  /** bytes of the image now held, offset included */
  bytes: number;
  contentMd5?: string;
  requestId?: string;
  /** the offset the data finally started from (0 after a restart) */
  resumedFrom: number;
  /** reconnections that were needed */
  reconnects: number;
}

export class NoImageDataError extends CliError {
  constructor(imageId: string) {
    super(`Image ${imageId} has no data.`);
    this.name = 'NoImageDataError';
  }
}

/** The body broke off (reset, closed, idle timeout, short): another Range request may finish it. */
export class BrokenTransferError extends CliError {
  constructor(
    message: string,
    readonly bytes: number,
  ) {
    super(message);
    this.name = 'BrokenTransferError';
  }
}

export function hashAvailable(algo: string): boolean {
  return getHashes().includes(algo.toLowerCase());
}

const RECONNECT_BACKOFF_MS = [1000, 2000, 4000];

/** Why a body stopped, in words, from undici's error codes. */
function bodyFailure(err: unknown, timeoutSeconds: number): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  if (code === 'UND_ERR_BODY_TIMEOUT') return `no data for ${timeoutSeconds} s (--timeout)`;
  if (code === 'ECONNRESET') return 'connection reset by peer';
  if (code === 'UND_ERR_SOCKET') return 'connection closed by peer';
  return e?.message ?? String(err);
}

/** `bytes START-END/TOTAL` */
function parseContentRange(value: string | undefined): { start: number; end: number; total?: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

/**
 * Move a body into the target, counting in `held`; resolves when the body ended. 'data' events
 * with pause/resume rather than `for await`: no promise per chunk on the receiving thread.
 */
function pump(
  body: Readable,
  held: { bytes: number },
  size: number | undefined,
  target: DataTarget,
  onProgress: ((bytes: number) => void) | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stop = (err: unknown) => {
      body.off('data', onData);
      body.destroy();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      const bytes = held.bytes + chunk.length;
      if (size !== undefined && bytes > size) return stop(new SizeMismatchError(size, bytes, 'the download'));
      held.bytes = bytes;
      const wait = target.write(chunk);
      onProgress?.(bytes);
      if (wait) {
        body.pause();
        wait.then(() => body.resume(), stop);
      }
    };
    body.on('data', onData);
    body.once('error', reject);
    body.once('end', () => resolve());
  });
}

/**
 * GET the data of an image into `target`. With `offset` only the rest is asked for (Range); a
 * body that breaks off is asked for again from where it stopped, up to `retries` times with
 * backoff; a server that ignores Range (200) makes the target start over. The byte count is
 * checked against Content-Length, Content-Range and `size`.
 */
export async function downloadImageData(
  client: GlanceClient,
  imageId: string,
  target: DataTarget,
  opts: DownloadOptions = {},
): Promise<DownloadResult> {
  const query = opts.prefer?.length ? `?prefer=${opts.prefer.map(encodeURIComponent).join(',')}` : '';
  const path = `/v2/images/${encodeURIComponent(imageId)}/file${query}`;
  const retries = opts.retries ?? 3;
  const sleep = opts.sleep ?? systemClock.sleep;
  const debug = (line: string) => client.http.debug(line);
  let bytes = opts.offset ?? 0;
  let resumedFrom = bytes;
  let size = opts.size;
  let contentMd5: string | undefined;
  let requestId: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { accept: 'application/octet-stream' };
    if (bytes > 0) headers.range = `bytes=${bytes}-`;
    const res = await client.request('GET', path, { signal: opts.signal, headers, stream: true });
    requestId = res.requestId ?? requestId;
    if (res.status === 204) {
      await res.body.dump().catch(() => undefined);
      throw new NoImageDataError(imageId);
    }
    contentMd5 ??= header(res, 'content-md5');
    const cl = header(res, 'content-length');
    const contentLength = cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : undefined;
    if (bytes > 0 && res.status === 206) {
      const range = parseContentRange(header(res, 'content-range'));
      if (!range || range.start !== bytes || (size !== undefined && range.total !== undefined && range.total !== size)) {
        await res.body.dump().catch(() => undefined);
        throw new CliError(
          `Download of image ${imageId}: asked for bytes ${bytes}- and the server answered Content-Range '${header(res, 'content-range') ?? ''}'`,
        );
      }
      size ??= range.total;
      debug(`resuming image ${imageId} at byte ${bytes} (Content-Range ${header(res, 'content-range')})`);
    } else if (bytes > 0) {
      // 200: the whole image again, from its first byte
      debug(`the server ignored Range (HTTP ${res.status}): downloading image ${imageId} from the start`);
      try {
        await target.restart();
      } catch (err) {
        await res.body.dump().catch(() => undefined);
        throw new CliError(`Download of image ${imageId} broke off and the server ignored the Range request: ${(err as Error).message}`);
      }
      bytes = 0;
      resumedFrom = 0;
      size ??= contentLength;
    } else {
      size ??= contentLength;
    }
    const expectedEnd = contentLength !== undefined ? bytes + contentLength : size;
    try {
      const held = { bytes };
      try {
        await pump(res.body, held, size, target, opts.onProgress);
      } finally {
        bytes = held.bytes;
      }
      if (expectedEnd !== undefined && bytes < expectedEnd) {
        throw new BrokenTransferError(`the body ended after ${bytes} of ${expectedEnd} bytes`, bytes);
      }
      return { bytes, contentMd5, requestId, resumedFrom, reconnects: attempt };
    } catch (err) {
      if (opts.signal?.aborted || (err instanceof CliError && !(err instanceof BrokenTransferError))) throw err;
      const why = err instanceof BrokenTransferError ? err.message : bodyFailure(err, client.http.timeout);
      if (attempt >= retries) {
        throw new BrokenTransferError(
          `Download of image ${imageId} broke off at byte ${bytes}${size !== undefined ? ` of ${size}` : ''}: ${why}` +
            (attempt ? ` (after ${attempt} reconnection${attempt > 1 ? 's' : ''})` : ''),
          bytes,
        );
      }
      const wait = RECONNECT_BACKOFF_MS[Math.min(attempt, RECONNECT_BACKOFF_MS.length - 1)];
      debug(`download of image ${imageId} broke off at byte ${bytes} (${why}); asking for the rest in ${wait} ms (reconnection ${attempt + 1} of ${retries})`);
      await sleep(wait, opts.signal);
    }
  }
}

export interface Verification {
  algo: string;
  expected: string;
  /** 'os_hash' (multihash), 'checksum' (image md5), 'content-md5' (response header) */
  source: 'os_hash' | 'checksum' | 'content-md5';
}

/**
 * What to verify a download against (glanceclient's order, stricter on MD5):
 * os_hash_value with os_hash_algo; MD5 `checksum` only when no os_hash exists, or when the
 * os_hash algorithm is unavailable here and `allowMd5Fallback` is set. Undefined = nothing to
 * verify against (legacy images without any checksum).
 */
export function chooseVerification(
  image: { os_hash_algo?: string | null; os_hash_value?: string | null; checksum?: string | null },
  allowMd5Fallback: boolean,
): Verification | undefined {
  if (image.os_hash_value) {
    const algo = String(image.os_hash_algo ?? '').toLowerCase();
    if (algo && hashAvailable(algo)) return { algo, expected: image.os_hash_value.toLowerCase(), source: 'os_hash' };
    if (!allowMd5Fallback || !image.checksum) {
      throw new CliError(
        `Cannot verify the download: hash algorithm '${image.os_hash_algo}' is not available` +
          (image.checksum ? ' (use --allow-md5-fallback to verify with the MD5 checksum)' : ''),
      );
    }
    return { algo: 'md5', expected: image.checksum.toLowerCase(), source: 'checksum' };
  }
  if (image.checksum) return { algo: 'md5', expected: image.checksum.toLowerCase(), source: 'checksum' };
  return undefined;
}

