/**
 * Where downloaded image data goes: a file (at an offset, for resume) or a stream (stdout), hashed
 * on a worker thread so that the receiving thread only parses HTTP and copies bytes.
 *
 * Why a worker: on the receiving thread sha512 (~770 MB/s on one core here) and undici's parsing
 * took turns, which capped a verified download near the speed of the hash alone. Chunks are
 * copied into a ring of slots in a SharedArrayBuffer (memory stays at ring size whatever the
 * image size); the worker hashes each slot and, for a file, writes it at its position, then
 * hands the slot back. A stream (stdout) is written from the receiving thread, where its
 * backpressure lives.
 *
 * The worker runs from source text (`eval`) so that it works from the bundle and from a single
 * executable alike, with no second file to find on disk.
 */
import { fstatSync } from 'node:fs';
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
   * by the worker through its descriptor; a pipe or socket from this thread, with its backpressure.
   */
  stream?: Writable & { fd?: number };
  /** slot size and count of the ring (bytes, slots): memory used is their product */
  slotSize?: number;
  slots?: number;
}

export interface DataWriter {
  /** Copy a chunk in; the promise (only returned when the ring or the stream is full) says when to go on. */
  write(chunk: Buffer): Promise<void> | undefined;
  /** Drop everything written so far (the file is truncated; a stream cannot be taken back: throws). */
  restart(): Promise<void>;
  /** Wait until everything is hashed and (for a file) written and synced to disk. */
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

const DEFAULT_SLOT = 1024 * 1024;
const DEFAULT_SLOTS = 8;
/** bytes between background fdatasync calls: the disk writes while the network reads */
const SYNC_EVERY = 64 * 1024 * 1024;

/** bytes received between two young-generation collections on the receiving thread */
const COLLECT_EVERY = 16 * 1024 * 1024;
let minorGc: (() => void) | null | undefined;

/**
 * A scavenge every COLLECT_EVERY bytes. Each socket read is a fresh 64 KiB buffer that is dead as
 * soon as it is copied into the ring, but V8 frees such buffers only when their external memory
 * reaches its limit (~64 MB): RSS grew by that much and the kernel kept handing out fresh pages.
 * Measured on 512 MiB received with undici: peak RSS 115 -> 84 MB, CPU 2.4 -> 1.7 s. `gc` is
 * exposed at run time (the binary cannot pass --expose-gc to node); without it, nothing happens.
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
const { sab, slotSize, algo, fd, offset, positioned, syncEvery } = workerData;
const ring = Buffer.from(sab);
let hash = createHash(algo);
let position = 0;
let unsynced = 0;
let syncing = false;
function fail(err) {
  parentPort.postMessage({ t: 'error', message: err.message, code: err.code });
}
try {
  if (fd !== undefined && positioned && offset > 0) {
    // the data already on disk from an earlier run is hashed again, not trusted
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    while (position < offset) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, offset - position), position);
      if (n === 0) throw Object.assign(new Error('the partial file is shorter than it was'), { code: 'ESHORT' });
      hash.update(buf.subarray(0, n));
      position += n;
    }
  }
} catch (err) {
  fail(err);
}
parentPort.on('message', (m) => {
  try {
    if (m.t === 'd') {
      const view = ring.subarray(m.slot * slotSize, m.slot * slotSize + m.len);
      hash.update(view);
      if (fd !== undefined) {
        for (let done = 0; done < m.len; ) {
          done += fs.writeSync(fd, view, done, m.len - done, positioned ? position + done : null);
        }
        unsynced += m.len;
        // write back as we go, so that the final fsync does not wait for the whole image
        if (syncEvery && unsynced >= syncEvery && !syncing) {
          unsynced = 0;
          syncing = true;
          fs.fdatasync(fd, () => { syncing = false; });
        }
      }
      position += m.len;
      parentPort.postMessage({ t: 'f', slot: m.slot });
    } else if (m.t === 'restart') {
      if (fd !== undefined) fs.ftruncateSync(fd, 0);
      hash = createHash(algo);
      position = 0;
      parentPort.postMessage({ t: 'restarted' });
    } else if (m.t === 'end') {
      if (fd !== undefined && syncEvery) fs.fsyncSync(fd);
      parentPort.postMessage({ t: 'done', digest: hash.digest('hex'), bytes: position });
    }
  } catch (err) {
    fail(err);
  }
});
`;

export function openDataWriter(opts: DataWriterOptions): DataWriter {
  const slotSize = opts.slotSize ?? DEFAULT_SLOT;
  const slotCount = opts.slots ?? DEFAULT_SLOTS;
  const sab = new SharedArrayBuffer(slotSize * slotCount);
  const ring = Buffer.from(sab);
  const streamFd = opts.fd === undefined ? writableFd(opts.stream) : undefined;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      sab,
      slotSize,
      algo: opts.algo,
      fd: opts.fd ?? streamFd,
      offset: opts.offset ?? 0,
      positioned: opts.fd !== undefined,
      syncEvery: opts.fd !== undefined ? SYNC_EVERY : 0,
    },
  });
  const stream = opts.fd === undefined && streamFd === undefined ? opts.stream : undefined;

  const free: number[] = Array.from({ length: slotCount }, (_, i) => i);
  let current = -1;
  let filled = 0;
  let written = 0;
  let collectAt = COLLECT_EVERY;
  let failure: Error | undefined;
  // one waiter at a time: the caller awaits write() before the next chunk
  let onSlotFree: (() => void) | undefined;
  let onDone: ((r: { digest: string; bytes: number }) => void) | undefined;
  let onRestarted: (() => void) | undefined;
  let onFailure: ((err: Error) => void)[] = [];

  worker.on('message', (m: { t: string; slot?: number; digest?: string; bytes?: number; message?: string; code?: string }) => {
    if (m.t === 'f') {
      free.push(m.slot as number);
      const w = onSlotFree;
      onSlotFree = undefined;
      w?.();
    } else if (m.t === 'done') {
      onDone?.({ digest: m.digest as string, bytes: m.bytes as number });
    } else if (m.t === 'restarted') {
      onRestarted?.();
    } else if (m.t === 'error') {
      fail(new CliError(`Writing the image data failed: ${m.message}`));
    }
  });
  worker.on('error', (err) => fail(new CliError(`Writing the image data failed: ${err.message}`)));
  worker.on('exit', (code) => {
    if (!closed) fail(new CliError(`Writing the image data failed: the hashing thread exited (${code})`));
  });
  let closed = false;

  function fail(err: Error): void {
    if (failure) return;
    failure = err;
    const waiters = onFailure;
    onFailure = [];
    for (const w of waiters) w(err);
  }

  /** a promise that rejects when the worker fails, alongside `settle` */
  function guarded<T>(setup: (resolve: (v: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      onFailure.push(reject);
      setup(resolve);
    });
  }

