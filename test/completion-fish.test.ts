/**
 * fish completion, in real fish against the real stack: the generated script is sourced and
 * `complete -C LINE` says what fish offers. Live values come from the same cache files as bash's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deleteImages, glanceImage } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { bashTab, fishTab, newCacheDir } from './completion-shells.js';

const SLOW = { TSGLANCE_COMPLETE_TIMEOUT: '60' };

describe('fish: from the script alone', () => {
  test('commands with their summaries, options per command, globals after the command', async () => {
    const r = await fishTab('tsglance image-sh', { as: 'none' });
    expect(r.candidates).toEqual(['image-show']);
    expect(r.descriptions).toEqual(['Describe a specific image.']);
    const hidden = (await fishTab('tsglance __', { as: 'none' })).candidates;
    expect(hidden.filter((c) => c.startsWith('__'))).toEqual([]);
    expect((await fishTab('tsglance image-show --hu', { as: 'none' })).candidates).toEqual(['--human-readable']);
    const list = await fishTab('tsglance image-list --', { as: 'none' });
    expect(list.candidates).toContain('--sort-key');
    expect(list.candidates).toContain('--os-cloud');
    expect(list.candidates).toContain('--sort-column');
    expect(list.candidates).not.toContain('--os-tenant-name');
  });

  test('nested glance-cache-manage, and its -f that is --force (a switch), not --format', async () => {
    expect((await fishTab('tsglance glance-cache-manage list-', { as: 'none' })).candidates).toEqual(['list-cached', 'list-queued']);
    const afterForce = await fishTab('tsglance glance-cache-manage list-cached -f --for', { as: 'none' });
    expect(afterForce.candidates.sort()).toEqual(['--force', '--format']);
  });

  test('enum values, --opt=value, True/False, files, help COMMAND', async () => {
    expect((await fishTab('tsglance image-create --disk-format q', { as: 'none' })).candidates).toEqual(['qcow2']);
    expect((await fishTab('tsglance image-create --disk-format=r', { as: 'none' })).candidates).toEqual(['--disk-format=raw']);
    expect((await fishTab('tsglance -f c', { as: 'none' })).candidates).toEqual(['csv']);
    expect((await fishTab('tsglance image-update x --hidden ', { as: 'none' })).candidates.sort()).toEqual(['False', 'True']);
    expect((await fishTab('tsglance completion ', { as: 'none' })).candidates.sort()).toEqual(['bash', 'fish', 'zsh']);
    expect((await fishTab('tsglance image-upload x --file package.j', { as: 'none' })).candidates).toEqual(['package.json']);
    expect((await fishTab('tsglance help stores-i', { as: 'none' })).candidates).toEqual(['stores-info']);
  });

  test('no credentials: nothing offered for an image, no process started, nothing printed', async () => {
    const cache = newCacheDir();
    const r = await fishTab('tsglance image-show ', { as: 'none', cache });
    expect(r.candidates).toEqual([]);
    expect(r.stderr).toBe('');
    expect(existsSync(join(cache, 'tsglance', 'complete'))).toBe(false);
  });
});

describe('fish: live values from the stack', () => {
  const name = uniqueName('tab-fish');
  let id = '';
  beforeAll(async () => {
    id = await glanceImage(['--name', name]);
  });
  afterAll(() => deleteImages([id]));

  test('image names and IDs, then from the cache bash filled, without starting tsglance', async () => {
    const cache = newCacheDir();
    const byName = await fishTab(`tsglance image-show ${name.slice(0, -2)}`, { as: 'admin', env: SLOW, cache });
    expect(byName.candidates).toEqual([name]);
    expect(byName.descriptions).toEqual([id]);
    const byId = await fishTab(`tsglance image-delete x ${id.slice(0, 8)}`, { as: 'admin', env: SLOW, cache });
    expect(byId.candidates).toEqual([id]);
    // a cache that bash filled is read by fish (same key, same files): tsglance is not on PATH
    const other = newCacheDir();
    expect((await bashTab(['tsglance', 'image-show', name.slice(0, -2)], { as: 'admin', env: SLOW, cache: other })).candidates).toEqual([name]);
    const warm = await fishTab(`tsglance image-show ${name.slice(0, -2)}`, { as: 'admin', cache: other, noBinary: true });
    expect(warm.candidates).toEqual([name]);
  });

  test('store ids for --store and --stores (a comma list, each store once)', async () => {
    const cache = newCacheDir();
    const store = await fishTab('tsglance image-upload x --store dcn', { as: 'admin', env: SLOW, cache });
    expect(store.candidates.sort()).toEqual(['dcn0', 'dcn1']);
    const list = await fishTab('tsglance image-import x --stores dcn0,', { as: 'admin', env: SLOW, cache });
    expect(list.candidates.sort()).toEqual(['dcn0,central', 'dcn0,dcn1']);
  });
});

describe('bash-completion (glanceclient\'s word list)', () => {
  test('one line of words: every command and command option glance lists that tsglance has too', async () => {
    const [ours, theirs] = await Promise.all([tsglance(['bash-completion'], { as: 'none' }), glance(['bash-completion'], { as: 'none' })]);
    expect(ours.code).toBe(0);
    expect(ours.stdout).toMatch(/^\S+( \S+)*\n$/);
    const words = new Set(ours.stdout.trim().split(' '));
    for (const w of ['image-create', 'image-list', 'help', '--help', '-h', '--disk-format', '--property', 'md-tag-list', 'glance-cache-manage']) {
      expect(words, w).toContain(w);
    }
    expect(words).not.toContain('bash-completion');
    expect(words).not.toContain('__complete');
    const missing = theirs.stdout.trim().split(' ').filter((w) => !words.has(w));
    // glance's md-* schema options it builds from the metadef schemas, which tsglance does not offer
    expect(missing.sort()).toEqual(['--created-at', '--self', '--updated-at']);
  });
});
