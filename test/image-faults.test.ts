/**
 * Faults on the wire, between tsglance and the real Glance: a small TCP proxy in this file resets
 * the connection mid-upload, flips a byte of a download, or cuts a download short. Nothing may be
 * lost or left behind: the created record is deleted, the target file is untouched, a corrupt
 * partial is gone and a cut one is kept for resume (more in download-resume.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnFreePort } from './helpers/fake-server.js';
import { dataFile, deleteImages, glanceImage } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

type Mode = 'pass' | 'reset-upload' | 'corrupt-download' | 'truncate-download';

interface Proxy {
  port: number;
  mode: Mode;
  /** how many times the fault fired */
  fired: number;
  server: Server;
}

function startProxy(target: URL): Promise<Proxy> {
  const proxy: Proxy = { port: 0, mode: 'pass', fired: 0, server: undefined as unknown as Server };
  proxy.server = createServer((client: Socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    let seen = '';
    let armedUpload = false;
    let uploadBytes = 0;
    let armedDownload = false;
    let downBytes = 0;
    let flipped = false;
    const kill = () => {
      proxy.fired++;
      client.resetAndDestroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (!armedUpload && !armedDownload) {
        // request lines sit at the start of a write; a body chunk may follow in the same one
        const text = seen + chunk.toString('latin1', 0, Math.min(chunk.length, 8192));
        seen = text.slice(-4096);
        if (proxy.mode === 'reset-upload' && /PUT \/v2\/images\/[^ ]+\/file /.test(text)) armedUpload = true;
        if (proxy.mode !== 'reset-upload' && /GET \/v2\/images\/[^ ]+\/file[ ?]/.test(text)) armedDownload = true;
      } else if (armedUpload) {
        uploadBytes += chunk.length;
        if (uploadBytes > 300_000) return kill();
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (armedDownload && proxy.mode === 'corrupt-download' && !flipped) {
        const at = 200_000 - downBytes;
        if (at >= 0 && at < chunk.length) {
          chunk = Buffer.from(chunk);
          chunk[at] ^= 0xff;
          flipped = true;
          proxy.fired++;
        }
      }
      if (armedDownload) downBytes += chunk.length;
      if (armedDownload && proxy.mode === 'truncate-download' && downBytes > 300_000) return kill();
      client.write(chunk);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return listenOnFreePort(proxy.server).then((port) => {
    proxy.port = port;
    return proxy;
  });
}

let proxy: Proxy;
let viaProxy: Record<string, string>;
const created: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'tsglance-faults-'));

beforeAll(async () => {
  proxy = await startProxy(new URL(stackEnv('admin').GLANCE_STACK_GLANCE_URL));
  viaProxy = { OS_IMAGE_URL: `http://127.0.0.1:${proxy.port}` };
});
afterAll(async () => {
  proxy.server.close();
  await deleteImages(created);
});

const parts = () => readdirSync(dir).filter((f) => f.includes('tsglance-part'));

describe('faults', () => {
  it('a connection reset mid-upload leaves no image record and exits 1', async () => {
    proxy.mode = 'reset-upload';
    proxy.fired = 0;
    const name = uniqueName('fault-reset');
    const r = await tsglance(
      ['image-create', '--name', name, '--disk-format', 'raw', '--container-format', 'bare', '--file', dataFile(2 * 1024 * 1024)],
      { env: viaProxy },
    );
    expect(proxy.fired, r.stderr).toBe(1);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Upload failed: .*(reset|closed|socket).*; image [0-9a-f-]{36} \(created by this command\) was deleted$/m);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const left = await glance(['image-list', '--property-filter', `name=${name}`]);
    expect(left.stdout).not.toContain(name);
  });

  describe('download', () => {
    let id = '';
    beforeAll(async () => {
      id = await glanceImage(['--name', uniqueName('fault-dl'), '--file', dataFile(1024 * 1024)]);
      created.push(id);
    });

    it('bytes altered on the way: exit 1 "checksum mismatch", target untouched, temp removed', async () => {
      proxy.mode = 'corrupt-download';
      proxy.fired = 0;
      const target = join(dir, 'existing.raw');
      const before = randomBytes(100);
      writeFileSync(target, before);
      const r = await tsglance(['image-download', id, '--file', target], { env: viaProxy });
      expect(proxy.fired).toBe(1);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/checksum mismatch for image .* \(sha512 expected [0-9a-f]{128}, got [0-9a-f]{128}\); .* was left untouched/);
      expect(readFileSync(target).equals(before)).toBe(true);
      expect(parts()).toEqual([]);
      const fresh = join(dir, 'fresh.raw');
      const r2 = await tsglance(['image-download', id, '--file', fresh], { env: viaProxy });
      expect(r2.code).toBe(1);
      expect(existsSync(fresh)).toBe(false);
      expect(parts()).toEqual([]);
    });

    it('a download cut on every attempt: exit 1 after the reconnections, no file at the target, the partial kept for the same command', async () => {
      proxy.mode = 'truncate-download';
      proxy.fired = 0;
      const target = join(dir, 'trunc.raw');
      const r = await tsglance(['image-download', id, '--file', target], { env: viaProxy });
      expect(proxy.fired).toBe(4);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/broke off at byte \d+ of 1048576: .*\(after 3 reconnections\); the \d+ bytes received are kept in \S+\.trunc\.raw\.tsglance-part/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(target)).toBe(false);
      expect(parts().sort()).toEqual(['.trunc.raw.tsglance-part', '.trunc.raw.tsglance-part.json']);
      proxy.mode = 'pass';
      const again = await tsglance(['image-download', id, '--file', target], { env: viaProxy });
      expect(again.code, again.stderr).toBe(0);
      expect(readFileSync(target).length).toBe(1024 * 1024);
      expect(parts()).toEqual([]);
    });

    it('through the same proxy without faults the download is verified and lands', async () => {
      proxy.mode = 'pass';
      const target = join(dir, 'ok.raw');
      const r = await tsglance(['image-download', id, '--file', target], { env: viaProxy });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(target).length).toBe(1024 * 1024);
      expect(parts()).toEqual([]);
    });
  });
});
