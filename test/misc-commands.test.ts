/** usage and explain against the real stack, byte for byte with glance. */
import { describe, expect, it } from 'vitest';
import { glance, tsglance, expectSameAsGlance } from './helpers/run.js';

const same = (args: string[]) => expectSameAsGlance(args);

describe('usage', () => {
  it('same table as glance (empty: this stack has no Keystone unified limits)', async () => {
    const res = await same(['usage']);
    expect(res.stdout.split('\n')[1]).toBe('| Quota | Limit | Usage |');
  });

  it('-f json gives the rows', async () => {
    const res = await tsglance(['usage', '-f', 'json']);
    expect(res.code).toBe(0);
    expect(Array.isArray(JSON.parse(res.stdout))).toBe(true);
  });
});

describe('explain', () => {
  it.each(['image', 'member', 'task', 'metadefs/namespace', 'metadefs/object', 'metadefs/tag'])('%s', async (model) => {
    const res = await same(['explain', model]);
    expect(res.stdout.split('\n')[1]).toMatch(/^\| Attribute +\| Description +\|$/);
  });

  it('-f value -c Attribute lists the attribute names', async () => {
    const res = await tsglance(['explain', 'member', '-f', 'value', '-c', 'Attribute']);
    expect(res.stdout.split('\n')).toEqual(expect.arrayContaining(['member_id', 'image_id', 'status']));
  });

  it("an unknown model fails with glance's message", async () => {
    const [ours, theirs] = await Promise.all([tsglance(['explain', 'nope']), glance(['explain', 'nope'])]);
    expect(theirs.code).toBe(1);
    expect(ours.code).toBe(1);
    expect(ours.stderr).toBe(theirs.stderr);
    expect(ours.stderr).toBe("Unable to find requested model 'nope'\n");
  });
});
