/**
 * Issue 12 item 9: a producer that failed in a pipe (`curl -sf missing | tsglance image-create ...`,
 * and image-create-via-import the same)
 * is visible. stdin that gave zero bytes while data was clearly expected gets one line on stderr;
 * with --size or --progress it is an error (exit 1) and nothing is left behind. Checked on the real
 * stack through the API, counting only this file's own images (unique names). glanceclient's
 * behaviour where tsglance keeps it (a record is created, exit 0) is run beside it.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, collect, glance, tsglance, uniqueName, type RunOpts, type RunResult } from './helpers/run.js';
import { issueToken, rest, stackEnv } from './helpers/stack.js';

const GLANCE = stackEnv('admin').GLANCE_STACK_GLANCE_URL;
const FORMATS = ['--disk-format', 'raw', '--container-format', 'bare'];
const EMPTY_PIPE: RunOpts = { input: '' };
const DEV_NULL: RunOpts = { stdin: 'null' };
/** the helper's default: fd 0 closed (`<&-`), as cron may run it; Node reopens it on /dev/null */
const CLOSED: RunOpts = {};
let token = '';
const made: string[] = [];

interface ApiImage {
  id: string;
  status: string;
  size: number | null;
}

/** The images with this exact name, straight from the API (not through tsglance). */
async function imagesNamed(name: string): Promise<ApiImage[]> {
  const res = await rest('GET', `${GLANCE}/v2/images?name=${encodeURIComponent(name)}`, { headers: { 'x-auth-token': token } });
  expect(res.status).toBe(200);
  const images = (JSON.parse(res.text) as { images: ApiImage[] }).images;
  made.push(...images.map((i) => i.id));
  return images;
}

/**
 * `tsglance COMMAND --name NAME ARGS` with that stdin: exit 0, one warning line naming the new id
 * and saying why there was no data, and the record as the API shows it (its id, and `record`).
 */
async function createdWithWarning(command: string, name: string, args: string[], stdin: RunOpts, why: string, record: Partial<ApiImage> & { status: string }): Promise<void> {
  const res = await tsglance([command, '--name', name, ...args, '-f', 'value', '-c', 'id'], stdin);
  expect(res.code, res.stderr).toBe(0);
  const id = res.stdout.trim();
  expect(res.stderr).toBe(`Warning: no image data: ${why}; image ${id} was created without any (status ${record.status}).\n`);
  expect(await imagesNamed(name)).toMatchObject([{ id, ...record }]);
}

beforeAll(async () => {
  token = (await issueToken('admin')).token;
});

afterAll(async () => {
  for (const id of new Set(made)) await rest('DELETE', `${GLANCE}/v2/images/${id}`, { headers: { 'x-auth-token': token } });
});

