/**
 * The import commands at their edges, against the real stack: rules checked before any request
 * that changes anything (counted in the --debug request log), one exit code per kind of mistake,
 * and stores named twice sent once.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteImages, glanceImage, dataFile } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

const env = stackEnv('admin');
const WEB_URL = env.GLANCE_STACK_WEB_URL;
const created: string[] = [];
let rawName: string;

/** Requests in a --debug log that change something on the server. */
const changing = (stderr: string) => stderr.split('\n').filter((l) => /^DEBUG REQ (POST|PUT|PATCH|DELETE) /.test(l));
const namedImages = async (name: string) =>
  JSON.parse((await tsglance(['image-list', '--property-filter', `name=${name}`, '-f', 'json'])).stdout) as unknown[];

beforeAll(() => {
  rawName = `${uniqueName('edges')}.raw`;
  writeFileSync(join(env.GLANCE_STACK_WEB_ROOT, rawName), randomBytes(64 * 1024));
});
afterAll(async () => {
  await deleteImages(created);
});

describe('rules before requests: both formats for every import method', () => {
  it.each([
    [['--container-format', 'bare', '--import-method', 'web-download', '--uri', 'URI'], 'Must provide --disk-format when using --uri.'],
    [['--disk-format', 'raw', '--import-method', 'web-download', '--uri', 'URI'], 'Must provide --container-format when using --uri.'],
    [['--import-method', 'web-download', '--uri', 'URI'], 'Must provide --container-format, --disk-format when using --uri.'],
  ])('web-download %j: glanceclient\'s line, exit 2, no request that changes anything', async (args, message) => {
    const name = uniqueName('nofmt');
    const argv = ['image-create-via-import', '--name', name, ...args.map((a) => (a === 'URI' ? `${WEB_URL}/${rawName}` : a))];
    const res = await tsglance([...argv, '--debug']);
    expect(res.stderr).toContain(message);
    expect(res.code).toBe(2);
    expect(changing(res.stderr)).toEqual([]);
    expect(res.stdout).toBe('');
    expect(await namedImages(name)).toEqual([]);
    // glanceclient refuses with the same words (it names two missing options in Python set order,
    // which changes from run to run, so only one missing option is compared)
    if (!message.includes(',')) expect((await glance(argv)).stderr).toContain(message);
  });

  it('glance-download without formats: refused before the image is created', async () => {
    const name = uniqueName('nofmt-gdl');
    const res = await tsglance(['image-create-via-import', '--name', name, '--import-method', 'glance-download', '--remote-region', 'RegionOne', '--remote-image-id', '47da8d6c-9ca6-43e9-9f4f-451858afb370', '--debug']);
    expect(res.stderr).toContain('Must provide --container-format, --disk-format when using --import-method glance-download.');
    expect(res.code).toBe(2);
    expect(changing(res.stderr)).toEqual([]);
    expect(await namedImages(name)).toEqual([]);
  });
});

