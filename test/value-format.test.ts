/** `-f value` prints booleans as the table does (Python's False/True); json keeps real booleans. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deleteImages, glanceImage } from './helpers/fixtures.js';
import { tsglance, uniqueName } from './helpers/run.js';

let id = '';
beforeAll(async () => {
  id = await glanceImage(['--name', uniqueName('value-bool')]);
});
afterAll(async () => {
  await deleteImages([id]);
});

it('image-show -f value -c protected -c os_hidden: False, as in the table', async () => {
  const value = await tsglance(['image-show', id, '-f', 'value', '-c', 'protected', '-c', 'os_hidden']);
  expect(value.code, value.stderr).toBe(0);
  expect(value.stdout).toBe('False\nFalse\n');
  const table = await tsglance(['image-show', id, '-c', 'protected']);
  expect(table.stdout).toMatch(/\| protected\s+\| False\s+\|/);
  const json = JSON.parse((await tsglance(['image-show', id, '-f', 'json', '-c', 'protected'])).stdout);
  expect(json.protected).toBe(false);
});
