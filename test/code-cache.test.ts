/**
 * V8's code cache for dist/app.cjs (src/code-cache.ts on Node 20, Node's own compile cache from
 * 22.1): kept in the private cache directory only, never read when someone else could have
 * written it, and a corrupt one costs nothing but a recompile.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tsglance } from './helpers/run.js';

const onNode20 = !('enableCompileCache' in (await import('node:module')).default);

function freshCache() {
  const xdg = mkdtempSync(join(tmpdir(), 'tsglance-code-cache-'));
  return { xdg, dir: join(xdg, 'tsglance', 'compile-cache') };
}
const files = (dir: string) => readdirSync(dir).filter((f) => !f.endsWith('.tmp'));

it('a run leaves its code cache in a private directory (0700, files 0600), and the next run uses it', async () => {
  const { xdg, dir } = freshCache();
  const first = await tsglance(['image-list', '-f', 'value', '-c', 'id'], { env: { XDG_CACHE_HOME: xdg } });
  expect(first.code, first.stderr).toBe(0);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  const written = files(dir);
  expect(written.length).toBeGreaterThan(0);
  for (const f of written) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
  const second = await tsglance(['image-list', '-f', 'value', '-c', 'id'], { env: { XDG_CACHE_HOME: xdg } });
  expect(second.code, second.stderr).toBe(0);
  expect(second.stdout).toBe(first.stdout);
});

it.runIf(onNode20)('a corrupt cache is rejected by V8 and replaced; one others can write is never read', async () => {
  const { xdg, dir } = freshCache();
  expect((await tsglance(['image-list'], { env: { XDG_CACHE_HOME: xdg } })).code).toBe(0);
  const [name] = files(dir);
  const file = join(dir, name);

  writeFileSync(file, Buffer.alloc(4096, 7), { mode: 0o600 });
  const corrupt = await tsglance(['image-list', '-f', 'value', '-c', 'id'], { env: { XDG_CACHE_HOME: xdg } });
  expect(corrupt.code, corrupt.stderr).toBe(0);
  expect(corrupt.stderr).toBe('');
  expect(statSync(file).size).not.toBe(4096);

  // writable by others: not read, and replaced by a private file at exit
  chmodSync(file, 0o666);
  const shared = await tsglance(['image-list'], { env: { XDG_CACHE_HOME: xdg } });
  expect(shared.code, shared.stderr).toBe(0);
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

it.runIf(onNode20)("a new build's cache replaces the caches of other builds and Node versions", async () => {
  const { xdg, dir } = freshCache();
  expect((await tsglance(['image-list'], { env: { XDG_CACHE_HOME: xdg } })).code).toBe(0);
  const [current] = files(dir);
  const stale = 'app-0123456789abcdef-v20.0.0-x64.v8';
  writeFileSync(join(dir, stale), Buffer.alloc(64, 1), { mode: 0o600 });
  rmSync(join(dir, current));
  const run = await tsglance(['image-list'], { env: { XDG_CACHE_HOME: xdg } });
  expect(run.code, run.stderr).toBe(0);
  expect(files(dir)).toEqual([current]);
});
