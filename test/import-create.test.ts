/**
 * image-create-via-import against the real stack: glance-direct from a file and from stdin,
 * web-download to several stores / all stores / one store, qcow2 → raw by the conversion plugin,
 * glance-download from the same Glance (RegionOne), a failing import, --watch-timeout then
 * image-watch, the plain per-change lines, and the --no-wait table against glance's.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, deleteImages } from './helpers/fixtures.js';
import { BIN, cleanEnv, glance, tsglance, uniqueName } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';

const created: string[] = [];
const env = stackEnv('admin');
const WEB_ROOT = env.GLANCE_STACK_WEB_ROOT;
const WEB_URL = env.GLANCE_STACK_WEB_URL;
let rawName: string;
let qcowName: string;
let rawBytes: Buffer;

function json(stdout: string): Record<string, any> {
  const img = JSON.parse(stdout);
  if (img?.id) created.push(img.id);
  return img;
}
const storeSet = (s: unknown) => String(s ?? '').split(',').filter(Boolean).sort();
/** the plain watch lines on stderr */
const watchLines = (stderr: string, id: string) => stderr.split('\n').filter((l) => l.includes(`] ${id}: status`));

beforeAll(() => {
  rawName = `${uniqueName('imp')}.raw`;
  rawBytes = randomBytes(3 * 1024 * 1024 + 17);
  writeFileSync(join(WEB_ROOT, rawName), rawBytes);
  qcowName = `${uniqueName('imp')}.qcow2`;
  execFileSync('qemu-img', ['create', '-f', 'qcow2', join(WEB_ROOT, qcowName), '64M'], { stdio: 'ignore' });
});

afterAll(async () => {
  await deleteImages(created);
});

const base = (name: string) => ['image-create-via-import', '--name', name, '--disk-format', 'raw', '--container-format', 'bare'];

describe('glance-direct', () => {
  it('from --file: create, stage, import, watched to active with the plugin metadata', async () => {
    const file = dataFile(2 * 1024 * 1024);
    const res = await tsglance([...base(uniqueName('gd-file')), '--file', file, '--wait', '-f', 'json']);
    expect(res.stderr).toMatch(/Staged 2\.0 MiB/);
    expect(res.code).toBe(0);
    const img = json(res.stdout);
    expect(img.status).toBe('active');
    expect(img.size).toBe(2 * 1024 * 1024);
    expect(img.stores).toBe('central');
    expect(img.glance_stack_injected).toBe('true');
    const lines = watchLines(res.stderr, img.id);
    expect(lines.at(-1)).toMatch(/status active \| central: active \| task success/);
  });

  it('from stdin (a pipe), to --stores dcn0,dcn1', async () => {
    const data = randomBytes(1024 * 1024 + 3);
    const res = await tsglance([...base(uniqueName('gd-stdin')), '--stores', 'dcn0,dcn1', '--wait', '-f', 'json'], { input: data });
    expect(res.code).toBe(0);
    const img = json(res.stdout);
    expect(img.size).toBe(data.length);
    expect(storeSet(img.stores)).toEqual(['dcn0', 'dcn1']);
  });
});

