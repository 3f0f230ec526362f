/**
 * SIGTERM (kill, timeout, systemd, CI) and SIGHUP (a closed terminal) are handled like Ctrl-C:
 * the record a command created is cleaned up, one line is printed, and the exit status is 128+n
 * (143, 129). A second signal exits at once, even while the cleanup is stuck.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGlanceEnv, fakeServer, FAKE_IMAGE, sendJson, type FakeServer } from './helpers/fake-server.js';
import { BIN, cleanEnv, tsglance, uniqueName, type RunOpts } from './helpers/run.js';

/** Start tsglance, feed stdin some data and keep it open; resolve with the child once `ready` says so. */
function startChild(args: string[], opts: RunOpts = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(opts), stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined);
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, closed, stderr: () => stderr };
}

/** Until `done` holds (bounded by time: a loaded machine starts node slowly), then asserts it. */
async function until(what: string, done: () => boolean): Promise<void> {
  const end = Date.now() + 60_000;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  expect(done(), what).toBe(true);
}

async function waitForImage(name: string): Promise<string> {
  const end = Date.now() + 120_000;
  while (Date.now() < end) {
    const l = await tsglance(['image-list', '--property-filter', `name=${name}`, '-f', 'value', '-c', 'id']);
    if (l.stdout.trim()) return l.stdout.trim();
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`image ${name} never appeared`);
}

describe('a signal mid-upload cleans up like Ctrl-C', () => {
  for (const [signal, status] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal}: the created record is deleted, one line, exit ${status}`, async () => {
      const name = uniqueName(`sig-${signal.toLowerCase()}`);
      const run = startChild(['image-create', '--name', name, '--disk-format', 'raw', '--container-format', 'bare']);
      run.child.stdin.write(Buffer.alloc(256 * 1024, 7)); // data, then silence: the upload is in flight
      const id = await waitForImage(name);
      await new Promise((r) => setTimeout(r, 300));
      run.child.kill(signal);
      expect(await run.closed).toBe(status);
      expect(run.stderr().trim().split('\n')).toEqual([`Upload interrupted; image ${id} (created by this command) was deleted (${signal})`]);
      const after = await tsglance(['image-show', id]);
      expect(after.code).toBe(1);
    });
  }
});

describe('signals against a stalled server', () => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await fakeServer((req, res) => {
      if (req.method === 'POST' && req.url === '/v2/images') return sendJson(res, 201, { ...FAKE_IMAGE, status: 'queued' });
      if (req.url?.startsWith('/v2/schemas/')) return sendJson(res, 200, { properties: {} });
      // everything else (the upload, the cleanup DELETE, a listing) never answers
      req.resume();
    });
  });
  afterAll(async () => fake.close());

  it('SIGTERM while waiting for a reply: "Interrupted by SIGTERM.", exit 143', async () => {
    const run = startChild(['image-list'], { as: 'none', env: fakeGlanceEnv(fake.url) });
    await until('the listing request reached the server', () => fake.requests.some((r) => r.url.startsWith('/v2/images?')));
    run.child.kill('SIGTERM');
    expect(await run.closed).toBe(143);
    expect(run.stderr()).toBe('Interrupted by SIGTERM.\n');
  });

  it('a second signal exits at once while the cleanup DELETE hangs', async () => {
    fake.requests.length = 0;
    const run = startChild(['image-create', '--name', 'x', '--disk-format', 'raw', '--container-format', 'bare'], {
      as: 'none',
      env: fakeGlanceEnv(fake.url),
    });
    run.child.stdin.write(Buffer.alloc(64 * 1024, 7));
    await until('the upload reached the server', () => fake.requests.some((r) => r.method === 'PUT'));
    run.child.kill('SIGTERM');
    await until('the cleanup DELETE reached the server', () => fake.requests.some((r) => r.method === 'DELETE'));
    const t0 = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.closed).toBe(143);
    // at once, not at the end of the 20 s cleanup budget (the DELETE never gets an answer)
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
