/**
 * python-openstackclient's output habits against the real stack: -f csv, --noindent,
 * --sort-column, --max-width/--fit-width, and YAML that PyYAML (the system python3's, as Ansible
 * uses) reads back to exactly the JSON output.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteImages, glanceImage } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName, viaPty } from './helpers/run.js';

/** Strings a YAML 1.1 reader retypes when they are written bare. */
const TRICKY: Record<string, string> = {
  p_yes: 'yes',
  p_no: 'No',
  p_on: 'on',
  p_off: 'OFF',
  p_y: 'y',
  p_n: 'n',
  p_tilde: '~',
  p_null: 'null',
  p_empty: '',
  p_octal: '0755',
  p_zero_int: '010',
  p_sexagesimal: '1:20',
  p_underscore: '1_000',
  p_hex: '0x1F',
  p_float: '1.5',
  p_dot_float: '.5',
  p_exp: '1e3',
  p_inf: '.inf',
  p_nan: '.NaN',
  p_date: '2024-01-02',
  p_datetime: '2024-01-02 10:00:00',
  p_equals: '=',
  p_merge: '<<',
  p_true: 'True',
  p_colon: 'a: b',
  p_hash: '# not a comment',
  p_quote: `it's "quoted"`,
  p_lead_space: ' lead',
  p_long: Array.from({ length: 16 }, (_, i) => `word${i}`).join(' '),
  on: 'key that reads as a boolean',
  '<<': 'key that reads as a merge',
};

/** PyYAML's safe_load of the text, as JSON (a datetime or a refused tag makes python fail). */
function pyYaml(text: string): unknown {
  const res = spawnSync('/usr/bin/python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
    input: text,
    encoding: 'utf8',
  });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

