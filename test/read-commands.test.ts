/**
 * image-list, image-show, import-info and stores-info against the real stack, byte for byte
 * against python-glanceclient for the same call, plus the machine-readable formats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, deleteImages, glanceImage } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName, expectSameAsGlance } from './helpers/run.js';

const suite = uniqueName('rc');
const ids: string[] = [];
let withData: string;
let hidden: string;
let dupName: string;

beforeAll(async () => {
  withData = await glanceImage([
    '--name', `${suite}-data`, '--file', dataFile(300_000), '--property', `suite=${suite}`, '--property', 'os_distro=cirros',
    '--tags', 'smoke', 'golden', '--min-ram', '0',
  ]);
  ids.push(withData);
  hidden = await glanceImage(['--name', `${suite}-hidden`, '--property', `suite=${suite}`, '--hidden', 'True']);
  ids.push(hidden);
  dupName = `${suite}-dup`;
  ids.push(await glanceImage(['--name', dupName, '--property', `suite=${suite}`]));
  ids.push(await glanceImage(['--name', dupName, '--property', `suite=${suite}`]));
  ids.push(await glanceImage(['--name', `${suite}-empty`, '--property', `suite=${suite}`, '--property', 'long=' + 'word-'.repeat(40)]));
});

afterAll(async () => {
  await deleteImages(ids);
});

const same = (args: string[]) => expectSameAsGlance(args);

describe('byte-for-byte with glance', () => {
  it('image-show by ID (data, tags, properties, hashes wrapped at 80)', async () => {
    const res = await same(['image-show', withData]);
    expect(res.stdout).toContain('| os_hash_value');
  });

  it('image-show of an image without data (Not available, None)', async () => {
    await same(['image-show', ids[4]]);
  });

  it('image-show --human-readable and --max-column-width', async () => {
    await same(['image-show', '--human-readable', withData]);
    await same(['image-show', '--max-column-width', '40', withData]);
  });

  it('image-list with filters, sorting and paging', async () => {
    await same(['image-list', '--property-filter', `suite=${suite}`]);
    await same(['image-list', '--property-filter', `suite=${suite}`, '--sort-key', 'name', '--sort-dir', 'desc']);
    await same(['image-list', '--property-filter', `suite=${suite}`, '--sort', 'size:desc,name:asc']);
    await same(['image-list', '--property-filter', `suite=${suite}`, '--page-size', '1']);
    await same(['image-list', '--property-filter', `suite=${suite}`, '--limit', '2']);
    await same(['image-list', '--property-filter', `suite=${suite}`, '--tag', 'golden']);
  });

  it('image-list -v, --include-stores, --hidden', async () => {
    await same(['--verbose', 'image-list', '--property-filter', `suite=${suite}`]);
    await same(['image-list', '--property-filter', `suite=${suite}`, '--include-stores']);
    await same(['--verbose', 'image-list', '--property-filter', `suite=${suite}`, '--include-stores']);
    const h = await same(['image-list', '--property-filter', `suite=${suite}`, '--hidden', 'True']);
    expect(h.stdout).toContain(hidden);
  });

  it('image-list with no match prints the empty table', async () => {
    const res = await same(['image-list', '--property-filter', `suite=${suite}-none`]);
    expect(res.stdout).toBe('+----+------+\n| ID | Name |\n+----+------+\n+----+------+\n');
  });

  it('import-info, stores-info, stores-info --detail', async () => {
    await same(['import-info']);
    await same(['stores-info']);
    await same(['stores-info', '--detail']);
  });
});

describe('names, formats and errors', () => {
  it('image-show takes a unique name, hidden images included', async () => {
    const [byName, byId] = await Promise.all([tsglance(['image-show', `${suite}-hidden`]), tsglance(['image-show', hidden])]);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toBe(byId.stdout);
  });

  it('an ambiguous name fails listing the candidates', async () => {
    const res = await tsglance(['image-show', dupName]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Multiple images are named '${dupName}'`);
    expect(lines[0]).toContain(ids[2]);
    expect(lines[0]).toContain(ids[3]);
  });

  it('a missing image is one line and exit 1', async () => {
    const res = await tsglance(['image-show', '00000000-0000-0000-0000-000000000000']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe("No image with a name or ID of '00000000-0000-0000-0000-000000000000' exists.\n");
  });

  it('-f json carries every field of the image', async () => {
    const res = await tsglance(['image-show', '-f', 'json', withData]);
    expect(res.code).toBe(0);
    const image = JSON.parse(res.stdout);
    const table = await glance(['image-show', withData]);
    const keys = [...table.stdout.matchAll(/^\| (\w+)\s+\|/gm)].map((m) => m[1]).filter((k) => k !== 'Property');
    for (const k of keys) expect(image).toHaveProperty(k);
    expect(image.id).toBe(withData);
    expect(image.suite).toBe(suite);
    expect(image.tags.sort()).toEqual(['golden', 'smoke']);
    expect(image.size).toBe(300_000);
  });

  it('-f json on image-list gives whole image objects; -f value -c id gives bare ids', async () => {
    const json = await tsglance(['image-list', '--property-filter', `suite=${suite}`, '-f', 'json']);
    const list = JSON.parse(json.stdout) as { id: string; suite: string }[];
    expect(list.map((i) => i.id).sort()).toEqual(ids.filter((i) => i !== hidden).sort());
    expect(list.every((i) => i.suite === suite)).toBe(true);
    const value = await tsglance(['image-list', '--property-filter', `suite=${suite}`, '-f', 'value', '-c', 'id']);
    expect(value.stdout.trim().split('\n').sort()).toEqual(list.map((i) => i.id).sort());
    const yaml = await tsglance(['image-show', withData, '-f', 'yaml', '-c', 'id', '-c', 'status']);
    expect(yaml.stdout).toBe(`id: ${withData}\nstatus: active\n`);
  });

  it('-c on a table keeps the glanceclient shape for the chosen columns', async () => {
    const res = await tsglance(['image-list', '--property-filter', `suite=${suite}`, '--sort-key', 'name', '-c', 'Name', '-c', 'status']);
    expect(res.stdout.split('\n')[1]).toBe(`| Name${' '.repeat(res.stdout.split('\n')[0].indexOf('+', 1) - 6)}| status |`);
  });

  it('bad input is a usage error before any request (exit 2)', async () => {
    const bad = await tsglance(['image-list', '--sort', 'name', '--sort-key', 'size'], { as: 'none' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('--sort cannot be combined with --sort-key or --sort-dir\n');
    const badKey = await tsglance(['image-list', '--sort-key', 'colour'], { as: 'none' });
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/argument 'colour' is invalid/);
    const badFilter = await tsglance(['image-list', '--property-filter', 'novalue'], { as: 'none' });
    expect(badFilter.code).toBe(2);
    expect(badFilter.stderr).toBe("Argument --property-filter expected properties in the format KEY=VALUE, not 'novalue'\n");
    const unknown = await tsglance(['image-list', '--no-such-flag'], { as: 'none' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  });
});
