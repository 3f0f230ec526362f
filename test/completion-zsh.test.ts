/**
 * zsh completion in a real interactive zsh (zpty): `_tsglance` from completions/ on $fpath,
 * compinit, the line typed and TAB pressed; the matches that reach compadd are captured.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deleteImages, glanceImage } from './helpers/fixtures.js';
import { uniqueName } from './helpers/run.js';
import { newCacheDir, zshTab } from './completion-shells.js';

const SLOW = { TSGLANCE_COMPLETE_TIMEOUT: '60' };

test('zsh -n: the script parses', () => {
  execFileSync('zsh', ['-n', join(import.meta.dirname, '..', 'completions', '_tsglance')]);
});

describe('zsh: from the script alone', () => {
  test('a command prefix', async () => {
    const r = await zshTab('tsglance image-sh', { as: 'none' });
    expect(r.candidates).toEqual(['image-show']);
  });

  test('an option prefix', async () => {
    const r = await zshTab('tsglance image-show --human', { as: 'none' });
    expect(r.candidates).toEqual(['--human-readable']);
  });

  test('nested glance-cache-manage subcommands', async () => {
    const r = await zshTab('tsglance glance-cache-manage -H ctl1 queue-', { as: 'none' });
    expect(r.candidates).toEqual(['queue-image']);
  });

  test('enum values', async () => {
    expect((await zshTab('tsglance image-create --disk-format qc', { as: 'none' })).candidates).toEqual(['qcow2']);
    expect((await zshTab('tsglance image-list --sort-key=disk', { as: 'none' })).candidates).toEqual(['disk_format']);
    expect((await zshTab('tsglance -f ya', { as: 'none' })).candidates).toEqual(['yaml']);
  });
});

describe('zsh: live values from the stack', () => {
  const name = uniqueName('tab-zsh');
  let id = '';
  beforeAll(async () => {
    id = await glanceImage(['--name', name]);
  });
  afterAll(async () => {
    await deleteImages([id]);
  });

  test('an image name, then the same from the cache without starting tsglance', async () => {
    const cache = newCacheDir();
    const cold = await zshTab(`tsglance image-show ${name.slice(0, -2)}`, { as: 'admin', env: SLOW, cache });
    expect(cold.candidates).toEqual([name]);
    const warm = await zshTab(`tsglance image-show ${name.slice(0, -2)}`, { as: 'admin', cache, noBinary: true });
    expect(warm.candidates).toEqual([name]);
    expect(readdirSync(join(cache, 'tsglance', 'complete')).some((f) => f.endsWith('.images'))).toBe(true);
  });

  test('store ids, after a comma too, without the ones already listed', async () => {
    const cache = newCacheDir();
    const r = await zshTab('tsglance image-import x --stores dcn1,', { as: 'admin', env: SLOW, cache });
    expect(r.candidates.sort()).toEqual(['central', 'dcn0']);
  });

  test('no credentials: nothing, and no process started', async () => {
    const cache = newCacheDir();
    const r = await zshTab('tsglance image-show ', { as: 'none', cache });
    expect(r.candidates).toEqual([]);
    expect(r.stdout + r.stderr).toBe('');
    expect(existsSync(join(cache, 'tsglance', 'complete'))).toBe(false);
  });
});