/** Python's csv reader (RFC 4180) on the text: the records as arrays of strings. */
function pyCsv(text: string): string[][] {
  const res = spawnSync('/usr/bin/python3', ['-c', 'import sys, csv, json; print(json.dumps(list(csv.reader(sys.stdin, strict=True))))'], {
    input: text,
    encoding: 'utf8',
  });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

const suite = uniqueName('fmt');
const ids: string[] = [];
let tricky = '';

beforeAll(async () => {
  tricky = await glanceImage(['--name', `${suite}-tricky`, ...Object.entries(TRICKY).flatMap(([k, v]) => ['--property', `${k}=${v}`]), '--property', `suite=${suite}`]);
  ids.push(tricky);
  // names with a comma, quotes and a line break; ranks that order differently from the names
  for (const [name, rank] of [
    [`${suite}-c "quoted", too`, '2'],
    [`${suite}-a`, '3'],
    [`${suite}-b\nsecond line`, '1'],
    [`${suite}-d`, '1'],
  ]) {
    ids.push(await glanceImage(['--name', name, '--property', `suite=${suite}`, '--property', `rank=${rank}`]));
  }
});

afterAll(() => deleteImages(ids));

describe('-f yaml reads back as -f json in a YAML 1.1 reader', () => {
  it('image-show of an image whose properties look like booleans, nulls, numbers, dates and tags', async () => {
    const json = await tsglance(['image-show', tricky, '-f', 'json']);
    const yaml = await tsglance(['image-show', tricky, '-f', 'yaml']);
    expect(yaml.code, yaml.stderr).toBe(0);
    const image = JSON.parse(json.stdout);
    for (const [k, v] of Object.entries(TRICKY)) expect(image[k]).toBe(v);
    expect(pyYaml(yaml.stdout)).toEqual(image);
    // quoted as python-openstackclient quotes them
    expect(yaml.stdout).toContain("p_yes: 'yes'\n");
    expect(yaml.stdout).toContain("'<<': key that reads as a merge\n");
  });

  it('image-list', async () => {
    const args = ['image-list', '--property-filter', `suite=${suite}`];
    const json = JSON.parse((await tsglance([...args, '-f', 'json'])).stdout);
    expect(json).toHaveLength(5);
    expect(pyYaml((await tsglance([...args, '-f', 'yaml'])).stdout)).toEqual(json);
  });
});

describe('-f csv', () => {
  it('image-list: the table columns, RFC 4180 records (CRLF, quotes doubled, line breaks kept)', async () => {
    const args = ['image-list', '--property-filter', `suite=${suite}`];
    const json = JSON.parse((await tsglance([...args, '-f', 'json'])).stdout) as { id: string; name: string }[];
    const csv = await tsglance([...args, '-f', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.startsWith('"ID","Name"\r\n')).toBe(true);
    expect(csv.stdout.endsWith('\r\n')).toBe(true);
    expect(csv.stdout).toContain(`"${suite}-c ""quoted"", too"`);
    expect(pyCsv(csv.stdout)).toEqual([['ID', 'Name'], ...json.map((i) => [i.id, i.name])]);
  });

  it('-c picks columns, numbers stay bare; a record is Property/Value rows in table order', async () => {
    const csv = await tsglance(['image-list', '--property-filter', `suite=${suite}`, '-f', 'csv', '-c', 'name', '-c', 'min_disk']);
    expect(csv.stdout.split('\r\n')[0]).toBe('"Name","min_disk"');
    expect(csv.stdout).toMatch(/^".*",0\r$/m);
    const show = await tsglance(['image-show', tricky, '-f', 'csv']);
    const records = pyCsv(show.stdout);
    expect(records[0]).toEqual(['Property', 'Value']);
    const keys = records.slice(1).map((r) => r[0]);
    expect(keys).toEqual([...keys].sort());
    expect(records).toContainEqual(['p_quote', `it's "quoted"`]);
    expect(records).toContainEqual(['id', tricky]);
  });
});

describe('--sort-column, --noindent', () => {
  it('sorts rows by the named columns in order, in every format', async () => {
    const args = ['image-list', '--property-filter', `suite=${suite}`, '-c', 'rank', '-c', 'name'];
    const byRank = await tsglance([...args, '-f', 'json', '--sort-column', 'rank', '--sort-column', 'Name']);
    expect((JSON.parse(byRank.stdout) as { name: string }[]).map((i) => i.name)).toEqual([
      `${suite}-b\nsecond line`,
      `${suite}-d`,
      `${suite}-c "quoted", too`,
      `${suite}-a`,
      `${suite}-tricky`,
    ]);
    const table = await tsglance([...args, '--sort-column', 'rank', '--sort-column', 'name']);
    const names = [...table.stdout.matchAll(/^\| (\d?)\s*\| (\S+)/gm)].map((m) => m[2]);
    expect(names).toEqual([`${suite}-b`, 'second', `${suite}-d`, `${suite}-c`, `${suite}-a`, `${suite}-tricky`]);
    const bad = await tsglance([...args, '--sort-column', 'colour']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^No column 'colour'; available: /);
  });

  it('--noindent prints JSON on one line', async () => {
    const flat = await tsglance(['image-show', tricky, '-f', 'json', '--noindent']);
    expect(flat.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(flat.stdout)).toEqual(JSON.parse((await tsglance(['image-show', tricky, '-f', 'json'])).stdout));
  });
});

describe('--max-width, --fit-width', () => {
  const widest = (text: string) => Math.max(...text.split(/\r?\n/).map((l) => l.length));

  it('image-show --max-width 60: every line fits, no text lost', async () => {
    const json = JSON.parse((await tsglance(['image-show', tricky, '-f', 'json'])).stdout);
    const res = await tsglance(['image-show', tricky, '--max-width', '60']);
    expect(res.code, res.stderr).toBe(0);
    expect(widest(res.stdout)).toBeLessThanOrEqual(60);
    // a long value is wrapped inside its column, not cut
    const lines = res.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('| p_long '));
    const cell = (l: string) => l.split('|')[2].trim();
    const wrapped = [cell(lines[at])];
    for (let i = at + 1; /^\|\s+\|/.test(lines[i]); i++) wrapped.push(cell(lines[i]));
    expect(wrapped.length).toBeGreaterThan(1);
    expect(wrapped.join(' ')).toBe(json.p_long);
    expect(lines.find((l) => l.startsWith('| id '))).toContain(tricky);
  });

  it('the default table stays byte for byte glance\'s; TSGLANCE_FIT_WIDTH off a terminal changes nothing', async () => {
    const theirs = await glance(['image-show', tricky]);
    expect(widest(theirs.stdout)).toBeGreaterThan(60);
    expect((await tsglance(['image-show', tricky])).stdout).toBe(theirs.stdout);
    expect((await tsglance(['image-show', tricky], { env: { TSGLANCE_FIT_WIDTH: '1' } })).stdout).toBe(theirs.stdout);
    expect((await tsglance(['image-show', tricky, '--fit-width'])).stdout).toBe(theirs.stdout);
  });

  it('on a 60-column terminal --fit-width and TSGLANCE_FIT_WIDTH=1 fit the table to it', async () => {
    const fit = await viaPty(['image-show', tricky, '--fit-width'], { columns: 60 });
    expect(fit.code, fit.stdout).toBe(0);
    expect(fit.stdout).toContain(tricky);
    expect(widest(fit.stdout)).toBeLessThanOrEqual(60);
    const byEnv = await viaPty(['image-show', tricky], { columns: 60, env: { TSGLANCE_FIT_WIDTH: '1' } });
    expect(byEnv.stdout).toBe(fit.stdout);
    const list = await viaPty(['image-list', '--property-filter', `suite=${suite}`, '-c', 'id', '-c', 'name', '-c', 'os_hash_value'], {
      columns: 60,
      env: { TSGLANCE_FIT_WIDTH: '1' },
    });
    expect(widest(list.stdout)).toBeLessThanOrEqual(60);
    const unfitted = await viaPty(['image-show', tricky], { columns: 60 });
    expect(widest(unfitted.stdout)).toBeGreaterThan(60);
  });
});
