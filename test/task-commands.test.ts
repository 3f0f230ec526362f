/**
 * task-create/-show/-list against the real stack: the older guide's
 * `task-create --type import --input '{...}'` runs the legacy import flow on this Zed server and
 * creates an image; outputs byte for byte with glance; demo's policy refusal.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteImages } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

const env = stackEnv();
const file = `${uniqueName('task')}.raw`;
writeFileSync(join(env.GLANCE_STACK_WEB_ROOT, file), Buffer.alloc(65536, 7));
const imageName = uniqueName('task-img');
const created: string[] = [];
let taskId: string;

afterAll(async () => {
  await deleteImages(created);
});

async function waitFinal(id: string): Promise<Record<string, unknown>> {
  const end = Date.now() + 240_000;
  while (Date.now() < end) {
    const res = await tsglance(['task-show', id, '-f', 'json']);
    const task = JSON.parse(res.stdout) as Record<string, unknown>;
    if (task.status === 'success' || task.status === 'failure') return task;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`task ${id} did not finish within 240 s`);
}

describe('tasks', () => {
  it('task-create --type import runs the legacy import flow and makes an active image', async () => {
    const input = {
      import_from: `${env.GLANCE_STACK_WEB_URL}/${file}`,
      import_from_format: 'raw',
      image_properties: { name: imageName, disk_format: 'raw', container_format: 'bare' },
    };
    const res = await tsglance(['task-create', '--type', 'import', '--input', JSON.stringify(input)]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    taskId = /\| id\s+\| ([0-9a-f-]{36})/.exec(res.stdout)![1];
    expect(res.stdout).toMatch(/\| status\s+\| pending\s+\|/);
    expect(res.stdout).toMatch(/\| type\s+\| import\s+\|/);
    expect(res.stdout).not.toMatch(/\| (self|schema)\s/);
    const task = await waitFinal(taskId);
    const result = task.result as { image_id?: string } | null;
    if (result?.image_id) created.push(result.image_id);
    expect(task.status).toBe('success');
    const image = await glance(['image-show', result!.image_id!]);
    expect(image.stdout).toMatch(/\| status\s+\| active\s+\|/);
    expect(image.stdout).toContain(imageName);
  });

  it('task-show byte for byte with glance', async () => {
    const [ours, theirs] = await Promise.all([tsglance(['task-show', taskId]), glance(['task-show', taskId])]);
    expect(theirs.code).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
  });

  it('task-list with filters and sorting byte for byte with glance', async () => {
    for (const args of [
      ['task-list', '--type', 'import', '--status', 'success'],
      ['task-list', '--type', 'import', '--sort-key', 'id', '--sort-dir', 'asc', '--page-size', '1'],
    ]) {
      const [ours, theirs] = await Promise.all([tsglance(args), glance(args)]);
      expect(theirs.code).toBe(0);
      expect(ours.code).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.stdout).toContain(taskId);
    }
    const ids = await tsglance(['task-list', '--type', 'import', '-f', 'value', '-c', 'id']);
    expect(ids.stdout.split('\n')).toContain(taskId);
  });

  it("demo is refused by policy (tasks_api_access), with glance's line", async () => {
    for (const args of [['task-list'], ['task-create', '--type', 'import', '--input', '{}']]) {
      const [ours, theirs] = await Promise.all([tsglance(args, { as: 'demo' }), glance(args, { as: 'demo' })]);
      expect(theirs.code).toBe(1);
      expect(ours.code).toBe(1);
      expect(theirs.stderr).toBe('HTTP 403 Forbidden: You are not authorized to complete tasks_api_access action.\n');
      expect(ours.stderr).toMatch(
        /^HTTP 403 Forbidden: You are not authorized to complete tasks_api_access action\. \(request-id req-[0-9a-f-]+\)\n$/,
      );
    }
  });

  it('bad --input, missing --type and bad --sort-key exit 2 before any request', async () => {
    const cases: [string[], RegExp][] = [
      [['task-create', '--type', 'import', '--input', '{oops'], /^--input is not valid JSON/],
      [['task-create', '--type', 'import', '--input', '[1]'], /^--input must be a JSON object/],
      [['task-create', '--input', '{}'], /--type/],
      [['task-list', '--sort-key', 'owner'], /owner/],
    ];
    for (const [args, message] of cases) {
      const res = await tsglance(args, { as: 'none' });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(message);
    }
  });
});
