/**
 * The watch view and loop without a server: import state from image records, the rendered rows,
 * the plain one-line-per-change output, backoff, timeout (124), Ctrl-C (130), partial (3) and
 * failure (1), all driven by a fake clock and a scripted Glance.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { watchImport, POLL_MAX_MS, POLL_MIN_MS } from '../src/commands/import/watch-loop.js';
import type { Deps } from '../src/commands/types.js';
import type { Clock } from '../src/clock.js';
import type { GlanceClient } from '../src/glance/client.js';
import type { Image } from '../src/glance/images.js';
import { importState, type ImageTask } from '../src/glance/import.js';
import { Output } from '../src/output/format.js';
import type { IO } from '../src/output/io.js';
import { formatElapsed, plainLine, renderLines } from '../src/output/watch.js';

const ID = '0b6d1b7e-4a4e-4f57-9a0e-4f3c1c1e2a11';
const TASK = '11111111-2222-3333-4444-555555555555';

function img(p: Partial<Image>): Image {
  return { id: ID, name: 'cirros', status: 'importing', ...p } as Image;
}
function task(status: string, message = ''): ImageTask {
  return { id: TASK, status, message, created_at: '2026-01-01T00:00:00Z' };
}

describe('importState', () => {
  it('walks stores through pending, importing and active in request order', () => {
    const s = importState(img({ os_glance_importing_to_stores: 'dcn0,dcn1', stores: 'central' }), ['dcn0', 'dcn1'], task('processing'));
    expect(s.stores).toEqual([
      { store: 'dcn0', state: 'importing' },
      { store: 'dcn1', state: 'pending' },
    ]);
    expect(s.outcome).toBe('running');
    const done = importState(img({ status: 'active', stores: 'central,dcn0,dcn1', os_glance_importing_to_stores: '' }), ['dcn0', 'dcn1'], task('success'));
    expect(done.stores.map((r) => r.state)).toEqual(['active', 'active']);
    expect(done.outcome).toBe('ok');
  });

  it('is partial when the image is active but a store failed, failed when the task failed', () => {
    const partial = importState(
      img({ status: 'active', stores: 'central', os_glance_failed_import: 'dcn1', os_glance_importing_to_stores: '' }),
      ['central', 'dcn1'],
      task('success'),
    );
    expect(partial.outcome).toBe('partial');
    expect(partial.failedStores).toEqual(['dcn1']);
    const failed = importState(
      img({ status: 'queued', stores: '', os_glance_failed_import: 'dcn1', os_glance_importing_to_stores: '' }),
      ['central', 'dcn1'],
      task('failure', 'Task failed due to Internal Error'),
    );
    expect(failed.outcome).toBe('failed');
    expect(failed.stores).toEqual([
      { store: 'central', state: 'reverted' },
      { store: 'dcn1', state: 'failed' },
    ]);
    expect(failed.reason).toBe('Task failed due to Internal Error');
  });

  it('names the store that failed first, the ones Glance reverted after it as reverted', () => {
    const image = img({ status: 'queued', os_glance_failed_import: 'central,dcn1', os_glance_importing_to_stores: '' });
    const s = importState(image, ['central', 'dcn1'], task('failure', 'boom'), ['dcn1']);
    expect(s.stores).toEqual([
      { store: 'central', state: 'reverted' },
      { store: 'dcn1', state: 'failed' },
    ]);
    expect(s.failedStores).toEqual(['dcn1']);
  });

  it('a store the running flow no longer lists as importing has been written', () => {
    const s = importState(img({ status: 'importing', os_glance_importing_to_stores: 'dcn1' }), ['central', 'dcn1'], task('processing'));
    expect(s.stores.map((r) => r.state)).toEqual(['active', 'importing']);
  });

  it('does not call a copy-image done before the task has moved (image already active)', () => {
    const s = importState(img({ status: 'active', stores: 'central' }), ['dcn0'], task('pending'));
    expect(s.stores).toEqual([{ store: 'dcn0', state: 'pending' }]);
    expect(s.outcome).toBe('running');
  });
});

describe('rendering', () => {
  const state = importState(
    img({ status: 'importing', stores: 'dcn0', os_glance_importing_to_stores: 'dcn1' }),
    ['dcn0', 'dcn1'],
    task('processing', 'Copied 64 MiB'),
  );
  it('shows one row per store, the status, the task message and the elapsed time', () => {
    expect(renderLines(state, 83_000)).toEqual([
      `Importing cirros (${ID}) — status importing — 01:23`,
      '  dcn0   ✔ active',
      '  dcn1   → importing',
      '  task processing: Copied 64 MiB',
    ]);
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
  });
  it('has a plain one-line form', () => {
    expect(plainLine(state, 5_000)).toBe(
      `[00:05] ${ID}: status importing | dcn0: active, dcn1: importing | task processing: Copied 64 MiB`,
    );
  });
});

// ------------------------------------------------------------------ the loop, with fakes

class FakeClock implements Clock {
  t = 1_000_000;
  sleeps: number[] = [];
  onSleep?: (n: number) => void;
  now() {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal) {
    this.sleeps.push(ms);
    this.t += ms;
    this.onSleep?.(this.sleeps.length);
    if (signal?.aborted) throw new Error('aborted');
  }
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** A scripted server: each poll takes the next image (the last one repeats). */
function fakeGlance(images: Image[], tasks: ImageTask[][]): { client: GlanceClient; polls: () => number } {
  let i = 0;
  let j = 0;
  const client = {
    http: { timeout: 600 },
    json: async (_m: string, path: string) => {
      if (path.endsWith('/tasks')) return { tasks: tasks[Math.min(j++, tasks.length - 1)] };
      return images[Math.min(i++, images.length - 1)];
    },
  } as unknown as GlanceClient;
  return { client, polls: () => i };
}

