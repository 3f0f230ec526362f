/**
 * bash completion, in real bash against the real stack: the generated script is sourced, the
 * line is set in COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT, _tsglance is called, COMPREPLY read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deleteImages, glanceImage } from './helpers/fixtures.js';
import { uniqueName } from './helpers/run.js';
import { bashTab, newCacheDir } from './completion-shells.js';

/** Cold TABs on this shared, loaded box: give the helper time so the test is about values, not speed. */
const SLOW = { TSGLANCE_COMPLETE_TIMEOUT: '60' };

describe('bash: from the script alone', () => {
  test('a command prefix', async () => {
    const r = await bashTab(['tsglance', 'image-sh'], { as: 'none' });
    expect(r.candidates).toEqual(['image-show']);
    const all = await bashTab(['tsglance', 'image-'], { as: 'none' });
    expect(all.candidates).toContain('image-list');
    expect(all.candidates).toContain('image-show');
    expect(all.candidates.every((c) => c.startsWith('image-'))).toBe(true);
  });

  test('hidden internal commands are never offered', async () => {
    const r = await bashTab(['tsglance', '__'], { as: 'none' });
    expect(r.candidates).toEqual([]);
  });

  test('an option prefix, per command, global options included', async () => {
    const r = await bashTab(['tsglance', 'image-show', '--hu'], { as: 'none' });
    expect(r.candidates).toEqual(['--human-readable']);
    const list = await bashTab(['tsglance', 'image-list', '--'], { as: 'none' });
    expect(list.candidates).toContain('--sort-key');
    expect(list.candidates).toContain('--os-cloud');
    expect(list.candidates).not.toContain('--human-readable');
    // aliases (hidden options) are understood but not offered
    expect(list.candidates).not.toContain('--os-tenant-name');
  });

  test('nested glance-cache-manage subcommands and their options', async () => {
    const subs = await bashTab(['tsglance', 'glance-cache-manage', 'list-'], { as: 'none' });
    expect(subs.candidates).toEqual(['list-cached', 'list-queued']);
    const opts = await bashTab(['tsglance', 'glance-cache-manage', '-H', 'ctl1', 'list-cached', '--ho'], { as: 'none' });
    expect(opts.candidates).toEqual(['--host']);
    // its -f is --force (a switch): the next word is not a format
    const afterForce = await bashTab(['tsglance', 'glance-cache-manage', 'list-cached', '-f', '--for'], { as: 'none' });
    expect(afterForce.candidates.sort()).toEqual(['--force', '--format']);
  });

  test('enum values: disk format, visibility, sort key, -f, --target, True/False', async () => {
    expect((await bashTab(['tsglance', 'image-create', '--disk-format', 'q'], { as: 'none' })).candidates).toEqual(['qcow2']);
    expect((await bashTab(['tsglance', 'image-create', '--container-format', 'b'], { as: 'none' })).candidates).toEqual(['bare']);
    expect((await bashTab(['tsglance', 'image-list', '--visibility', 'c'], { as: 'none' })).candidates).toEqual(['community']);
    expect((await bashTab(['tsglance', 'image-list', '--sort-key', 'created'], { as: 'none' })).candidates).toEqual(['created_at']);
    expect((await bashTab(['tsglance', '-f', 'j'], { as: 'none' })).candidates).toEqual(['json']);
    expect((await bashTab(['tsglance', 'image-list', '-f', 'y'], { as: 'none' })).candidates).toEqual(['yaml']);
    expect((await bashTab(['tsglance', 'cache-clear', '--target', ''], { as: 'none' })).candidates.sort()).toEqual(['both', 'cache', 'queue']);
    expect((await bashTab(['tsglance', 'image-update', 'x', '--hidden', ''], { as: 'none' })).candidates).toEqual(['True', 'False']);
    // COMP_WORDBREAKS splits --disk-format=q into '--disk-format' '=' 'q'
    expect((await bashTab(['tsglance', 'image-create', '--disk-format', '=', 'r'], { as: 'none' })).candidates).toEqual(['raw']);
  });

  test('files after --file', async () => {
    const r = await bashTab(['tsglance', 'image-upload', 'x', '--file', 'package.j'], { as: 'none' });
    expect(r.candidates).toEqual(['package.json']);
  });

  test('help completes command names', async () => {
    expect((await bashTab(['tsglance', 'help', 'stores-i'], { as: 'none' })).candidates).toEqual(['stores-info']);
  });
});