describe('one exit code per kind of mistake', () => {
  let active = '';
  beforeAll(async () => {
    active = await glanceImage(['--name', uniqueName('edges-active'), '--file', dataFile(1024)]);
    created.push(active);
  });

  it.each([
    ['image-import', (id: string) => ['image-import', '--import-method', 'copy-image', '--stores', 'dcn0,nope', id]],
    ['image-create-via-import', () => ['image-create-via-import', '--name', uniqueName('badstore'), '--disk-format', 'raw', '--container-format', 'bare', '--import-method', 'web-download', '--uri', `${WEB_URL}/${rawName}`, '--stores', 'dcn0,nope']],
    ['image-create', () => ['image-create', '--name', uniqueName('badstore'), '--disk-format', 'raw', '--container-format', 'bare', '--store', 'nope', '--file', dataFile(10)]],
    ['image-upload', (id: string) => ['image-upload', '--store', 'nope', '--file', dataFile(10), id]],
    ['stores-delete', (id: string) => ['stores-delete', '--store', 'nope', id]],
  ])('an unknown store on %s: exit 2, nothing changed', async (_cmd, argv) => {
    const res = await tsglance([...argv(active), '--debug']);
    expect(res.stderr).toMatch(/Store 'nope' is not valid for this cloud/);
    expect(res.code).toBe(2);
    expect(changing(res.stderr)).toEqual([]);
  });

  it('an unknown import method: exit 2 on image-import and image-create-via-import', async () => {
    const a = await tsglance(['image-import', '--import-method', 'magic', active]);
    expect(a.stderr).toContain("Import method 'magic' is not valid for this cloud.");
    expect(a.code).toBe(2);
    const b = await tsglance(['image-create-via-import', '--name', uniqueName('badmethod'), '--disk-format', 'raw', '--container-format', 'bare', '--import-method', 'magic']);
    expect(b.stderr).toContain("Import method 'magic' is not valid for this cloud.");
    expect(b.code).toBe(2);
  });

  it('--stores dcn0,dcn0 is sent once', async () => {
    const res = await tsglance(['image-create-via-import', '--name', uniqueName('dupstore'), '--disk-format', 'raw', '--container-format', 'bare', '--import-method', 'web-download', '--uri', `${WEB_URL}/${rawName}`, '--stores', 'dcn0, dcn0,,dcn0', '--wait', '-f', 'json', '--debug']);
    const img = JSON.parse(res.stdout.slice(res.stdout.indexOf('{')));
    created.push(img.id);
    const post = changing(res.stderr).find((l) => l.includes('/import '));
    expect(post).toContain('"stores":["dcn0"]');
    expect(res.code, res.stderr).toBe(0);
    expect(img.stores).toBe('dcn0');
  });
});

describe('pre-checks speak only when they are sure (a non-owner gets the server\'s reason)', () => {
  let publicOne = '';
  let publicQueued = '';
  beforeAll(async () => {
    publicOne = await glanceImage(['--name', uniqueName('edges-public'), '--visibility', 'public', '--file', dataFile(1024)]);
    created.push(publicOne);
    const q = await tsglance(['image-create', '--name', uniqueName('edges-public-queued'), '--visibility', 'public', '-f', 'json']);
    publicQueued = JSON.parse(q.stdout).id;
    created.push(publicQueued);
  });

  it('stores-delete on someone else\'s single-store image: Glance\'s 403, no advice to image-delete', async () => {
    const res = await tsglance(['stores-delete', '--store', 'central', publicOne], { as: 'demo' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`^Unable to delete image '${publicOne}' from store 'central'\\. \\(HTTP 403`));
    expect(res.stderr).not.toContain('image-delete');
    expect(res.stderr).not.toContain('last copy');
  });

  it('stores-delete by the owner on its only copy: said before any DELETE', async () => {
    const res = await tsglance(['stores-delete', '--store', 'central', publicOne, '--debug']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`Store 'central' holds the only copy of image ${publicOne}`);
    expect(changing(res.stderr)).toEqual([]);
  });

  it('image-import copy-image on someone else\'s image: the server\'s answer, not "already in store"', async () => {
    const res = await tsglance(['image-import', '--import-method', 'copy-image', '--stores', 'central', publicOne], { as: 'demo' });
    expect(res.code).toBe(1);
    expect(res.stderr).not.toContain('is already in store');
    expect(res.stderr).toMatch(/HTTP 403/);
  });

  it('glance-cache-manage queue-image of a queued image by a non-admin: the node\'s 403, not "not active"', async () => {
    const res = await tsglance(['glance-cache-manage', 'queue-image', publicQueued, '-f', '--url', env.GLANCE_STACK_GLANCE_URL], { as: 'demo' });
    expect(res.code).toBe(1);
    expect(res.stderr).not.toContain('not active');
    expect(res.stderr).toMatch(/403|not permitted|Forbidden/i);
  });
});
