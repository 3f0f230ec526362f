/**
 * Where downloaded image data goes: a file (at an offset, for resume) or a stream (stdout), hashed
 * on a worker thread.
 *
 * The receiving thread parses HTTP and writes each chunk where it goes; the worker hashes.
 * Measured with `--cpu-prof` on 512 MiB from the local Glance, verified to a file, when the
 * worker both hashed and wrote: the worker was busy 1.33 s (sha512 0.60, the writes into the page
 * cache 0.34, the final fsync 0.16) while the receiving thread idled 1.1 s of 1.8 waiting for it.
 * Writing on the receiving thread, and syncing there while the worker finishes the hash, splits
 * the work ~evenly between the two.
 *
 * Chunks are transferred to the worker, not copied: each socket read is its own ArrayBuffer and
 * undici hands the body on as a view of all of it, so once a chunk is written its buffer itself
 * moves (postMessage's transfer list, batched per MiB). An earlier version copied every chunk into
 * a ring in a SharedArrayBuffer: the copy and the page faults of buffers freed late made the same
 * download 1.9-2.5 s against 1.2-1.5 s transferred. A chunk that shares its buffer (the first,
 * behind the headers) is copied. Memory stays bounded by the bytes in flight (MAX_IN_FLIGHT),
 * whatever the image size. A pipe (stdout) is written through its stream, with its backpressure,
 * and its chunks go to the worker once the stream is done with them.
 *
 * The worker runs from source text (`eval`) so that it works from the bundle and from a single
 * executable alike, with no second file to find on disk.
 */
import { fdatasync, fstatSync, fsync, ftruncateSync, writeSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { CliError } from './errors.js';
import type { Writable } from 'node:stream';

export interface DataWriterOptions {
  /** node hash name (sha512, sha256, md5, ...) */
  algo: string;
  /**
   * An open file to write at `offset` (its bytes [0, offset) are hashed first), synced to disk as
   * the data comes and at the end.
   */
  fd?: number;
  offset?: number;
  /**
   * Where the data goes when there is no file (stdout). A regular file or a device is written
   * through its descriptor; a pipe or socket through the stream, with its backpressure.
   */
  stream?: Writable & { fd?: number };
  /** bytes handed to the worker and not yet hashed before write() asks the caller to wait */
  maxInFlight?: number;
}

export interface DataWriter {
  /**
   * Hand a chunk over: it belongs to the writer from now on (its buffer may be moved to the worker
   * and read as empty afterwards). The promise (only returned when too much is in flight or the
   * stream is full) says when to go on.
   */
  write(chunk: Buffer): Promise<void> | undefined;
  /** Drop everything written so far (the file is truncated; a stream cannot be taken back: throws). */
  restart(): Promise<void>;
  /** Wait until everything is hashed and (for a file) synced to disk. */
  finish(): Promise<{ digest: string; bytes: number }>;
  /** Wait until what was handed in so far is in the file (after a failure: kept for resume). */
  flush(): Promise<void>;
  /** Stop the worker; what is in the file so far stays there. */
  close(): Promise<void>;
}

export class StreamRestartError extends Error {
  constructor(readonly written: number) {
    super(`${written} bytes were already written to the output and cannot be taken back`);
    this.name = 'StreamRestartError';
  }
}

/** bytes gathered before one postMessage (fewer messages; each carries ~16 socket reads) */
const BATCH = 1024 * 1024;
const MAX_IN_FLIGHT = 8 * 1024 * 1024;
/** bytes between background fdatasync calls: the disk writes while the network reads */
const SYNC_EVERY = 64 * 1024 * 1024;

/** bytes received between two young-generation collections (on each thread) */
const COLLECT_EVERY = 16 * 1024 * 1024;
let minorGc: (() => void) | null | undefined;

/**
 * A scavenge every COLLECT_EVERY bytes. Each socket read is a fresh 64 KiB buffer that is dead as
 * soon as it is hashed and written (or copied), but V8 frees such buffers only when their external
 * memory reaches its limit (~64 MB): RSS grew by that much and the kernel kept handing out fresh
 * pages. Measured on 512 MiB received with undici, when every chunk was copied into a shared ring:
 * peak RSS 115 -> 84 MB, CPU 2.4 -> 1.7 s. The worker does the same for the buffers it receives;
 * removing it from this thread since the buffers are moved was not measured. `gc` is exposed at run time (the binary cannot
 * pass --expose-gc to node); without it, nothing happens.
 */
function collectYoung(): void {
  if (minorGc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as (opts?: { type: string }) => void;
      minorGc = () => gc({ type: 'minor' });
    } catch {
      minorGc = null;
    }
  }
  minorGc?.();
}

