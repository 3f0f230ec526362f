/**
 * stores-delete against the real stack: success (silent, like glance; the store leaves `stores`),
 * and the three refusals with their own messages: unknown store (exit 2), image not in that store, only copy
 * (the caller owns the image, so these pre-checks are the server's reasons; see import-edges.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, deleteImages, glanceImage } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';

const created: string[] = [];
let id: string;

const stores = async (image: string) =>
  String(JSON.parse((await tsglance(['image-show', '-f', 'json', image])).stdout).stores).split(',').sort();

beforeAll(async () => {
  id = await glanceImage(['--name', uniqueName('sd'), '--file', dataFile(256 * 1024)]);
  created.push(id);
  const copy = await tsglance(['image-import', '--import-method', 'copy-image', '--stores', 'dcn0,dcn1', '--wait', id]);
  if (copy.code !== 0) throw new Error(`copy-image failed: ${copy.stderr}`);
});

afterAll(async () => {
  await deleteImages(created);
});

describe('stores-delete', () => {
  it('removes one store, prints nothing (as glance does)', async () => {
    const res = await tsglance(['stores-delete', '--store', 'dcn1', id]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe('');
    expect(await stores(id)).toEqual(['central', 'dcn0']);
    // glance's output for the same call is empty too
    const theirs = await glance(['stores-delete', '--store', 'dcn0', id]);
    expect(theirs.code).toBe(0);
    expect(theirs.stdout).toBe(res.stdout);
    expect(await stores(id)).toEqual(['central']);
  });

  it('an unknown store is refused before the DELETE, listing the valid ones', async () => {
    const res = await tsglance(['stores-delete', '--store', 'nope', id]);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe("Store 'nope' is not valid for this cloud. Valid values are: central, dcn0, dcn1 (see stores-info).\n");
  });

  it('a store the image is not in', async () => {
    const res = await tsglance(['stores-delete', '--store', 'dcn1', id]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`Image ${id} is not in store 'dcn1'; it is in: central.\n`);
  });

  it('the last copy', async () => {
    const res = await tsglance(['stores-delete', '--store', 'central', id]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`Store 'central' holds the only copy of image ${id}`);
    expect(await stores(id)).toEqual(['central']);
  });

  it('an unknown image', async () => {
    const res = await tsglance(['stores-delete', '--store', 'dcn0', uniqueName('no-such-image')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^No image with a name or ID of '.*' exists\.\n$/);
  });
});