describe('web-download', () => {
  it('--stores dcn0,dcn1: each store row ends active; plain lines only on change', async () => {
    const res = await tsglance([...base(uniqueName('wd-stores')), '--import-method', 'web-download', '--uri', `${WEB_URL}/${rawName}`, '--stores', 'dcn0,dcn1', '--wait', '-f', 'json']);
    expect(res.code).toBe(0);
    const img = json(res.stdout);
    expect(img.status).toBe('active');
    expect(storeSet(img.stores)).toEqual(['dcn0', 'dcn1']);
    expect(img.size).toBe(rawBytes.length);
    const lines = watchLines(res.stderr, img.id);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^\[\d\d:\d\d\] [0-9a-f-]{36}: status \w+ \| dcn0: \w+, dcn1: \w+( \| task \w+.*)?$/);
    const keys = lines.map((l) => l.replace(/^\[[^\]]+\] /, ''));
    expect(new Set(keys).size).toBe(keys.length);
    expect(lines.at(-1)).toContain('dcn0: active, dcn1: active');
  });

  it('--all-stores true --allow-failure false: in every store', async () => {
    const res = await tsglance([...base(uniqueName('wd-all')), '--import-method', 'web-download', '--uri', `${WEB_URL}/${rawName}`, '--all-stores', 'true', '--allow-failure', 'false', '--wait', '-f', 'json']);
    expect(res.code).toBe(0);
    expect(storeSet(json(res.stdout).stores)).toEqual(['central', 'dcn0', 'dcn1']);
    expect(res.stderr).toContain('central: active, dcn0: active, dcn1: active');
  });

  it('qcow2 made by qemu-img arrives as raw (conversion plugin), --store dcn1', async () => {
    const res = await tsglance(['image-create-via-import', '--name', uniqueName('wd-qcow2'), '--disk-format', 'qcow2', '--container-format', 'bare', '--import-method', 'web-download', '--uri', `${WEB_URL}/${qcowName}`, '--store', 'dcn1', '--wait', '-f', 'json']);
    expect(res.code).toBe(0);
    const img = json(res.stdout);
    expect(img.disk_format).toBe('raw');
    expect(img.size).toBe(64 * 1024 * 1024);
    expect(img.stores).toBe('dcn1');
  });

  it('an unreachable URI: exit 1 with the server reason and the store named; the image stays queued and the line says it was kept and why', async () => {
    const res = await tsglance([...base(uniqueName('wd-missing')), '--import-method', 'web-download', '--uri', `${WEB_URL}/no-such-${Date.now()}.raw`, '--wait', '-f', 'json']);
    const img = json(res.stdout);
    expect(res.code).toBe(1);
    expect(img.status).toBe('queued');
    expect(img.os_glance_failed_import).toBe('central');
    expect(res.stderr).toMatch(new RegExp(`Import of image ${img.id} failed in store central: .+ \\(image status queued\\)\\.`));
    // the record this command created is kept, and the line says so and why (issue 13, item 11)
    expect(res.stderr).toContain(
      `Image ${img.id} (created by this command) was kept, as glance keeps it: it records the failure (os_glance_failed_import); ` +
        `retry with tsglance image-import ${img.id} or delete it with tsglance image-delete ${img.id}.`,
    );
  });

  it('an unknown store or method is refused before the image is created', async () => {
    const name = uniqueName('wd-badstore');
    const res = await tsglance([...base(name), '--import-method', 'web-download', '--uri', `${WEB_URL}/${rawName}`, '--stores', 'dcn0,nope']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("Store 'nope' is not valid for this cloud. Valid values can be retrieved with stores-info command.");
    const bad = await tsglance([...base(name), '--import-method', 'magic-import', '--uri', `${WEB_URL}/${rawName}`]);
    expect(bad.stderr).toContain("Import method 'magic-import' is not valid for this cloud. Valid values can be retrieved with import-info command.");
    const list = await tsglance(['image-list', '--property-filter', `name=${name}`, '-f', 'json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });
});

describe('glance-download (glanceclient 4.1.0 cannot; same Glance as RegionOne)', () => {
  it('copies an active image by remote id', async () => {
    const src = json((await tsglance([...base(uniqueName('gdl-src')), '--import-method', 'web-download', '--uri', `${WEB_URL}/${rawName}`, '--wait', '-f', 'json'])).stdout);
    expect(src.status).toBe('active');
    const res = await tsglance(['image-create-via-import', '--name', uniqueName('gdl'), '--disk-format', 'raw', '--container-format', 'bare', '--import-method', 'glance-download', '--remote-region', 'RegionOne', '--remote-image-id', src.id, '--wait', '-f', 'json']);
    expect(res.code).toBe(0);
    const img = json(res.stdout);
    expect(img.status).toBe('active');
    expect(img.os_hash_value).toBe(src.os_hash_value);
  });
});

describe('--watch-timeout and image-watch', () => {
  it('times out with 124 and the resume command; image-watch then follows it to the end', async () => {
    const res = await tsglance(['image-create-via-import', '--name', uniqueName('wt'), '--disk-format', 'qcow2', '--container-format', 'bare', '--import-method', 'web-download', '--uri', `${WEB_URL}/${qcowName}`, '--all-stores', 'true', '--wait', '--watch-timeout', '0.3', '-f', 'json']);
    const img = json(res.stdout);
    expect(res.code).toBe(124);
    expect(res.stderr).toContain(`resume with: tsglance image-watch ${img.id}`);
    const watch = await tsglance(['image-watch', img.id, '-f', 'json']);
    expect(watch.code).toBe(0);
    const done = JSON.parse(watch.stdout);
    expect(done.status).toBe('active');
    expect(storeSet(done.stores)).toEqual(['central', 'dcn0', 'dcn1']);
    expect(watch.stderr).toContain('central: active, dcn0: active, dcn1: active');
  });
});

describe('Ctrl-C', () => {
  it('stops watching (130, no image printed), never the import', async () => {
    const args = ['image-create-via-import', '--name', uniqueName('sigint'), '--disk-format', 'qcow2', '--container-format', 'bare', '--import-method', 'web-download', '--uri', `${WEB_URL}/${qcowName}`, '--all-stores', 'true', '--wait'];
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    // one Ctrl-C only: a second one racing the process's own exit would meet the default handler
    let sent = false;
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d;
        if (!sent && /\] [0-9a-f-]{36}: status/.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('close', resolve);
    });
    const id = /\] ([0-9a-f-]{36}): status/.exec(stderr)![1];
    created.push(id);
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toContain(`Stopped watching; the import of ${id} goes on (resume with: tsglance image-watch ${id}).`);
    const watch = await tsglance(['image-watch', id, '-f', 'json']);
    expect(watch.code).toBe(0);
    expect(storeSet(JSON.parse(watch.stdout).stores)).toEqual(['central', 'dcn0', 'dcn1']);
  });
});

