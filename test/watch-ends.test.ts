/**
 * A watch always ends by itself, on the real stack: an image with no import at all (nothing to wait
 * for: exit 1 and one line), and a web-download whose source never answers (the stack's web server
 * blocks opening a FIFO until someone writes to it), so that Glance's task stays `processing` with
 * the same message: --stall-timeout ends the watch with 124, naming the task, the import left alone.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteImages } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

const env = stackEnv('admin');
const created: string[] = [];
const fifos: string[] = [];

/** Let the web server's blocked open() of a FIFO return (EOF), so that its thread ends. */
function release(fifo: string): void {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // no reader (ENXIO): nothing is blocked on it
  }
  rmSync(fifo, { force: true });
}

afterAll(async () => {
  for (const f of fifos) release(f);
  await deleteImages(created);
});

describe('a watch always ends', () => {
  it('image-watch on a queued image with no import: one line, exit 1, the image printed', async () => {
    const made = await glance(['image-create', '--name', uniqueName('watch-queued'), '--disk-format', 'raw', '--container-format', 'bare']);
    const id = /\| id\s+\| ([0-9a-f-]{36})/.exec(made.stdout)![1];
    created.push(id);
    const res = await tsglance(['image-watch', id, '-f', 'json'], { timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toContain(
      `Nothing to watch: image ${id} (status queued) has no import task pending or processing and no store importing.`,
    );
    expect(JSON.parse(res.stdout).id).toBe(id);
  });

  it('a web-download whose source never answers: --stall-timeout ends the watch with 124, the task named', async () => {
    const fifo = join(env.GLANCE_STACK_WEB_ROOT, `${uniqueName('never')}.raw`);
    execFileSync('mkfifo', [fifo]);
    fifos.push(fifo);
    const uri = `${env.GLANCE_STACK_WEB_URL}/${fifo.split('/').pop()}`;
    const res = await tsglance(
      ['image-create-via-import', '--name', uniqueName('watch-stall'), '--disk-format', 'raw', '--container-format', 'bare', '--import-method', 'web-download', '--uri', uri, '--wait', '--stall-timeout', '4', '-f', 'json'],
      { timeoutMs: 90_000 },
    );
    const img = JSON.parse(res.stdout);
    created.push(img.id);
    expect(res.code, res.stderr).toBe(124);
    const task = /task ([0-9a-f-]{36}) is still processing, last message: \(none\)/.exec(res.stderr);
    expect(task, res.stderr).not.toBeNull();
    expect(res.stderr).toContain(`(--stall-timeout 4)`);
    expect(res.stderr).toContain(`the import of ${img.id} is left alone (resume with: tsglance image-watch ${img.id})`);
    // left alone: Glance still has it processing
    const tasks = await tsglance(['image-tasks', img.id, '-f', 'json']);
    expect(JSON.stringify(JSON.parse(tasks.stdout))).toContain('"processing"');
  });
});
