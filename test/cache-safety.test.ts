/**
 * Every cache (tokens, completion values, schemas) writes only into a directory that is ours
 * alone and never through a planted symlink (safe-file.ts); a relative XDG_CACHE_HOME is ignored.
 * Runs as the test user; a "foreign" directory is made by chown to another uid when we are root.
 */
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheFile, writeCache } from '../src/completion/cache.js';
import { cacheRoot, privateDir, writePrivateFile } from '../src/safe-file.js';
import { tsglance, uniqueName } from './helpers/run.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'tsglance-cache-safety-'));
const isRoot = process.getuid?.() === 0;
const created: string[] = [];
afterAll(async () => {
  for (const id of created) await tsglance(['image-delete', id]);
});

describe('the safe-file module', () => {
  it('a relative XDG_CACHE_HOME is ignored', () => {
    expect(cacheRoot({ XDG_CACHE_HOME: 'rel', HOME: '/home/a' })).toBe('/home/a/.cache/tsglance');
    expect(cacheRoot({ XDG_CACHE_HOME: '/x', HOME: '/home/a' })).toBe('/x/tsglance');
  });

  it('never writes through a symlink planted at the temporary name, nor into a symlinked directory', () => {
    const dir = fresh();
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const env = { XDG_CACHE_HOME: join(dir, 'cache') };
    const file = cacheFile(env, 'k1', 'images');
    privateDir(cacheRoot(env), join(cacheRoot(env), 'complete'));
    // the name the completion cache used to write to first
    symlinkSync(victim, `${file}.${process.pid}.tmp`);
    writeCache(file, [{ value: 'evil-name' }], Date.now() / 1000 + 60, env);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(file, 'utf8')).toContain('evil-name');

    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const root = join(dir, 'cache2', 'tsglance');
    mkdirSync(root, { recursive: true, mode: 0o700 });
    symlinkSync(elsewhere, join(root, 'complete'));
    expect(() => privateDir(root, join(root, 'complete'))).toThrow(/is a symbolic link/);
    expect(() => writePrivateFile(join(root, 'complete'), 'x', 'y')).not.toThrow(); // the module's callers check first
    expect(readdirSync(elsewhere)).toEqual(['x']);
  });

  it.runIf(isRoot)('refuses a directory that belongs to someone else', () => {
    const dir = fresh();
    const root = join(dir, 'tsglance');
    mkdirSync(join(root, 'complete'), { recursive: true, mode: 0o777 });
    chownSync(join(root, 'complete'), 65534, 65534);
    expect(() => privateDir(root, join(root, 'complete'))).toThrow(/belongs to uid 65534/);
  });
});

describe('through the binary', () => {
  it('__complete writes nothing into a symlinked or foreign completion directory', async () => {
    const dir = fresh();
    const victimDir = join(dir, 'victim');
    mkdirSync(victimDir);
    const root = join(dir, 'cache', 'tsglance');
    mkdirSync(root, { recursive: true, mode: 0o700 });
    symlinkSync(victimDir, join(root, 'complete'));
    const r = await tsglance(['__complete', 'images', '--key', 'k1'], { env: { XDG_CACHE_HOME: join(dir, 'cache') } });
    expect(r.code).toBe(0);
    expect(readdirSync(victimDir)).toEqual([]);

    if (isRoot) {
      const dir2 = fresh();
      const root2 = join(dir2, 'cache', 'tsglance');
      mkdirSync(join(root2, 'complete'), { recursive: true, mode: 0o777 });
      chownSync(root2, 65534, 65534);
      const r2 = await tsglance(['__complete', 'images', '--key', 'k1'], { env: { XDG_CACHE_HOME: join(dir2, 'cache') } });
      expect(r2.code).toBe(0);
      expect(readdirSync(join(root2, 'complete'))).toEqual([]);
    }
  });

  it('__complete ignores a relative XDG_CACHE_HOME', async () => {
    const dir = fresh();
    const r = await tsglance(['__complete', 'images', '--key', 'k1'], { env: { XDG_CACHE_HOME: 'rel-cache', HOME: join(dir, 'home') }, cwd: dir });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'rel-cache'))).toBe(false);
    expect(readdirSync(join(dir, 'home', '.cache', 'tsglance', 'complete'))).toEqual(['k1.images']);
  });

  it('image-create does not write the image schema into a symlinked schema directory', async () => {
    const dir = fresh();
    const cache = join(dir, 'cache');
    const args = () => ['image-create', '--name', uniqueName('schema-safety'), '--disk-format', 'raw', '--container-format', 'bare', '-f', 'value', '-c', 'id'];
    const first = await tsglance(args(), { env: { XDG_CACHE_HOME: cache } });
    expect(first.code, first.stderr).toBe(0);
    created.push(first.stdout.trim());
    const schemas = join(cache, 'tsglance', 'schemas');
    const [key] = readdirSync(schemas);
    // the endpoint's schema directory becomes a link to a directory of the attacker's choice
    const elsewhere = join(dir, 'attacker');
    mkdirSync(elsewhere);
    const { rmSync } = await import('node:fs');
    rmSync(join(schemas, key), { recursive: true });
    symlinkSync(elsewhere, join(schemas, key));
    const second = await tsglance(args(), { env: { XDG_CACHE_HOME: cache } });
    expect(second.code, second.stderr).toBe(0);
    created.push(second.stdout.trim());
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