describe('--no-wait output is glanceclient\'s', () => {
  const mask = (s: string) =>
    s
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'TIMESTAMP')
      .replace(/[0-9a-f]{32}/g, 'OWNER');
  const ids = (s: string) => [...s.matchAll(/\| id\s+\| ([0-9a-f-]{36})/g)].map((m) => m[1]);

  it('without method or data (a queued record): byte for byte', async () => {
    const name = uniqueName('nowait-rec');
    const ours = await tsglance([...base(name), '--no-wait']);
    const theirs = await glance([...base(name)]);
    created.push(...ids(ours.stdout), ...ids(theirs.stdout));
    expect(ours.code).toBe(0);
    expect(theirs.code).toBe(0);
    expect(mask(ours.stdout)).toBe(mask(theirs.stdout));
  });

  it('web-download --no-wait: same table keys (apart from import progress keys that depend on timing)', async () => {
    const name = uniqueName('nowait-wd');
    const args = [...base(name), '--import-method', 'web-download', '--uri', `${WEB_URL}/${rawName}`];
    const ours = await tsglance([...args, '--no-wait']);
    const theirs = await glance(args);
    created.push(...ids(ours.stdout), ...ids(theirs.stdout));
    expect(ours.code).toBe(0);
    expect(theirs.code).toBe(0);
    const keys = (s: string) =>
      [...s.matchAll(/^\| (\S+)\s+\|/gm)]
        .map((m) => m[1])
        .filter((k) => !['os_glance_importing_to_stores', 'os_glance_failed_import', 'Property', 'stores', 'glance_stack_injected'].includes(k));
    expect(keys(ours.stdout)).toEqual(keys(theirs.stdout));
    expect(keys(ours.stdout)).toContain('os_glance_import_task');
    expect(ours.stderr).toBe('');
  });
});
