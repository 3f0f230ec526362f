/**
 * image-download when the transfer is cut: reconnection with Range within one run, the partial
 * beside the target (never under its name) with its record, resume by the same command after a
 * failure or kill -9, a server that ignores Range, a partial of other data, and data on disk that
 * does not match the checksum. The real Glance answers; the fault proxy (test/helpers) cuts,
 * stalls or takes the Range header out where a real server cannot be made to.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import { dataFile, deleteImages, glanceImage } from './helpers/fixtures.js';
import { BIN, cleanEnv, collect, tsglance, uniqueName } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

const SIZE_A = 3 * 1024 * 1024;
const SIZE_B = 1024 * 1024;
let proxy: FaultProxy;
let viaProxy: Record<string, string>;
const created: string[] = [];
let dir = '';
let dataA: Buffer;
let dataB: Buffer;
let idA = '';
let idB = '';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const parts = () => readdirSync(dir).filter((f) => f.includes('tsglance-part'));
const partOf = (target: string) => join(dir, `.${target.split('/').pop()}.tsglance-part`);

async function imageRecord(id: string): Promise<Record<string, unknown>> {
  const r = await tsglance(['image-show', id, '-f', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const image = JSON.parse(r.stdout) as Record<string, unknown>;
  return {
    image_id: id,
    size: image.size,
    os_hash_algo: image.os_hash_algo,
    os_hash_value: image.os_hash_value,
    checksum: image.checksum,
    pid: 999999999,
    started_at: new Date().toISOString(),
  };
}

/** A partial as an earlier run would leave it: some bytes and the record of the image they are of. */
function plantPartial(target: string, bytes: Buffer, record: Record<string, unknown> | undefined): void {
  writeFileSync(partOf(target), bytes);
  if (record) writeFileSync(`${partOf(target)}.json`, JSON.stringify(record));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsglance-resume-'));
  proxy = await startFaultProxy(new URL(stackEnv('admin').GLANCE_STACK_GLANCE_URL));
  viaProxy = { OS_IMAGE_URL: proxy.url };
  const a = dataFile(SIZE_A);
  const b = dataFile(SIZE_B);
  dataA = readFileSync(a);
  dataB = readFileSync(b);
  idA = await glanceImage(['--name', uniqueName('resume-a'), '--file', a]);
  idB = await glanceImage(['--name', uniqueName('resume-b'), '--file', b]);
  created.push(idA, idB);
});
afterAll(async () => {
  proxy.close();
  await deleteImages(created);
});

function reset(plan: FaultProxy['plan'] = () => ({})): void {
  proxy.downloads = [];
  proxy.plan = plan;
}

