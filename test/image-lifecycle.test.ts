/**
 * image-create, -update, -upload, -stage, -download, -delete, -deactivate, -reactivate, -tag-update, -tag-delete, -tasks
 * against the real stack, side by side with python-glanceclient where it has the command.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataFile, deleteImages, glanceImage } from './helpers/fixtures.js';
import { BIN, cleanEnv, glance, tsglance, uniqueName } from './helpers/run.js';
import { issueToken, rest, stackEnv } from './helpers/stack.js';

const created: string[] = [];
afterAll(async () => {
  await deleteImages(created);
});

const dir = mkdtempSync(join(tmpdir(), 'tsglance-lifecycle-'));
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

const ID_RE = /\| id\s+\| ([0-9a-f-]{36})/;
function idOf(table: string): string {
  const m = ID_RE.exec(table);
  if (!m) throw new Error(`no id in:\n${table}`);
  created.push(m[1]);
  return m[1];
}

async function show(id: string): Promise<Record<string, unknown>> {
  const r = await tsglance(['image-show', id, '-f', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Table with the per-image values (ids, timestamps, owner-independent) blanked, rows in the same order. */
function normalize(table: string, names: string[] = []): string {
  let t = table
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID'.padEnd(36))
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'TS'.padEnd(20));
  for (const n of names) t = t.split(n).join('NAME'.padEnd(n.length));
  // tag order is not stable on the server: sort the JSON list in the tags row
  t = t.replace(/(\| tags\s+\| )(\[[^\]]*\])/g, (_, head: string, list: string) => head + JSON.stringify((JSON.parse(list) as string[]).sort()).replace(/","/g, '", "'));
  return t;
}

/** What two images must share after the same create/update (ids, times, names aside). */
function comparable(image: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, created_at: _c, updated_at: _u, name: _n, self: _s, file: _f, ...rest } = image;
  if (Array.isArray(rest.tags)) rest.tags = [...(rest.tags as string[])].sort();
  return rest;
}

