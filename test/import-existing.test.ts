/**
 * image-import of existing images against the real stack: copy-image to the edge stores
 * (--stores and --all-stores), web-download into a queued record, the status each method needs,
 * and a store made to fail (its directory replaced by a file, restored after): exit 3 with an active
 * image under --allow-failure true, exit 1 naming the store under --allow-failure false.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, deleteImages, glanceImage } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { stackEnv, stackState } from './helpers/stack.js';

const created: string[] = [];
const env = stackEnv('admin');
const WEB_URL = env.GLANCE_STACK_WEB_URL;
let rawName: string;

const storeSet = (s: unknown) => String(s ?? '').split(',').filter(Boolean).sort();

async function activeImage(prefix: string): Promise<string> {
  const id = await glanceImage(['--name', uniqueName(prefix), '--file', dataFile(512 * 1024)]);
  created.push(id);
  return id;
}
async function queuedImage(prefix: string): Promise<string> {
  const res = await glance(['image-create', '--name', uniqueName(prefix), '--disk-format', 'raw', '--container-format', 'bare']);
  const id = /\| id\s+\| ([0-9a-f-]{36})/.exec(res.stdout)![1];
  created.push(id);
  return id;
}

/** Make a file store fail for the duration of `fn`: its directory becomes a plain file (root ignores modes). */
async function withBrokenStore<T>(store: string, fn: () => Promise<T>): Promise<T> {
  const dir = join(stackState(), 'glance', 'stores', store);
  const away = `${dir}.away-${process.pid}`;
  renameSync(dir, away);
  writeFileSync(dir, 'not a directory');
  try {
    return await fn();
  } finally {
    rmSync(dir, { force: true });
    try {
      renameSync(away, dir);
    } catch {
      mkdirSync(dir, { recursive: true });
    }
  }
}

beforeAll(() => {
  rawName = `${uniqueName('impx')}.raw`;
  writeFileSync(join(env.GLANCE_STACK_WEB_ROOT, rawName), randomBytes(1024 * 1024 + 5));
});

afterAll(async () => {
  await deleteImages(created);
});

describe('copy-image', () => {
  it('--stores dcn0,dcn1 copies an active image to the edge stores', async () => {
    const id = await activeImage('cp-stores');
    const res = await tsglance(['image-import', '--import-method', 'copy-image', '--stores', 'dcn0,dcn1', '--wait', '-f', 'json', id]);
    expect(res.code).toBe(0);
    expect(storeSet(JSON.parse(res.stdout).stores)).toEqual(['central', 'dcn0', 'dcn1']);
    expect(res.stderr).toMatch(/dcn0: active, dcn1: active \| task success/);
  });

  it('--all-stores true copies to the stores it is not in yet (and takes a name)', async () => {
    const id = await activeImage('cp-all');
    const name = JSON.parse((await tsglance(['image-show', '-f', 'json', id])).stdout).name;
    const res = await tsglance(['image-import', '--import-method', 'copy-image', '--all-stores', 'true', '--wait', '-f', 'json', name]);
    expect(res.code).toBe(0);
    expect(storeSet(JSON.parse(res.stdout).stores)).toEqual(['central', 'dcn0', 'dcn1']);
    // only the stores being copied to are followed
    expect(res.stderr).toContain('dcn0: active, dcn1: active');
    expect(res.stderr).not.toContain('central:');
  });

  it('a store the image is already in is named, nothing is started', async () => {
    const id = await activeImage('cp-dup');
    const res = await tsglance(['image-import', '--import-method', 'copy-image', '--stores', 'central', id]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`Image ${id} is already in store central.`);
  });

  it('on a queued image: the status copy-image needs', async () => {
    const id = await queuedImage('cp-queued');
    const res = await tsglance(['image-import', '--import-method', 'copy-image', '--stores', 'dcn0', id]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("The 'copy-image' import method can only be used on an image with status 'active' (it is 'queued').");
  });
});

describe('web-download / glance-direct on existing records', () => {
  it('web-download into a queued record, --no-wait returns at once like glanceclient', async () => {
    const id = await queuedImage('wd-existing');
    const res = await tsglance(['image-import', '--import-method', 'web-download', '--uri', `${WEB_URL}/${rawName}`, '--no-wait', id]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/\| os_glance_import_task\s+\| [0-9a-f-]{36}/);
    expect(res.stderr).toBe('');
    const watch = await tsglance(['image-watch', '-f', 'json', id]);
    expect(watch.code).toBe(0);
    expect(JSON.parse(watch.stdout).status).toBe('active');
  });

  it('glance-direct needs a staged (uploading) image', async () => {
    const id = await queuedImage('gd-unstaged');
    const res = await tsglance(['image-import', id]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("The 'glance-direct' import method can only be applied to an image in status 'uploading'");
  });
});

describe('a store that fails', () => {
  it('--allow-failure true (default): exit 3, image active, the failed store named', async () => {
    const id = await activeImage('fail-partial');
    const res = await withBrokenStore('dcn1', () =>
      tsglance(['image-import', '--import-method', 'copy-image', '--stores', 'dcn0,dcn1', '--wait', '-f', 'json', id]),
    );
    expect(res.code).toBe(3);
    const img = JSON.parse(res.stdout);
    expect(img.status).toBe('active');
    expect(storeSet(img.stores)).toEqual(['central', 'dcn0']);
    expect(img.os_glance_failed_import).toBe('dcn1');
    expect(res.stderr).toContain(`Image ${id} is active, but the import failed in: dcn1`);
  });

  it('--allow-failure false: exit 1, the store named, the import reverted', async () => {
    const res = await withBrokenStore('dcn1', () =>
      tsglance(['image-create-via-import', '--name', uniqueName('fail-all'), '--disk-format', 'raw', '--container-format', 'bare', '--import-method', 'web-download', '--uri', `${WEB_URL}/${rawName}`, '--stores', 'central,dcn1', '--allow-failure', 'false', '--wait', '-f', 'json']),
    );
    const img = JSON.parse(res.stdout);
    created.push(img.id);
    expect(res.code).toBe(1);
    expect(img.status).toBe('queued');
    // web-download's revert marks every store failed; when the watch saw dcn1 fail first it names
    // only dcn1 (central: reverted), otherwise both, as Glance reports them
    expect(storeSet(img.os_glance_failed_import)).toContain('dcn1');
    const line = new RegExp(`Import of image ${img.id} failed in store (central, )?dcn1: .+ \\(image status queued\\)\\.`);
    expect(res.stderr).toMatch(line);
    if (!/failed in store central, dcn1/.test(res.stderr)) expect(res.stderr).toMatch(/central: reverted, dcn1: failed/);
  });
});