describe('image-download: cut transfers', () => {
  it('a body cut twice mid-way is asked for again with Range within the run, logged under --debug', async () => {
    reset((n) => (n < 2 ? { cutAfter: 400_000 } : {}));
    const target = join(dir, 'retry.raw');
    const r = await tsglance(['image-download', idA, '--file', target, '--debug'], { env: viaProxy });
    expect(r.code, r.stderr).toBe(0);
    expect(md5(readFileSync(target))).toBe(md5(dataA));
    expect(proxy.downloads).toHaveLength(3);
    expect(proxy.downloads[0].range).toBeUndefined();
    const asked = proxy.downloads.slice(1).map((d) => Number(/^bytes=(\d+)-$/.exec(d.range ?? '')?.[1]));
    expect(asked[0]).toBeGreaterThan(0);
    expect(asked[1]).toBeGreaterThan(asked[0]);
    expect(r.stderr).toMatch(/DEBUG download of image .* broke off at byte \d+ \(.*\); asking for the rest in \d+ ms \(reconnection 1 of 3\)/);
    expect(r.stderr).toMatch(/reconnection 2 of 3/);
    expect(parts()).toEqual([]);
  });

  it('a body that stalls: after --timeout seconds without data it is asked for again from where it stopped', async () => {
    reset((n) => (n === 0 ? { stallAfter: 1_000_000 } : {}));
    const target = join(dir, 'stalled.raw');
    const r = await tsglance(['image-download', idA, '--file', target, '--timeout', '3', '--debug'], { env: viaProxy });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/DEBUG download of image \S+ broke off at byte \d+ \(no data for 3 s \(--timeout\)\); asking for the rest/);
    expect(proxy.downloads).toHaveLength(2);
    expect(proxy.downloads[1].range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(md5(readFileSync(target))).toBe(md5(dataA));
  });

  it('to stdout as well: the reconnected data follows on, verified', async () => {
    reset((n) => (n < 1 ? { cutAfter: 500_000 } : {}));
    const child = spawn(process.execPath, [BIN, 'image-download', idA], { env: cleanEnv({ env: viaProxy }), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    const r = await collect(child);
    expect(r.code, r.stderr).toBe(0);
    expect(md5(Buffer.concat(out))).toBe(md5(dataA));
    expect(proxy.downloads).toHaveLength(2);
  });

  it('a cut that outlasts the reconnections keeps the partial; the same command then fetches only the missing bytes', async () => {
    reset(() => ({ cutAfter: 300_000 }));
    const target = join(dir, 'cut.raw');
    const r = await tsglance(['image-download', idA, '--file', target], { env: viaProxy });
    expect(r.code).toBe(1);
    const m = /^Download of image \S+ broke off at byte (\d+) of 3145728: .* \(after 3 reconnections\); the (\d+) bytes received are kept in (\S+): the same command resumes from there$/.exec(r.stderr.trim());
    expect(m, r.stderr).not.toBeNull();
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const held = Number(m![1]);
    expect(Number(m![2])).toBe(held);
    expect(m![3]).toBe(partOf(target));
    expect(existsSync(target)).toBe(false);
    expect(statSync(partOf(target)).size).toBe(held);
    expect(JSON.parse(readFileSync(`${partOf(target)}.json`, 'utf8')).image_id).toBe(idA);

    reset();
    const again = await tsglance(['image-download', idA, '--file', target], { env: viaProxy });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe(`Resuming the download of image ${idA} at byte ${held} of ${SIZE_A} (${partOf(target)})\n`);
    expect(proxy.downloads).toHaveLength(1);
    expect(proxy.downloads[0].range).toBe(`bytes=${held}-`);
    // the rest of the body and one response head, not the whole image
    expect(proxy.downloads[0].bytes).toBeLessThan(SIZE_A - held + 2000);
    expect(md5(readFileSync(target))).toBe(md5(dataA));
    expect(parts()).toEqual([]);
  });

  it('kill -9 mid-body leaves the partial and its record beside the target; the next run resumes', async () => {
    reset((n) => (n === 0 ? { stallAfter: 2_500_000 } : {}));
    const target = join(dir, 'killed.raw');
    const child = spawn(process.execPath, [BIN, 'image-download', idA, '--file', target], { env: cleanEnv({ env: viaProxy }), stdio: 'ignore' });
    const exited = new Promise((r) => child.on('close', r));
    const deadline = Date.now() + 60_000;
    while (!(existsSync(partOf(target)) && statSync(partOf(target)).size >= 1024 * 1024) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(target)).toBe(false);
    const held = statSync(partOf(target)).size;
    expect(held).toBeGreaterThanOrEqual(1024 * 1024);
    expect(JSON.parse(readFileSync(`${partOf(target)}.json`, 'utf8')).image_id).toBe(idA);

    reset();
    const r = await tsglance(['image-download', idA, '--file', target], { env: viaProxy });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Resuming the download of image ${idA} at byte ${held} of ${SIZE_A}`);
    expect(proxy.downloads.map((d) => d.range)).toEqual([`bytes=${held}-`]);
    expect(md5(readFileSync(target))).toBe(md5(dataA));
    expect(parts()).toEqual([]);
  });

  it('Ctrl-C mid-body: exit 130, the target untouched, the bytes received kept for the same command', async () => {
    reset((n) => (n === 0 ? { stallAfter: 1_500_000 } : {}));
    const target = join(dir, 'interrupted.raw');
    const child = spawn(process.execPath, [BIN, 'image-download', idA, '--file', target], { env: cleanEnv({ env: viaProxy }), stdio: ['ignore', 'pipe', 'pipe'] });
    const result = collect(child);
    const deadline = Date.now() + 60_000;
    while (proxy.downloads[0]?.bytes !== 1_500_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const r = await result;
    expect(r.code).toBe(130);
    const m = /^Download interrupted; \S+ was left untouched; the (\d+) bytes received are kept in (\S+): the same command resumes from there$/.exec(r.stderr.trim());
    expect(m, r.stderr).not.toBeNull();
    expect(existsSync(target)).toBe(false);
    expect(statSync(partOf(target)).size).toBe(Number(m![1]));
    reset();
    const again = await tsglance(['image-download', idA, '--file', target], { env: viaProxy });
    expect(again.code, again.stderr).toBe(0);
    expect(proxy.downloads.map((d) => d.range)).toEqual([`bytes=${m![1]}-`]);
    expect(md5(readFileSync(target))).toBe(md5(dataA));
    expect(parts()).toEqual([]);
  });

  it('a server that ignores Range (200) gets a full restart, not data appended twice', async () => {
    reset(() => ({ stripRange: true }));
    const target = join(dir, 'norange.raw');
    plantPartial(target, dataA.subarray(0, 1024 * 1024), await imageRecord(idA));
    const r = await tsglance(['image-download', idA, '--file', target, '--debug'], { env: viaProxy });
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.downloads.map((d) => d.range)).toEqual(['bytes=1048576-']);
    expect(r.stderr).toMatch(/DEBUG the server ignored Range \(HTTP 200\): downloading image \S+ from the start/);
    expect(readFileSync(target).length).toBe(SIZE_A);
    expect(md5(readFileSync(target))).toBe(md5(dataA));
    expect(parts()).toEqual([]);
  });

  it('to stdout, a server that ignores Range after a cut is an error: written data cannot be taken back', async () => {
    reset((n) => (n === 0 ? { cutAfter: 500_000 } : { stripRange: true }));
    const child = spawn(process.execPath, [BIN, 'image-download', idA], { env: cleanEnv({ env: viaProxy }), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    const r = await collect(child);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^Download of image \S+ broke off and the server ignored the Range request: \d+ bytes were already written to the output and cannot be taken back$/);
  });

  it('a partial of another image, or without a record, is discarded with one line saying why', async () => {
    reset();
    const target = join(dir, 'other.raw');
    plantPartial(target, dataB.subarray(0, 500_000), await imageRecord(idB));
    const r = await tsglance(['image-download', idA, '--file', target]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`Discarded the partial download ${partOf(target)}: it holds data of image ${idB}, not ${idA}\n`);
    expect(md5(readFileSync(target))).toBe(md5(dataA));

    const bare = join(dir, 'bare.raw');
    plantPartial(bare, dataA.subarray(0, 500_000), undefined);
    // a temporary file of an earlier tsglance (random name, no record) is stale: removed
    writeFileSync(join(dir, '.bare.raw.0a1b2c3d.tsglance-part'), dataA.subarray(0, 1000));
    const r2 = await tsglance(['image-download', idA, '--file', bare]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr.split('\n').filter(Boolean).sort()).toEqual([
      `Discarded the partial download ${partOf(bare)}: it has no readable record of the image it belongs to`,
      `Removed ${join(dir, '.bare.raw.0a1b2c3d.tsglance-part')}: a partial download of an earlier tsglance, with no record of its image`,
    ]);
    expect(md5(readFileSync(bare))).toBe(md5(dataA));
    expect(parts()).toEqual([]);
  });

  it('bytes on disk that do not match the checksum: exit 1, nothing under the target name, the partial removed', async () => {
    reset();
    const target = join(dir, 'bad.raw');
    const wrong = Buffer.from(dataA.subarray(0, 1024 * 1024));
    wrong[1000] ^= 0xff;
    plantPartial(target, wrong, await imageRecord(idA));
    const r = await tsglance(['image-download', idA, '--file', target], { env: viaProxy });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Resuming the download .*\nCorrupt image download: checksum mismatch for image \S+ \(sha512 expected [0-9a-f]{128}, got [0-9a-f]{128}\); \S+ was left untouched\n$/);
    expect(proxy.downloads.map((d) => d.range)).toEqual(['bytes=1048576-']);
    expect(existsSync(target)).toBe(false);
    expect(parts()).toEqual([]);
  });
});