describe('image-create with stdin that delivered zero bytes', () => {
  it('an empty pipe with --progress or --size: one line, exit 1, no image created', async () => {
    const cases: [string[], string][] = [
      [['--progress'], '--progress'],
      [['--size', '10'], '--size 10'],
      [['--progress', '--file', '-'], '--progress'],
    ];
    for (const [extra, flag] of cases) {
      const name = uniqueName('empty-pipe-upload');
      const res = await tsglance(['image-create', '--name', name, ...FORMATS, ...extra], EMPTY_PIPE);
      expect(res.stderr).toBe(`No image data: stdin was empty (0 bytes), but ${flag} expects an upload; no image was created.\n`);
      expect(res.code, extra.join(' ')).toBe(1);
      expect(res.stdout).toBe('');
      expect(await imagesNamed(name), extra.join(' ')).toEqual([]);
    }
  });

  it('an empty pipe otherwise: the record is created as glanceclient does (exit 0), with one warning line naming it', async () => {
    for (const args of [FORMATS, []]) {
      await createdWithWarning('image-create', uniqueName('empty-pipe'), args, EMPTY_PIPE, 'stdin was empty', { status: 'queued' });

      // without the formats glanceclient refuses any non-terminal stdin ("Must provide --disk-format ...")
      if (!args.length) continue;
      const theirName = uniqueName('empty-pipe-glance');
      const theirs = await glance(['image-create', '--name', theirName, ...args], EMPTY_PIPE);
      expect(theirs.code, theirs.stderr).toBe(0);
      expect(await imagesNamed(theirName)).toHaveLength(1);
    }
  });

  it('--file - on an empty pipe: glanceclient uploads 0 bytes, tsglance too, and says so', async () => {
    await createdWithWarning('image-create', uniqueName('empty-dash'), [...FORMATS, '--file', '-'], EMPTY_PIPE, 'stdin was empty', {
      status: 'active',
      size: 0,
    });
  });

  it('/dev/null or a closed stdin with the formats given: record created (exit 0, as glanceclient), one warning line', async () => {
    for (const stdin of [DEV_NULL, CLOSED]) {
      await createdWithWarning('image-create', uniqueName('devnull'), FORMATS, stdin, 'stdin is a device (such as /dev/null)', { status: 'queued' });

      const theirName = uniqueName('devnull-glance');
      const theirs = await glance(['image-create', '--name', theirName, ...FORMATS], stdin);
      expect(theirs.code, theirs.stderr).toBe(0);
      expect(await imagesNamed(theirName)).toHaveLength(1);
    }
  });

  it('/dev/null or a closed stdin without the formats: no data was expected, so no warning', async () => {
    for (const stdin of [DEV_NULL, CLOSED]) {
      const name = uniqueName('devnull-plain');
      const res = await tsglance(['image-create', '--name', name, '-f', 'value', '-c', 'status'], stdin);
      expect(res).toMatchObject({ code: 0, stdout: 'queued\n', stderr: '' });
      expect(await imagesNamed(name)).toHaveLength(1);
    }
  });

  it('/dev/null or a closed stdin with --progress or --size: nothing was piped, a usage mistake (exit 2), no image', async () => {
    for (const stdin of [DEV_NULL, CLOSED]) {
      for (const [extra, flag] of [
        [['--progress'], '--progress'],
        [['--size', '10'], '--size'],
      ] as const) {
        const name = uniqueName('devnull-upload');
        const res = await tsglance(['image-create', '--name', name, ...FORMATS, ...extra], stdin);
        expect(res.stderr).toBe(`${flag} option should only be provided with --file option or stdin.\n`);
        expect(res.code).toBe(2);
        expect(await imagesNamed(name)).toEqual([]);
      }
    }
  });

  it('image-create-via-import: an empty pipe is the same (a warning; with --progress exit 1 and no image)', async () => {
    await createdWithWarning('image-create-via-import', uniqueName('via-import-empty'), FORMATS, EMPTY_PIPE, 'stdin was empty', { status: 'queued' });

    const failed = uniqueName('via-import-empty-progress');
    const refused = await tsglance(['image-create-via-import', '--name', failed, ...FORMATS, '--progress'], EMPTY_PIPE);
    expect(refused.stderr).toBe('No image data: stdin was empty (0 bytes), but --progress expects an upload; no image was created.\n');
    expect(refused.code).toBe(1);
    expect(await imagesNamed(failed)).toEqual([]);
  });

  it('data on the pipe with --progress: uploaded, no warning', async () => {
    const name = uniqueName('pipe-data');
    const res = await tsglance(['image-create', '--name', name, ...FORMATS, '--progress', '-f', 'value', '-c', 'status', '-c', 'size'], {
      input: 'hello',
    });
    expect(res).toMatchObject({ code: 0, stdout: 'active\n5\n' });
    expect(res.stderr).toMatch(/^Uploaded 5 B/);
    expect(res.stderr).not.toMatch(/Warning|No image data/);
    expect(await imagesNamed(name)).toMatchObject([{ status: 'active', size: 5 }]);
  });
});

/** tsglance with stdin a pipe that stays open and never sends a byte (a CI runner's stdin, a producer that hangs). */
async function withSilentPipe(args: string[]): Promise<RunResult> {
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    return await collect(child, 60_000);
  } finally {
    child.stdin.end();
  }
}

describe('a pipe on stdin that stays open and silent: refused after the wait, before any request', () => {
  it('implicit stdin (no --file): one line, exit 2, no image; the wait is --timeout when shorter than 30 s', async () => {
    const name = uniqueName('silent-pipe');
    const res = await withSilentPipe(['image-create', '--name', name, ...FORMATS, '--timeout', '1']);
    expect(res.stderr).toBe(
      'stdin is a pipe that sent nothing within 1 s and stayed open: give the image data with --file, or close stdin (</dev/null) for an image without data\n',
    );
    expect(res.code).toBe(2);
    expect(res.ms).toBeLessThan(20_000);
    expect(await imagesNamed(name)).toEqual([]);
  });

  it('--file -: the same bound, worded for an explicit stdin', async () => {
    const name = uniqueName('silent-pipe-file');
    const res = await withSilentPipe(['image-create', '--name', name, ...FORMATS, '--file', '-', '--timeout', '1']);
    expect(res.stderr).toBe('--file -: nothing arrived on stdin within 1 s (a pipe that stayed open); start the producer first\n');
    expect(res.code).toBe(2);
    expect(await imagesNamed(name)).toEqual([]);
  });
});