describe('image-create', () => {
  const data = dataFile(1536 * 1024);
  const bytes = readFileSync(data);

  it('leaves the same image and prints the same table as glance for the same inputs', async () => {
    const gName = uniqueName('lc-g');
    const tName = uniqueName('lc-t');
    const common = ['--disk-format', 'raw', '--container-format', 'bare', '--file', data, '--property', 'os_distro=cirros',
      '--property', 'hw_qemu_guest_agent=yes', '--min-ram', '64', '--min-disk', '1', '--protected', 'False', '--hidden', 'False',
      '--visibility', 'private', '--tags', 'smoke', 'upload'];
    const g = await glance(['image-create', '--name', gName, ...common]);
    expect(g.code, g.stderr).toBe(0);
    const t = await tsglance(['image-create', '--name', tName, ...common]);
    expect(t.code, t.stderr).toBe(0);
    const gId = idOf(g.stdout);
    const tId = idOf(t.stdout);
    expect(normalize(t.stdout, [tName])).toBe(normalize(g.stdout, [gName]));
    const [gi, ti] = [await show(gId), await show(tId)];
    expect(comparable(ti)).toEqual(comparable(gi));
    expect(ti).toMatchObject({ status: 'active', size: bytes.length, checksum: md5(bytes), os_hash_value: sha512(bytes), tags: expect.arrayContaining(['smoke', 'upload']) });
  });

  it('uploads a pipe on stdin, with --size, showing plain progress lines off a TTY', async () => {
    const name = uniqueName('lc-stdin');
    const r = await tsglance(
      ['image-create', '--name', name, '--disk-format', 'raw', '--container-format', 'bare', '--size', String(bytes.length), '--progress', '-f', 'json'],
      { input: bytes },
    );
    expect(r.code, r.stderr).toBe(0);
    const image = JSON.parse(r.stdout) as Record<string, unknown>;
    created.push(image.id as string);
    expect(image).toMatchObject({ status: 'active', size: bytes.length, checksum: md5(bytes) });
    expect(r.stderr).toMatch(/^Uploaded 1\.5 MiB in [\d.]+ s/m);
  });

  it('--size that does not match the piped data fails and deletes the record', async () => {
    const name = uniqueName('lc-size');
    const r = await tsglance(['image-create', '--name', name, '--disk-format', 'raw', '--container-format', 'bare', '--size', '1000'], { input: bytes });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Upload failed: Size mismatch: expected 1000 bytes but the data has more; image \S+ \(created by this command\) was deleted$/m);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const list = await tsglance(['image-list', '--property-filter', `name=${name}`, '-f', 'value', '-c', 'id']);
    expect(list.stdout.trim()).toBe('');
  });

  it('--store dcn1 puts the data in that store; an unknown store is refused before any image request', async () => {
    const name = uniqueName('lc-store');
    const r = await tsglance(['image-create', '--name', name, '--disk-format', 'raw', '--container-format', 'bare', '--file', data, '--store', 'dcn1', '-f', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const image = JSON.parse(r.stdout) as Record<string, unknown>;
    created.push(image.id as string);
    expect(image.stores).toBe('dcn1');

    const bad = await tsglance(['image-create', '--name', name + '-x', '--disk-format', 'raw', '--container-format', 'bare', '--file', data, '--store', 'nowhere', '--debug']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Store 'nowhere' is not valid for this cloud/);
    expect(bad.stderr).not.toMatch(/REQ (POST|PUT)/);
  });

  it('unknown disk format: one line, and with a warm schema cache not a single request', async () => {
    const args = ['image-create', '--name', uniqueName('lc-bad'), '--disk-format', 'qcow3', '--container-format', 'bare', '--debug'];
    await tsglance(['image-create', '--name', 'warm', '--disk-format', 'qcow3']); // may warm the cache
    const r = await tsglance(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--disk-format: 'qcow3' is not valid; use one of .*qcow2/m);
    expect(r.stderr).not.toMatch(/REQ /);
  });

  it('never reads /dev/null or a closed stdin: a record without data', async () => {
    for (const stdin of ['null', 'closed'] as const) {
      const r = await tsglance(['image-create', '--name', uniqueName('lc-nodata'), '-f', 'json'], { stdin });
      expect(r.code, r.stderr).toBe(0);
      const image = JSON.parse(r.stdout) as Record<string, unknown>;
      created.push(image.id as string);
      expect(image.status).toBe('queued');
    }
  });

  it('old-guide --is-public/--is-protected map to the new options with a notice', async () => {
    const r = await tsglance(['image-create', '--name', uniqueName('lc-old'), '--is-public', 'False', '--is-protected', 'False', '-f', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const image = JSON.parse(r.stdout) as Record<string, unknown>;
    created.push(image.id as string);
    expect(image).toMatchObject({ visibility: 'private', protected: false });
    expect(r.stderr).toBe('--is-public is an old option: use --visibility private\n--is-protected is an old option: use --protected False\n');
  });

  it('Ctrl-C during the upload deletes the record it created and exits 130', async () => {
    const name = uniqueName('lc-int');
    const child = spawn(process.execPath, [BIN, 'image-create', '--name', name, '--disk-format', 'raw', '--container-format', 'bare'], {
      env: cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined);
    child.stdin.write(Buffer.alloc(256 * 1024, 7)); // data, then silence: the upload is in flight
    // wait until the record exists, then interrupt
    let id = '';
    for (const end = Date.now() + 120_000; !id && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 250));
      const l = await tsglance(['image-list', '--property-filter', `name=${name}`, '-f', 'value', '-c', 'id']);
      id = l.stdout.trim();
    }
    expect(id).not.toBe('');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(new RegExp(`Upload interrupted; image ${id} \\(created by this command\\) was deleted`));
    const after = await tsglance(['image-show', id]);
    expect(after.code).toBe(1);
  });
});

describe('image-update', () => {
  it('one PATCH; same table as glance for --property, --remove-property, --hidden, --min-ram, --name', async () => {
    const a = await glanceImage(['--name', uniqueName('up-a'), '--property', 'os_distro=cirros', '--property', 'keep=1']);
    const b = await glanceImage(['--name', uniqueName('up-b'), '--property', 'os_distro=cirros', '--property', 'keep=1']);
    created.push(a, b);
    const gName = uniqueName('upd-g');
    const tName = uniqueName('upd-t');
    const args = ['--property', 'architecture_x=x86_64', '--remove-property', 'os_distro', '--hidden', 'True', '--min-ram', '128'];
    const g = await glance(['image-update', a, '--name', gName, ...args]);
    const t = await tsglance(['image-update', b, '--name', tName, ...args, '--debug']);
    expect(g.code, g.stderr).toBe(0);
    expect(t.code, t.stderr).toBe(0);
    expect(normalize(t.stdout, [tName])).toBe(normalize(g.stdout, [gName]));
    const patches = t.stderr.split('\n').filter((l) => /^DEBUG REQ PATCH/.test(l));
    expect(patches).toHaveLength(1);
    expect(patches[0]).toContain('application/openstack-images-v2.1-json-patch');
    const image = await show(b);
    expect(image).toMatchObject({ architecture_x: 'x86_64', os_hidden: true, min_ram: 128, name: tName, keep: '1' });
    expect(image).not.toHaveProperty('os_distro');
  });

  it('--remove-property of an absent key names it, and changes nothing', async () => {
    const id = await glanceImage(['--name', uniqueName('up-absent')]);
    created.push(id);
    const r = await tsglance(['image-update', id, '--remove-property', 'no_such_key', '--min-ram', '9', '--debug']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`image ${id} has no property 'no_such_key'; nothing was changed`));
    expect(r.stderr).not.toMatch(/REQ PATCH/);
    expect((await show(id)).min_ram).toBe(0);
  });
});

/** Waits (bounded: 120 s) until the image has tasks and every one is success or failure. */
async function tasksFinished(id: string): Promise<void> {
  const env = stackEnv('admin');
  const { token } = await issueToken('admin');
  const end = Date.now() + 120_000;
  for (;;) {
    const res = await rest('GET', `${env.GLANCE_STACK_GLANCE_URL}/v2/images/${id}/tasks`, { headers: { 'x-auth-token': token } });
    const tasks = (JSON.parse(res.text) as { tasks?: { status: string }[] }).tasks ?? [];
    if (tasks.length > 0 && tasks.every((t) => t.status === 'success' || t.status === 'failure')) return;
    if (Date.now() > end) throw new Error(`the tasks of image ${id} did not finish within 120 s: ${res.text}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('image-upload, image-stage, image-tasks', () => {
  const data = dataFile(700 * 1024);
  const bytes = readFileSync(data);

  it('image-upload by name with --progress; image-stage leaves the image uploading', async () => {
    const upName = uniqueName('upl');
    const up = await glanceImage(['--name', upName]); // no data: queued
    created.push(up);
    const r = await tsglance(['image-upload', upName, '--file', data, '--progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(await show(up)).toMatchObject({ status: 'active', checksum: md5(bytes), size: bytes.length });

    const st = await glanceImage(['--name', uniqueName('stg')]);
    created.push(st);
    const s = await tsglance(['image-stage', st], { input: bytes });
    expect(s.code, s.stderr).toBe(0);
    expect((await show(st)).status).toBe('uploading');
  });

  it('image-tasks prints what glance prints, also with -v', async () => {
    const id = await glanceImage(['--name', uniqueName('tasks')]);
    created.push(id);
    expect((await tsglance(['image-stage', id, '--file', data])).code).toBe(0);
    const imp = await glance(['image-import', id, '--import-method', 'glance-direct']);
    expect(imp.code, imp.stderr).toBe(0);
    // the task is still written to after the image turns active (status, message, updated_at):
    // compare once it has reached its final state, not after a guessed pause
    await tasksFinished(id);
    for (const extra of [[], ['-v']]) {
      const g = await glance([...extra, 'image-tasks', id]);
      const t = await tsglance([...extra, 'image-tasks', id]);
      expect(g.code, g.stderr).toBe(0);
      expect(t.code, t.stderr).toBe(0);
      expect(t.stdout).toBe(g.stdout);
      expect(t.stdout).toMatch(/success/);
    }
  });
});

describe('image-download', () => {
  const data = dataFile(2 * 1024 * 1024 + 17);
  const bytes = readFileSync(data);
  let id = '';
  let name = '';

  it('writes exactly the image bytes to --file (by name, with --progress), and to stdout', async () => {
    name = uniqueName('dl');
    id = await glanceImage(['--name', name, '--file', data]);
    created.push(id);
    const target = join(dir, 'out.raw');
    const r = await tsglance(['image-download', name, '--file', target, '--progress', '--prefer', 'central']);
    expect(r.code, r.stderr).toBe(0);
    expect(md5(readFileSync(target))).toBe(md5(bytes));
    expect(r.stderr).toMatch(/^Downloaded 2\.0 MiB in/m);
    expect(readdirSync(dir).filter((f) => f.includes('tsglance-part'))).toEqual([]);

    const g = join(dir, 'glance.raw');
    expect((await glance(['image-download', id, '--file', g])).code).toBe(0);
    expect(readFileSync(target).equals(readFileSync(g))).toBe(true);
  });

  it('streams to a redirected stdout', async () => {
    const child = spawn(process.execPath, [BIN, 'image-download', id], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(md5(Buffer.concat(chunks))).toBe(md5(bytes));
  });

  it('a queued image has no data: exit 1, no file left', async () => {
    const q = await glanceImage(['--name', uniqueName('dl-q')]);
    created.push(q);
    const target = join(dir, 'none.raw');
    const r = await tsglance(['image-download', q, '--file', target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`Image ${q} has no data`));
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('tsglance-part'))).toEqual([]);
  });
});

describe('image-delete, deactivate/reactivate, tags', () => {
  it('deletes several by name and ID concurrently; one line per failure, exit 1', async () => {
    const n1 = uniqueName('del');
    const a = await glanceImage(['--name', n1]);
    const b = await glanceImage(['--name', uniqueName('del')]);
    const missing = '00000000-0000-4000-8000-000000000000';
    const r = await tsglance(['image-delete', n1, missing, b]);
    expect(r.code).toBe(1);
    const g = await glance(['image-delete', missing]);
    expect(r.stderr).toBe(g.stderr);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    for (const id of [a, b]) expect((await tsglance(['image-show', id])).code).toBe(1);
  });

  it('deactivate and reactivate by name', async () => {
    const name = uniqueName('deact');
    const id = await glanceImage(['--name', name, '--file', dataFile(1024)]);
    created.push(id);
    const d = await tsglance(['image-deactivate', name]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toBe('');
    expect((await show(id)).status).toBe('deactivated');
    expect((await tsglance(['image-reactivate', id])).code).toBe(0);
    expect((await show(id)).status).toBe('active');
  });

  it('tag-update prints the ID/Tags table glance prints; tag-delete removes the tag', async () => {
    const a = await glanceImage(['--name', uniqueName('tag')]);
    const b = await glanceImage(['--name', uniqueName('tag')]);
    created.push(a, b);
    const g = await glance(['image-tag-update', a, 'golden']);
    const t = await tsglance(['image-tag-update', b, 'golden']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toBe(g.stdout.split(a).join(b));
    const del = await tsglance(['image-tag-delete', b, 'golden']);
    expect(del.code, del.stderr).toBe(0);
    expect((await show(b)).tags).toEqual([]);
  });
});
