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
import { createHash, getHashes, type Hash } from 'node:crypto';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
  const body = counted(source, opts.size, state, opts.onProgress);
  const path = `/v2/images/${encodeURIComponent(imageId)}/${opts.target}`;
  try {
    const res = await client.request('PUT', path, { body, headers, signal: opts.signal, idempotent: false, stream: true });
    await res.body.dump().catch(() => undefined);
    return { bytes: state.bytes, requestId: res.requestId };
  } catch (err) {
    // a source that undici stopped reading (a file, or a stdin pipe that stays open) must not keep
    // the process alive
    const s = source as Readable;
    if (typeof s.destroy === 'function') s.destroy();
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
  /** hash algorithms to compute while streaming (node names: sha512, sha256, md5, ...) */
  hashes?: string[];
  onProgress?: (bytes: number) => void;
  /** called once the response headers are in, with Content-Length when given */
  onStart?: (info: { contentLength?: number; contentMd5?: string }) => void;
  signal?: AbortSignal;
}

export interface DownloadResult {
  bytes: number;
  contentLength?: number;
  contentMd5?: string;
  /** hex digest per requested algorithm */
  digests: Record<string, string>;
  requestId?: string;
}

export class NoImageDataError extends CliError {
  constructor(imageId: string) {
    super(`Image ${imageId} has no data.`);
    this.name = 'NoImageDataError';
  }
}

export function hashAvailable(algo: string): boolean {
  return getHashes().includes(algo.toLowerCase());
}

/**
 * GET the data of an image and stream it into `sink`, hashing on the way. The sink is ended on
 * success. A body shorter than Content-Length is an error ("truncated").
 */
export async function downloadImageData(
  client: GlanceClient,
  imageId: string,
  sink: Writable,
  opts: DownloadOptions = {},
): Promise<DownloadResult> {
  const query = opts.prefer?.length ? `?prefer=${opts.prefer.map(encodeURIComponent).join(',')}` : '';
  const res = await client.request('GET', `/v2/images/${encodeURIComponent(imageId)}/file${query}`, {
    signal: opts.signal,
    headers: { accept: 'application/octet-stream' },
    stream: true,
  });
  if (res.status === 204) {
    await res.body.dump().catch(() => undefined);
    throw new NoImageDataError(imageId);
  }
  const cl = header(res, 'content-length');
  const contentLength = cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : undefined;
  const contentMd5 = header(res, 'content-md5');
  opts.onStart?.({ contentLength, contentMd5 });
  const hashers: [string, Hash][] = (opts.hashes ?? []).map((a) => [a, createHash(a)]);
  let bytes = 0;
  const onProgress = opts.onProgress;
  const tap = new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      for (const [, h] of hashers) h.update(chunk);
      onProgress?.(bytes);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(res.body, tap, sink, { signal: opts.signal });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    if (err instanceof CliError) throw err;
    const e = err as { code?: string; message?: string };
    if (contentLength !== undefined && bytes < contentLength) {
      throw new CliError(`Download of image ${imageId} truncated: got ${bytes} of ${contentLength} bytes (${e.code ?? e.message})`);
    }
    throw new CliError(`Download of image ${imageId} failed after ${bytes} bytes: ${e.message ?? String(err)}`);
  }
  if (contentLength !== undefined && bytes !== contentLength) {
    throw new CliError(`Download of image ${imageId} truncated: got ${bytes} of ${contentLength} bytes`);
  }
  const digests: Record<string, string> = {};
  for (const [a, h] of hashers) digests[a] = h.digest('hex');
  return { bytes, contentLength, contentMd5, digests, requestId: res.requestId };
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

