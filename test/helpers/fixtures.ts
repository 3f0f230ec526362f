/** Images for read-only tests, made with python-glanceclient so that tsglance is not testing itself. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { glance, type RunOpts } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'tsglance-fixtures-'));

export function dataFile(bytes: number, name = `data-${bytes}-${Date.now()}.raw`): string {
  const file = join(dir, name);
  writeFileSync(file, randomBytes(bytes));
  return file;
}

/** Create an active image with glance; returns its id. */
export async function glanceImage(args: string[], opts: RunOpts = {}): Promise<string> {
  const res = await glance(['image-create', '--disk-format', 'raw', '--container-format', 'bare', ...args], opts);
  if (res.code !== 0) throw new Error(`glance image-create failed: ${res.stderr}`);
  const m = /\| id\s+\| ([0-9a-f-]{36})/.exec(res.stdout);
  if (!m) throw new Error(`no id in glance output:\n${res.stdout}`);
  return m[1];
}

export async function deleteImages(ids: string[], opts: RunOpts = {}): Promise<void> {
  if (ids.length) await glance(['image-delete', ...ids], opts);
}