  function post(): void {
    if (current < 0 || filled === 0) return;
    worker.postMessage({ t: 'd', slot: current, len: filled });
    current = -1;
    filled = 0;
  }

  function waitForSlot(): Promise<void> {
    return guarded<void>((resolve) => {
      onSlotFree = resolve;
    });
  }

  function drained(s: Writable): Promise<void> {
    return guarded<void>((resolve) => {
      s.once('drain', resolve);
    });
  }

  /** Copy from `at` into the current and free slots, as far as they go; returns where it stopped. */
  function copyFrom(chunk: Buffer, at: number): number {
    while (at < chunk.length) {
      if (current < 0) {
        if (!free.length) return at;
        current = free.shift() as number;
      }
      const n = Math.min(slotSize - filled, chunk.length - at);
      chunk.copy(ring, current * slotSize + filled, at, at + n);
      filled += n;
      at += n;
      if (filled === slotSize) post();
    }
    return at;
  }

  async function copyRest(chunk: Buffer, from: number): Promise<void> {
    for (let at = from; at < chunk.length; at = copyFrom(chunk, at)) {
      if (failure) throw failure;
      await waitForSlot();
    }
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
      if (stream && !stream.write(chunk)) wait = drained(stream);
      // usually the chunk fits the current or a free slot without waiting
      const at = copyFrom(chunk, 0);
      if (at < chunk.length) {
        const rest = copyRest(chunk, at);
        return wait ? Promise.all([wait, rest]).then(() => undefined) : rest;
      }
      return wait;
    },
    async restart() {
      if (stream) throw new StreamRestartError(written);
      post();
      written = 0;
      collectAt = COLLECT_EVERY;
      await guarded<void>((resolve) => {
        onRestarted = resolve;
        worker.postMessage({ t: 'restart' });
      });
    },
    async finish() {
      post();
      const result = await guarded<{ digest: string; bytes: number }>((resolve) => {
        onDone = resolve;
        worker.postMessage({ t: 'end' });
      });
      if (stream) {
        await guarded<void>((resolve) => {
          // everything handed to the stream has been flushed once this callback runs
          stream.write('', () => resolve());
        });
      }
      return result;
    },
    async flush() {
      post();
      while (!failure && free.length < slotCount) await waitForSlot();
    },
    async close() {
      closed = true;
      await worker.terminate();
    },
  };
}
