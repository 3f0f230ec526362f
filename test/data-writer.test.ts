/**
 * The download data writer (src/data-writer.ts): socket-read buffers are moved to the hashing
 * thread, not copied; everything else is copied first, so that no caller's bytes change under it;
 * the digest and the file are the data, in order, whatever way each chunk travelled.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { openDataWriter } from '../src/data-writer.js';

const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

/** what a socket read looks like: a chunk that is the whole of its own ArrayBuffer */
const ownBuffer = (n: number) => Buffer.from(randomBytes(n).buffer.slice(0) as ArrayBuffer);

it('to a file: whole-buffer chunks move to the worker (emptied here), slices are copied; file and digest are the data in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsglance-data-writer-'));
  const path = join(dir, 'part');
  const fd = openSync(path, 'w+');
  const writer = openDataWriter({ algo: 'sha512', fd, maxInFlight: 256 * 1024 });
  const shared = randomBytes(300_000);
  const expected: Buffer[] = [];
  const moved: Buffer[] = [];
  const sliced: { chunk: Buffer; copy: Buffer }[] = [];
  for (let i = 0; i < 40; i++) {
    if (i % 4 === 3) {
      const chunk = shared.subarray(i * 7000, i * 7000 + 6000);
      sliced.push({ chunk, copy: Buffer.from(chunk) });
      expected.push(Buffer.from(chunk));
      await writer.write(chunk);
    } else {
      const chunk = ownBuffer(50_000 + i);
      expected.push(Buffer.from(chunk));
      moved.push(chunk);
      await writer.write(chunk);
    }
  }
  const { digest, bytes } = await writer.finish();
  await writer.close();
  closeSync(fd);
  const data = Buffer.concat(expected);
  expect(bytes).toBe(data.length);
  expect(digest).toBe(sha512(data));
  expect(readFileSync(path).equals(data)).toBe(true);
  // moved: the buffer now belongs to the worker; copied: the caller's bytes are as they were
  for (const chunk of moved) expect(chunk.buffer.byteLength).toBe(0);
  for (const { chunk, copy } of sliced) expect(chunk.equals(copy)).toBe(true);
});

it('to a pipe: the stream gets every chunk intact, and only then do they go to the worker for the digest', async () => {
  const out = new PassThrough({ highWaterMark: 64 * 1024 });
  const received: Buffer[] = [];
  out.on('data', (c: Buffer) => received.push(Buffer.from(c)));
  const writer = openDataWriter({ algo: 'sha512', stream: out });
  const expected: Buffer[] = [];
  for (let i = 0; i < 30; i++) {
    const chunk = ownBuffer(60_000);
    expected.push(Buffer.from(chunk));
    await writer.write(chunk);
  }
  const { digest, bytes } = await writer.finish();
  await writer.close();
  const data = Buffer.concat(expected);
  expect(bytes).toBe(data.length);
  expect(digest).toBe(sha512(data));
  expect(Buffer.concat(received).equals(data)).toBe(true);
});

/**
 * Write some data, restart (the server ignored Range), write `fresh` data: the file and the digest
 * are the fresh data alone. `partial`: bytes already in the file (a resumed download).
 */
async function restartAndCheck(partial?: Buffer): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsglance-data-writer-'));
  const path = join(dir, 'part');
  if (partial) writeFileSync(path, partial);
  const fd = openSync(path, partial ? 'r+' : 'w+');
  const writer = openDataWriter({ algo: 'sha512', fd, offset: partial?.length ?? 0 });
  await writer.write(ownBuffer(100_000));
  await writer.restart();
  const fresh = ownBuffer(70_000);
  const copy = Buffer.from(fresh);
  await writer.write(fresh);
  const { digest, bytes } = await writer.finish();
  await writer.close();
  closeSync(fd);
  expect(bytes).toBe(copy.length);
  expect(digest).toBe(sha512(copy));
  expect(readFileSync(path).equals(copy)).toBe(true);
}

it('restart truncates the file and starts the digest over', async () => {
  await restartAndCheck();
});

it('restart while the worker is still hashing a resumed partial again: the partial is truncated only after that, no error', async () => {
  // a partial large enough that hashing it again takes the worker a while
  await restartAndCheck(Buffer.alloc(48 * 1024 * 1024, 7));
});