describe('bash: live values from the stack', () => {
  const name = uniqueName('tab-bash');
  const spaced = `${uniqueName('tab spaced')} image`;
  let id = '';
  let spacedId = '';
  beforeAll(async () => {
    id = await glanceImage(['--name', name]);
    spacedId = await glanceImage(['--name', spaced]);
  });
  afterAll(async () => {
    await deleteImages([id, spacedId]);
  });

  test('a name with spaces comes back quoted for the command line', async () => {
    // what the operator typed, backslash included, is what bash puts in COMP_WORDS
    const typed = spaced.slice(0, 14).replace(/ /g, '\\ ');
    const r = await bashTab(['tsglance', 'image-show', typed], { as: 'admin', env: SLOW });
    expect(r.candidates).toEqual([spaced.replace(/ /g, '\\ ')]);
  });

  test('image names and IDs for an image argument, then from the cache without starting tsglance', async () => {
    const cache = newCacheDir();
    const byName = await bashTab(['tsglance', 'image-show', name.slice(0, -2)], { as: 'admin', env: SLOW, cache });
    expect(byName.candidates).toEqual([name]);
    expect(byName.stdout + byName.stderr).toBe('');
    const byId = await bashTab(['tsglance', 'image-delete', 'x', id.slice(0, 8)], { as: 'admin', env: SLOW, cache });
    expect(byId.candidates).toEqual([id]);
    // warm: the script reads the cache itself; tsglance is not even on PATH
    const warm = await bashTab(['tsglance', 'image-show', name.slice(0, -2)], { as: 'admin', cache, noBinary: true });
    expect(warm.candidates).toEqual([name]);
    const files = readdirSync(join(cache, 'tsglance', 'complete'));
    expect(files.some((f) => f.endsWith('.images'))).toBe(true);
    // never the password in the cache
    const password = (await import('./helpers/stack.js')).stackEnv('admin').OS_PASSWORD;
    for (const f of files) {
      expect(f).not.toContain(password);
      expect(readFileSync(join(cache, 'tsglance', 'complete', f), 'utf8')).not.toContain(password);
    }
  });

  test('store ids for --store, --stores (comma list) and --prefer', async () => {
    const cache = newCacheDir();
    const store = await bashTab(['tsglance', 'image-upload', 'x', '--store', 'dcn'], { as: 'admin', env: SLOW, cache });
    expect(store.candidates.sort()).toEqual(['dcn0', 'dcn1']);
    const list = await bashTab(['tsglance', 'image-import', 'x', '--stores', 'dcn0,'], { as: 'admin', env: SLOW, cache });
    expect(list.candidates.sort()).toEqual(['dcn0,central', 'dcn0,dcn1']);
  });

  test('import methods from the server', async () => {
    const r = await bashTab(['tsglance', 'image-import', 'x', '--import-method', ''], { as: 'admin', env: SLOW });
    expect(r.candidates).toContain('glance-direct');
    expect(r.candidates).toContain('copy-image');
  });
});

describe('bash: nothing to ask, or nobody answering', () => {
  test('no credentials: empty, silent, and no process started', async () => {
    const cache = newCacheDir();
    const r = await bashTab(['tsglance', 'image-show', ''], { as: 'none', cache });
    expect(r.candidates).toEqual([]);
    expect(r.stdout + r.stderr).toBe('');
    expect(existsSync(join(cache, 'tsglance', 'complete'))).toBe(false);
  });

  test('incomplete credentials: empty and silent, remembered briefly', async () => {
    const cache = newCacheDir();
    const env = { OS_AUTH_URL: 'http://127.0.0.1:9/v3', ...SLOW };
    const r = await bashTab(['tsglance', 'image-show', ''], { as: 'none', env, cache });
    expect(r.candidates).toEqual([]);
    expect(r.stdout + r.stderr).toBe('');
    const files = readdirSync(join(cache, 'tsglance', 'complete'));
    expect(files.filter((f) => f.endsWith('.images'))).toHaveLength(1);
  });

  describe('a server that accepts and never answers', () => {
    let server: Server;
    const sockets: Socket[] = [];
    let port = 0;
    beforeAll(async () => {
      server = createServer((s) => sockets.push(s));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => {
      for (const s of sockets) s.destroy();
      server.close();
    });

    test('the hard deadline: TAB comes back empty and silent, long before the helper gives up', async () => {
      const cache = newCacheDir();
      const env = { OS_AUTH_URL: `http://127.0.0.1:${port}/v3`, TSGLANCE_COMPLETE_TIMEOUT: '1' };
      const r = await bashTab(['tsglance', 'image-show', ''], { as: 'admin', env, cache });
      expect(r.candidates).toEqual([]);
      expect(r.stdout + r.stderr).toBe('');
      // the helper may go on for up to 15 s to fill the cache; the shell must not wait for it
      expect(r.ms).toBeLessThan(10_000);
      // the next TAB is answered from the (empty) cache at once, without asking again
      const again = await bashTab(['tsglance', 'image-show', ''], { as: 'admin', env, cache, noBinary: true });
      expect(again.candidates).toEqual([]);
      expect(readdirSync(join(cache, 'tsglance', 'complete')).some((f) => f.endsWith('.images'))).toBe(true);
    });
  });
});
