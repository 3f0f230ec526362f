/**
 * Issue 13, items 6-9 and 11: what tsglance must not trust on its own side — a --file that blocks,
 * a reply lost after the create, a password inside OS_AUTH_URL, escape sequences in names, values
 * that cannot be timers, a pid reused after a lock holder died — and stalls that must stay bounded
 * (the watch, the upload, the cleanup).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCache } from '../src/auth/file-store.js';
import { deleteImages, glanceImage } from './helpers/fixtures.js';
import { fakeGlanceEnv, fakeServer, FAKE_IMAGE, sendJson, type FakeServer } from './helpers/fake-server.js';
import { BIN, cleanEnv, glance, tsglance, uniqueName, viaPty } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

const dir = mkdtempSync(join(tmpdir(), 'tsglance-untrusted-input-'));
const created: string[] = [];
afterAll(async () => deleteImages(created));
const lines = (s: string) => s.trim().split('\n');
const idsNamed = async (name: string) => (await glance(['image-list', '--property-filter', `name=${name}`])).stdout.match(/[0-9a-f]{8}-[0-9a-f-]{27}/g) ?? [];

describe('a FIFO as --file is opened before the record exists (item 7)', () => {
  it('no writer: exit 2 after the bound, saying so, and no record', async () => {
    const fifo = join(dir, 'fifo-no-writer');
    spawnSync('mkfifo', [fifo]);
    const name = uniqueName('fifo');
    const r = await tsglance(['--timeout', '2', 'image-create', '--name', name, '--disk-format', 'raw', '--container-format', 'bare', '--file', fifo], {
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`--file ${fifo}: nothing opened the FIFO for writing within 2 s; start the writer first (or give a longer --timeout)`]);
    expect(r.ms).toBeLessThan(10_000);
    expect(await idsNamed(name)).toEqual([]);
  });

  it('Ctrl-C while waiting for a writer exits 130 at once, no record', async () => {
    const fifo = join(dir, 'fifo-ctrl-c');
    spawnSync('mkfifo', [fifo]);
    const name = uniqueName('fifo-int');
    const child = spawn(process.execPath, [BIN, 'image-create', '--name', name, '--disk-format', 'raw', '--container-format', 'bare', '--file', fifo], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(stderr).toBe('Interrupted.\n');
    expect(await idsNamed(name)).toEqual([]);
  });

  it('with a writer the data goes up as from a pipe', async () => {
    const fifo = join(dir, 'fifo-writer');
    spawnSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `sleep 1; head -c 65536 /dev/zero > ${fifo}`]);
    const r = await tsglance(['image-create', '--name', uniqueName('fifo-ok'), '--disk-format', 'raw', '--container-format', 'bare', '--file', fifo, '-f', 'json']);
    writer.kill();
    expect(r.code, r.stderr).toBe(0);
    const image = JSON.parse(r.stdout) as { id: string; size: number; status: string };
    created.push(image.id);
    expect(image.size).toBe(65536);
  });
});

/** A TCP proxy to the real Glance that forwards the POST /v2/images but never delivers its reply. */
function dropCreateReply(target: URL): Promise<{ port: number; server: Server; fired: number }> {
  const state = { port: 0, server: undefined as unknown as Server, fired: 0 };
  state.server = createServer((client: Socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    let posting = false;
    client.on('data', (chunk: Buffer) => {
      if (/^POST \/v2\/images HTTP/m.test(chunk.toString('latin1', 0, 200))) posting = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (posting) {
        state.fired++;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => state.server.listen(0, '127.0.0.1', () => {
    state.port = (state.server.address() as { port: number }).port;
    resolve(state);
  }));
}

describe('a lost reply to the create (item 8)', () => {
  it('the record is found by the ID tsglance chose, deleted, and the error names it', async () => {
    const proxy = await dropCreateReply(new URL(stackEnv('admin').GLANCE_STACK_GLANCE_URL));
    try {
      const name = uniqueName('lost-reply');
      const r = await tsglance(['image-create', '--name', name, '--disk-format', 'raw', '--container-format', 'bare', '--file', join(dir, 'small.raw')], {
        env: { OS_IMAGE_URL: `http://127.0.0.1:${proxy.port}` },
      });
      expect(proxy.fired).toBe(1);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(/^Creating the image failed: .*; image ([0-9a-f-]{36}) was created without a reply and has been deleted$/m);
      expect(await idsNamed(name)).toEqual([]);
    } finally {
      proxy.server.close();
    }
  });
});
writeFileSync(join(dir, 'small.raw'), Buffer.alloc(4096, 1));

describe('secrets in URLs (item 9)', () => {
  it('a password in OS_AUTH_URL is in no error line, cache entry or token-cache show', async () => {
    const auth = new URL(stackEnv('admin').OS_AUTH_URL);
    const secret = 'Sekr1tInUrl';
    const withUserinfo = `${auth.protocol}//operator:${secret}@${auth.host}${auth.pathname}`;
    const cache = mkdtempSync(join(tmpdir(), 'tsglance-userinfo-'));
    const ok = await tsglance(['image-list', '--limit', '1'], { env: { OS_AUTH_URL: withUserinfo, XDG_CACHE_HOME: cache } });
    expect(ok.code, ok.stderr).toBe(0);
    const files = readdirSync(join(cache, 'tsglance')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(1);
    expect(readFileSync(join(cache, 'tsglance', files[0]), 'utf8')).not.toContain(secret);
    const show = await tsglance(['token-cache', 'show'], { env: { OS_AUTH_URL: withUserinfo, XDG_CACHE_HOME: cache } });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`${auth.protocol}//${auth.host}`);
    expect(show.stdout + show.stderr).not.toContain(secret);
    // unreachable, refused, and with --debug: never the password
    for (const url of [`http://operator:${secret}@127.0.0.1:9/v3`, withUserinfo]) {
      const bad = await tsglance(['image-list', '--debug', '--no-token-cache'], { env: { OS_AUTH_URL: url, OS_PASSWORD: 'wrong', XDG_CACHE_HOME: cache } });
      expect(bad.code).toBe(1);
      expect(bad.stdout + bad.stderr).not.toContain(secret);
    }
  });
});

describe('details (item 11)', () => {
  it('image-download --file "" is refused (exit 2), not stdout', async () => {
    const r = await tsglance(['image-download', FAKE_IMAGE.id, '--file', '']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toEqual(['--file: empty path (use --file - for stdout)']);
  });

  it('--timeout out of range or not a number, --os-interface bogus: one line, exit 2, no warning', async () => {
    for (const [args, msg] of [
      [['--timeout', '2147484', 'image-list'], "--timeout must be a positive number of seconds up to 2147483, not '2147484'"],
      [['--timeout', 'abc', 'image-list'], "--timeout must be a positive number of seconds up to 2147483, not 'abc'"],
      [['--os-interface', 'bogus', 'image-list'], "--os-interface must be public, internal or admin, not 'bogus'"],
    ] as const) {
      const r = await tsglance([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(lines(r.stderr)).toEqual([msg]);
    }
  });

  it('help nosuch: one line, exit 2', async () => {
    const r = await tsglance(['help', 'nosuch'], { as: 'none' });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown command 'nosuch'/);
    expect(r.stdout).toBe('');
  });

  describe('names with control characters', () => {
    const evil = `evil-\u001b]0;pwned\u0007-\u001b[31mred\nsecond-line`;
    let id = '';
    beforeAll(async () => {
      const r = await tsglance(['image-create', '--name', evil, '-f', 'value', '-c', 'id']);
      expect(r.code, r.stderr).toBe(0);
      id = r.stdout.trim();
      created.push(id);
    });

    it('a table on a terminal shows escapes, not raw control characters', async () => {
      const r = await viaPty(['image-show', id], { timeoutMs: 60_000 });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/\u001b|\u0007/);
      expect(r.stdout).toContain('evil-\\x1b]0;pwned\\x07-\\x1b[31mred');
    });

    it('-f value writes one line per record (newline escaped); -f json stays exact', async () => {
      const v = await tsglance(['image-show', id, '-f', 'value', '-c', 'name']);
      expect(v.stdout).toBe('evil-\\x1b]0;pwned\\x07-\\x1b[31mred\\nsecond-line\n');
      const j = await tsglance(['image-show', id, '-f', 'json']);
      expect((JSON.parse(j.stdout) as { name: string }).name).toBe(evil);
    });
  });

  it('a token lock whose pid now belongs to another process is broken at once, not waited out', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'tsglance-lock-reuse-'));
    const fc = await FileCache.open({ XDG_CACHE_HOME: cache });
    const key = 'a'.repeat(64);
    const other = spawn('sleep', ['30']);
    try {
      // the dead holder's pid, reused by a live process that started at another time
      writeFileSync(join(fc.dir, `${key}.lock`), `${other.pid} ${hostname()} x 1\n`);
      const t0 = Date.now();
      const release = await fc.lock(key, async () => false, { maxWaitMs: 10_000 });
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(release).toBeTypeOf('function');
      await release!();
    } finally {
      other.kill();
    }
  });
});

describe('bounds that hold against a stalled server (item 6)', () => {
  let fake: FakeServer;
  let mode = '';
  beforeAll(async () => {
    fake = await fakeServer((req, res) => {
      const url = req.url ?? '';
      if (req.method === 'POST' && url === '/v2/images') return sendJson(res, 201, { ...FAKE_IMAGE, status: 'queued' });
      if (url.startsWith('/v2/schemas/')) return sendJson(res, 200, { properties: {} });
      if (req.method === 'GET' && url === `/v2/images/${FAKE_IMAGE.id}` && mode === 'watch') {
        mode = 'watch-stalled';
        return sendJson(res, 200, { ...FAKE_IMAGE, status: 'importing', os_glance_importing_to_stores: 'central' });
      }
      if (req.method === 'DELETE' && mode === 'upload') {
        res.writeHead(204);
        return res.end();
      }
      // the rest (the stalled upload's PUT, the watch's later polls, a DELETE in 'cleanup') never answers
      req.pause();
    });
  });
  afterAll(async () => fake.close());
  /** image-create of 32 MiB against the fake, whose PUT never reads */
  const createWithStalledUpload = () =>
    tsglance(['--timeout', '3', 'image-create', '--name', 'x', '--disk-format', 'raw', '--container-format', 'bare', '--file', join(dir, 'big.raw')], {
      as: 'none',
      env: fakeGlanceEnv(fake.url),
      timeoutMs: 90_000,
    });

  it('--watch-timeout 3 holds while the server stalls: exit 124', async () => {
    mode = 'watch';
    const r = await tsglance(['image-watch', FAKE_IMAGE.id, '--watch-timeout', '3', '-f', 'json'], { as: 'none', env: fakeGlanceEnv(fake.url), timeoutMs: 60_000 });
    expect(r.code).toBe(124);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/Stopped watching after 3s/);
  });

  it('a stalled upload ends after --timeout, and the record is deleted', async () => {
    mode = 'upload';
    const r = await createWithStalledUpload();
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([`Upload failed: The upload of image ${FAKE_IMAGE.id} stalled: Glance took no data for 3 s (--timeout 3); image ${FAKE_IMAGE.id} (created by this command) was deleted`]);
    expect(r.ms).toBeLessThan(15_000);
  });

  it('a cleanup DELETE that stalls gives up after its own limit and says what it could not do', async () => {
    mode = 'cleanup';
    const r = await createWithStalledUpload();
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`could not delete image ${FAKE_IMAGE.id} \\(.*the 20 s cleanup limit.*\\); delete it with: tsglance image-delete ${FAKE_IMAGE.id}`));
    expect(r.ms).toBeLessThan(40_000);
  }, 100_000);
});
writeFileSync(join(dir, 'big.raw'), Buffer.alloc(32 * 1024 * 1024, 1));