/** The descriptor of a stream that is a regular file or a device (not a pipe or socket). */
function writableFd(stream: DataWriterOptions['stream']): number | undefined {
  const fd = stream?.fd;
  if (typeof fd !== 'number') return undefined;
  try {
    const st = fstatSync(fd);
    return st.isFile() || st.isCharacterDevice() ? fd : undefined;
  } catch {
    return undefined;
  }
}

/** The worker's source: plain JavaScript, self-contained (it runs as its own CommonJS script). */
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { algo, fd, offset, collectEvery } = workerData;
let hash = createHash(algo);
let bytes = 0;
let received = 0;
let collectAt = collectEvery;
let minorGc = null;
try {
  require('node:v8').setFlagsFromString('--expose-gc');
  const gc = require('node:vm').runInNewContext('gc');
  minorGc = () => gc({ type: 'minor' });
} catch {}
function fail(err) {
  parentPort.postMessage({ t: 'error', message: err.message, code: err.code });
}
try {
  if (fd !== undefined && offset > 0) {
    // the data already on disk from an earlier run is hashed again, not trusted
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    while (bytes < offset) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, offset - bytes), bytes);
      if (n === 0) throw Object.assign(new Error('the partial file is shorter than it was'), { code: 'ESHORT' });
      hash.update(buf.subarray(0, n));
      bytes += n;
    }
  }
} catch (err) {
  fail(err);
}
parentPort.on('message', (m) => {
  try {
    if (m.t === 'd') {
      for (const buffer of m.buffers) hash.update(new Uint8Array(buffer));
      bytes += m.bytes;
      parentPort.postMessage({ t: 'f', bytes: m.bytes });
      received += m.bytes;
      if (minorGc && received >= collectAt) {
        collectAt = received + collectEvery;
        minorGc();
      }
    } else if (m.t === 'restart') {
      hash = createHash(algo);
      bytes = 0;
      parentPort.postMessage({ t: 'restarted' });
    } else if (m.t === 'end') {
      parentPort.postMessage({ t: 'done', digest: hash.digest('hex'), bytes });
    }
  } catch (err) {
    fail(err);
  }
});
`;

/** The chunk's own buffer when the chunk is all of it (a socket read), else a copy of the chunk. */
function ownBuffer(chunk: Buffer): ArrayBuffer {
  const buffer = chunk.buffer;
  if (buffer instanceof ArrayBuffer && chunk.byteOffset === 0 && chunk.byteLength === buffer.byteLength) return buffer;
  return new Uint8Array(chunk).buffer;
}

export function openDataWriter(opts: DataWriterOptions): DataWriter {
  const maxInFlight = opts.maxInFlight ?? MAX_IN_FLIGHT;
  const file = opts.fd;
  /** stdout that is a regular file or a device: written through its descriptor, where it stands */
  const streamFd = file === undefined ? writableFd(opts.stream) : undefined;
  const stream = file === undefined && streamFd === undefined ? opts.stream : undefined;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { algo: opts.algo, fd: file, offset: opts.offset ?? 0, collectEvery: COLLECT_EVERY },
  });

  /** where the next byte goes in the file */
  let position = opts.offset ?? 0;
  let unsynced = 0;
  /** the background fdatasync under way, if any (one at a time): the disk writes while the network reads */
  let syncing: Promise<void> | undefined;
  let batch: ArrayBuffer[] = [];
  let batchBytes = 0;
  /** bytes posted to the worker and not yet hashed there */
  let inFlight = 0;
  let written = 0;
  let collectAt = COLLECT_EVERY;
  let closed = false;
  let failure: Error | undefined;
  let progressWaiters: (() => void)[] = [];
  let onDone: ((r: { digest: string; bytes: number }) => void) | undefined;
  let onRestarted: (() => void) | undefined;
  let onFailure: ((err: Error) => void)[] = [];

  worker.on('message', (m: { t: string; bytes?: number; digest?: string; message?: string; code?: string }) => {
    if (m.t === 'f') {
      inFlight -= m.bytes as number;
      const waiters = progressWaiters;
      progressWaiters = [];
      for (const w of waiters) w();
    } else if (m.t === 'done') {
      onDone?.({ digest: m.digest as string, bytes: m.bytes as number });
    } else if (m.t === 'restarted') {
      onRestarted?.();
    } else if (m.t === 'error') {
      fail(writeFailure(m.message as string));
    }
  });
  worker.on('error', (err) => fail(writeFailure(err.message)));
  worker.on('exit', (code) => {
    if (!closed) fail(writeFailure(`the hashing thread exited (${code})`));
  });

  function writeFailure(message: string): CliError {
    return new CliError(`Writing the image data failed: ${message}`);
  }

  function fail(err: Error): void {
    if (failure) return;
    failure = err;
    const waiters = onFailure;
    onFailure = [];
    for (const w of waiters) w(err);
  }

  /** a promise that rejects when the worker fails */
  function guarded<T>(setup: (resolve: (v: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      onFailure.push(reject);
      setup(resolve);
    });
  }

  /** fdatasync (or fsync) on the thread pool */
  function sync(fd: number, all: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => (all ? fsync : fdatasync)(fd, (err) => (err ? reject(writeFailure(err.message)) : resolve())));
  }

  /** the whole chunk into the file at `position` (or where the descriptor stands), synchronously */
  function writeOut(fd: number, chunk: Buffer, at: number | null): void {
    for (let done = 0; done < chunk.length; ) {
      done += writeSync(fd, chunk, done, chunk.length - done, at === null ? null : at + done);
    }
  }

  function post(): void {
    if (!batch.length) return;
    const buffers = batch;
    const bytes = batchBytes;
    batch = [];
    batchBytes = 0;
    inFlight += bytes;
    try {
      worker.postMessage({ t: 'd', buffers, bytes }, buffers);
    } catch {
      // a buffer that Node does not let go of (marked untransferable) travels as a copy
      const copies = buffers.map((b) => b.slice(0));
      worker.postMessage({ t: 'd', buffers: copies, bytes }, copies);
    }
  }

  function send(chunk: Buffer): void {
    if (closed) return;
    const buffer = ownBuffer(chunk);
    batch.push(buffer);
    batchBytes += buffer.byteLength;
    if (batchBytes >= BATCH) post();
  }

  /** resolves once the worker has hashed more bytes; callers check their condition again */
  function progress(): Promise<void> {
    return guarded<void>((resolve) => {
      progressWaiters.push(resolve);
    });
  }

  async function roomLeft(): Promise<void> {
    while (inFlight >= maxInFlight) await progress();
  }

  function drained(s: Writable): Promise<void> {
    return guarded<void>((resolve) => {
      s.once('drain', resolve);
    });
  }

  return {
    write(chunk) {
      if (failure) return Promise.reject(failure);
      written += chunk.length;
      if (written >= collectAt) {
        collectAt = written + COLLECT_EVERY;
        collectYoung();
      }
      let wait: Promise<void> | undefined;
      try {
        if (file !== undefined) {
          writeOut(file, chunk, position);
          position += chunk.length;
          unsynced += chunk.length;
          if (unsynced >= SYNC_EVERY && !syncing) {
            unsynced = 0;
            // a failed sync here shows again in the final fsync
            syncing = sync(file, false)
              .catch(() => undefined)
              .finally(() => {
                syncing = undefined;
              });
          }
        } else if (streamFd !== undefined) {
          writeOut(streamFd, chunk, null);
        }
      } catch (err) {
        fail(writeFailure((err as Error).message));
        return Promise.reject(failure);
      }
      if (stream) {
        // the stream holds the chunk until it is written out; only then may it move to the worker
        if (!stream.write(chunk, () => send(chunk))) wait = drained(stream);
      } else {
        send(chunk);
      }
      if (inFlight >= maxInFlight) {
        const room = roomLeft();
        wait = wait ? Promise.all([wait, room]).then(() => undefined) : room;
      }
      return wait;
    },
    async restart() {
      if (stream || streamFd !== undefined) throw new StreamRestartError(written);
      post();
      // the worker may still be hashing the partial's first bytes again (resume): the file is
      // truncated only once it has answered, which it does after that
      await guarded<void>((resolve) => {
        onRestarted = resolve;
        worker.postMessage({ t: 'restart' });
      });
      if (file !== undefined) {
        await syncing;
        ftruncateSync(file, 0);
      }
      position = 0;
      unsynced = 0;
      written = 0;
      collectAt = COLLECT_EVERY;
    },
    async finish() {
      if (stream) {
        await guarded<void>((resolve) => {
          // every chunk written before has been flushed, and so sent on, once this callback runs
          stream.write('', () => resolve());
        });
      }
      post();
      // the file goes to disk while the worker hashes what is left
      const synced = file !== undefined ? (syncing ?? Promise.resolve()).then(() => sync(file, true)) : undefined;
      const hashed = guarded<{ digest: string; bytes: number }>((resolve) => {
        onDone = resolve;
        worker.postMessage({ t: 'end' });
      });
      synced?.catch(() => undefined);
      const result = await hashed;
      await synced;
      return result;
    },
    async flush() {
      post();
      // the file has every chunk already (written as it came); what is left is the hash
      while (!failure && inFlight > 0) await progress();
    },
    async close() {
      closed = true;
      await worker.terminate();
    },
  };
}