function fakeDeps(clock: Clock, controller = new AbortController()) {
  const out = collect();
  const err = collect();
  const io: IO = {
    stdin: new PassThrough(),
    stdout: out.stream,
    stderr: err.stream,
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    columns: 0,
    color: false,
    interactive: false,
  };
  const deps = {
    io,
    env: {},
    clock,
    globals: {},
    output: new Output(io, { format: 'json', columns: [] }),
    glance: async () => {
      throw new Error('unused');
    },
    signal: controller.signal,
    debug: () => undefined,
    warn: (l: string) => io.stderr.write(`${l}\n`),
  } as unknown as Deps;
  return { deps, stdout: out.text, stderr: err.text, controller };
}

describe('watchImport', () => {
  it('backs off while nothing changes, resets on a change, prints the image, exits 0', async () => {
    const clock = new FakeClock();
    const running = img({ os_glance_importing_to_stores: 'central' });
    const done = img({ status: 'active', stores: 'central', os_glance_importing_to_stores: '' });
    const { client } = fakeGlance([running, running, running, running, done], [[task('processing')], [task('processing')], [task('processing')], [task('processing')], [task('success')]]);
    const { deps, stdout, stderr } = fakeDeps(clock);
    const code = await watchImport(deps, client, { imageId: ID, stores: ['central'], taskId: TASK });
    expect(code).toBe(0);
    expect(clock.sleeps).toEqual([POLL_MIN_MS, 750, 1125, 1688]);
    // one plain line per change, not per poll
    const lines = stderr().trim().split('\n');
    expect(lines).toEqual([
      `[00:00] ${ID}: status importing | central: importing | task processing`,
      `[00:04] ${ID}: status active | central: active | task success`,
    ]);
    expect(JSON.parse(stdout())).toMatchObject({ id: ID, status: 'active', stores: 'central' });
  });

  it('never polls slower than the maximum', async () => {
    const clock = new FakeClock();
    const running = img({ os_glance_importing_to_stores: 'central' });
    const { client } = fakeGlance([running], [[task('processing')]]);
    const { deps } = fakeDeps(clock);
    const code = await watchImport(deps, client, { imageId: ID, stores: ['central'], taskId: TASK, timeoutSeconds: 120 });
    expect(code).toBe(124);
    expect(Math.max(...clock.sleeps)).toBe(POLL_MAX_MS);
  });

  it('--watch-timeout: exit 124, the image is printed and the resume command named', async () => {
    const clock = new FakeClock();
    const running = img({ os_glance_importing_to_stores: 'central' });
    const { client } = fakeGlance([running], [[task('processing', 'Copied 1 MiB')]]);
    const { deps, stdout, stderr } = fakeDeps(clock);
    const code = await watchImport(deps, client, { imageId: ID, stores: ['central'], taskId: TASK, timeoutSeconds: 2 });
    expect(code).toBe(124);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(stderr()).toContain(`Stopped watching after 2s; the import of ${ID} goes on (resume with: tsglance image-watch ${ID})`);
    expect(JSON.parse(stdout()).status).toBe('importing');
  });

  it('Ctrl-C stops watching (130) and prints no image', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    clock.onSleep = (n) => n === 2 && controller.abort();
    const running = img({ os_glance_importing_to_stores: 'central' });
    const { client } = fakeGlance([running], [[task('processing')]]);
    const { deps, stdout, stderr } = fakeDeps(clock, controller);
    const code = await watchImport(deps, client, { imageId: ID, stores: ['central'], taskId: TASK });
    expect(code).toBe(130);
    expect(stdout()).toBe('');
    expect(stderr()).toContain(`Stopped watching; the import of ${ID} goes on (resume with: tsglance image-watch ${ID})`);
  });

  it('exit 3 naming the failed store when the image is active but a store failed', async () => {
    const clock = new FakeClock();
    const partial = img({ status: 'active', stores: 'central', os_glance_failed_import: 'dcn1', os_glance_importing_to_stores: '' });
    const { client } = fakeGlance([partial], [[task('success')]]);
    const { deps, stderr } = fakeDeps(clock);
    const code = await watchImport(deps, client, { imageId: ID, stores: ['central', 'dcn1'], taskId: TASK });
    expect(code).toBe(3);
    expect(stderr()).toContain(`Image ${ID} is active, but the import failed in: dcn1`);
  });

  it('exit 1 with the task message when the import failed', async () => {
    const clock = new FakeClock();
    const failed = img({ status: 'queued', os_glance_failed_import: 'central', os_glance_importing_to_stores: '' });
    const { client } = fakeGlance([failed], [[task('failure', 'HTTP 404 Not Found')]]);
    const { deps, stderr } = fakeDeps(clock);
    const code = await watchImport(deps, client, { imageId: ID, stores: ['central'], taskId: TASK });
    expect(code).toBe(1);
    expect(stderr()).toContain(`Import of image ${ID} failed in store central: HTTP 404 Not Found (image status queued).`);
  });

  it('image-watch without stores follows the task input and the image stores', async () => {
    const clock = new FakeClock();
    const t = { ...task('success'), input: { backend: ['dcn0', 'dcn1'] } };
    const done = img({ status: 'active', stores: 'central,dcn0,dcn1', os_glance_importing_to_stores: '' });
    const { client } = fakeGlance([done], [[t]]);
    const { deps, stderr } = fakeDeps(clock);
    expect(await watchImport(deps, client, { imageId: ID, stores: [] })).toBe(0);
    expect(stderr()).toContain('central: active, dcn0: active, dcn1: active');
  });
});
