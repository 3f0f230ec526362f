/**
 * member-* against the real stack, byte for byte with glance for the same call; demo's refusal
 * line; name-or-ID resolution; -f json|yaml|value; usage errors found before any request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteImages, glanceImage } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { issueToken } from './helpers/stack.js';

const name = uniqueName('mem');
let image: string;
let demoProject: string;

beforeAll(async () => {
  image = await glanceImage(['--name', name]);
  demoProject = (await issueToken('demo')).projectId;
});

afterAll(async () => {
  await deleteImages([image]);
});

describe('member commands', () => {
  it('member-create prints the one-row member table glance prints for the list', async () => {
    const created = await tsglance(['member-create', image, demoProject]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const listed = await glance(['member-list', '--image-id', image]);
    expect(created.stdout).toBe(listed.stdout);
    expect(created.stdout).toContain(`| ${image} | ${demoProject} | pending |`);
  });

  it('member-list and member-get byte for byte, by ID and by name', async () => {
    for (const args of [
      ['member-list', '--image-id', image],
      ['member-get', image, demoProject],
    ]) {
      const [ours, theirs] = await Promise.all([tsglance(args), glance(args)]);
      expect(theirs.code).toBe(0);
      expect(ours.code).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
    }
    const byName = await tsglance(['member-list', '--image-id', name]);
    expect(byName.stdout).toBe((await glance(['member-list', '--image-id', image])).stdout);
    const getByName = await tsglance(['member-get', name, demoProject]);
    expect(getByName.stdout).toBe((await glance(['member-get', image, demoProject])).stdout);
  });

  it('member-update prints the same table as glance for the same status (admin and demo)', async () => {
    const theirs = await glance(['member-update', image, demoProject, 'rejected']);
    const ours = await tsglance(['member-update', image, demoProject, 'rejected']);
    expect(theirs.code).toBe(0);
    expect(ours.code).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).toContain('| rejected |');
    // the consumer (demo) accepts the share
    const accepted = await tsglance(['member-update', image, demoProject, 'accepted'], { as: 'demo' });
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('| accepted |');
    expect((await glance(['member-get', image, demoProject])).stdout).toContain('| status     | accepted');
  });

  it('-f json, yaml and value', async () => {
    const json = JSON.parse((await tsglance(['member-list', '--image-id', image, '-f', 'json'])).stdout);
    expect(json).toEqual([expect.objectContaining({ image_id: image, member_id: demoProject, status: 'accepted' })]);
    const yaml = (await tsglance(['member-get', image, demoProject, '-f', 'yaml'])).stdout;
    expect(yaml).toContain(`member_id: ${demoProject}`);
    const value = await tsglance(['member-list', '--image-id', image, '-f', 'value', '-c', 'member_id']);
    expect(value.stdout).toBe(`${demoProject}\n`);
  });

  it("demo's refusal to share admin's image is glance's line plus the request id", async () => {
    const [ours, theirs] = await Promise.all([
      tsglance(['member-create', image, demoProject], { as: 'demo' }),
      glance(['member-create', image, demoProject], { as: 'demo' }),
    ]);
    expect(theirs.code).toBe(1);
    expect(ours.code).toBe(1);
    expect(ours.stdout).toBe('');
    const line = theirs.stderr.trim();
    expect(line).toMatch(/^HTTP 403 Forbidden: /);
    expect(ours.stderr).toMatch(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(request-id req-[0-9a-f-]+\\)\\n$`));
  });

  it('usage errors exit 2 before any request (no credentials needed to find them)', async () => {
    const bad = await tsglance(['member-update', image, demoProject, 'bogus'], { as: 'none' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid choice: 'bogus'");
    const missing = await tsglance(['member-list'], { as: 'none' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--image-id');
  });

  it('member-delete removes the member', async () => {
    const res = await tsglance(['member-delete', name, demoProject]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('');
    const after = await glance(['member-list', '--image-id', image]);
    expect(after.stdout).not.toContain(demoProject);
    const again = await tsglance(['member-delete', image, demoProject]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^HTTP 404 Not Found/);
  });
});
