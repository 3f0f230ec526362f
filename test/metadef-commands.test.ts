/**
 * The md-* commands against the real stack (admin writes, demo's refusal), each read compared
 * byte for byte with glance's output for the same call; what tsglance writes is read back by glance.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { glance, tsglance, uniqueName, expectSameAsGlance } from './helpers/run.js';

const ns = uniqueName('md');
const ns2 = `${ns}-renamed`;
const imported = `${ns}-imp`;
const cleanup = [ns, ns2, imported];

afterAll(async () => {
  for (const n of cleanup) await glance(['md-namespace-delete', n]);
});

async function ok(args: string[], opts = {}) {
  const res = await tsglance(args, opts);
  expect(res.stderr, args.join(' ')).toBe('');
  expect(res.code).toBe(0);
  return res;
}

const same = (args: string[]) => expectSameAsGlance(args);

describe('metadef namespaces, resource types, properties, objects, tags', () => {
  it('md-namespace-create prints what glance md-namespace-show prints for it', async () => {
    const res = await ok(['md-namespace-create', ns, '--display-name', 'TS glance', '--description', 'made by tests', '--visibility', 'public', '--protected', 'False']);
    expect(res.stdout).toBe((await glance(['md-namespace-show', ns])).stdout);
    expect(res.stdout).toMatch(/\| visibility\s+\| public\s+\|/);
  });

  it('md-resource-type-associate / -list / md-namespace-resource-type-list', async () => {
    const res = await ok(['md-resource-type-associate', ns, '--name', 'OS::Glance::Image', '--prefix', 'tsg_']);
    expect(res.stdout).toMatch(/\| name\s+\| OS::Glance::Image\s+\|/);
    expect(res.stdout).toMatch(/\| prefix\s+\| tsg_\s+\|/);
    await same(['md-namespace-resource-type-list', ns]);
    const all = await same(['md-resource-type-list']);
    expect(all.stdout).toContain('| OS::Glance::Image');
  });

  it('md-property-create / -show / -list / -update', async () => {
    const res = await ok(['md-property-create', ns, '--name', 'cores', '--title', 'Cores', '--type', 'integer', '--schema', '{"description": "CPU cores", "minimum": 1}']);
    expect(res.stdout).toBe((await glance(['md-property-show', ns, 'cores'])).stdout);
    await same(['md-property-show', ns, 'cores']);
    await same(['md-property-show', '--max-column-width', '5', ns, 'cores']);
    await same(['md-property-list', ns]);
    const upd = await ok(['md-property-update', ns, 'cores', '--name', 'vcpus', '--title', 'vCPUs']);
    expect(upd.stdout).toMatch(/\| name\s+\| vcpus\s+\|/);
    expect(upd.stdout).toMatch(/\| minimum\s+\| 1\s+\|/);
    expect(upd.stdout).toBe((await glance(['md-property-show', ns, 'vcpus'])).stdout);
  });

  it('md-object-create / -show / -property-show / -list (description wrapped at 50) / -update', async () => {
    const schema = {
      description: 'A CPU object whose description is long enough to be wrapped in the list at fifty columns',
      properties: { sockets: { type: 'integer', title: 'Sockets', description: 'How many' } },
    };
    const res = await ok(['md-object-create', ns, '--name', 'cpu', '--schema', JSON.stringify(schema)]);
    expect(res.stdout).toMatch(/\| properties\s+\| \["sockets"\]\s+\|/);
    await same(['md-object-show', ns, 'cpu']);
    await same(['md-object-property-show', ns, 'cpu', 'sockets']);
    const list = await same(['md-object-list', ns]);
    expect(list.stdout.split('\n')[0]).toBe(`+------+${'-'.repeat(52)}+`);
    const upd = await ok(['md-object-update', ns, 'cpu', '--name', 'processor']);
    expect(upd.stdout).toBe((await glance(['md-object-show', ns, 'processor'])).stdout);
    const missing = await tsglance(['md-object-property-show', ns, 'processor', 'nope']);
    const theirs = await glance(['md-object-property-show', ns, 'processor', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(theirs.stderr);
  });

  it('md-tag-create / -create-multiple --append / -show / -list / -update', async () => {
    const one = await ok(['md-tag-create', ns, '--name', ' gold ']);
    expect(one.stdout).toBe((await glance(['md-tag-show', ns, 'gold'])).stdout);
    // glanceclient 4.1 fails here ("quote_from_bytes() expected bytes"): tsglance sends the header as text
    const more = await ok(['md-tag-create-multiple', ns, '--names', 'silver;bronze;', '--delim', ';', '--append']);
    expect(more.stdout).toContain('| silver |');
    const list = await same(['md-tag-list', ns]);
    for (const t of ['gold', 'silver', 'bronze']) expect(list.stdout).toContain(`| ${t} `);
    await same(['md-tag-show', ns, 'silver']);
    const upd = await ok(['md-tag-update', ns, 'bronze', '--name', 'copper']);
    expect(upd.stdout).toBe((await glance(['md-tag-show', ns, 'copper'])).stdout);
  });

  it('md-namespace-show (flattened names, --resource-type prefix, --max-column-width) and -list', async () => {
    const show = await same(['md-namespace-show', ns]);
    expect(show.stdout).toMatch(/\| properties\s+\| \["vcpus"\]/);
    expect(show.stdout).toMatch(/\| objects\s+\| \["processor"\]/);
    expect(show.stdout).toMatch(/\| resource_type_associations \| \["OS::Glance::Image"\]/);
    const prefixed = await same(['md-namespace-show', ns, '--resource-type', 'OS::Glance::Image']);
    expect(prefixed.stdout).toContain('["tsg_vcpus"]');
    await same(['md-namespace-show', ns, '--max-column-width', '20']);
    const json = JSON.parse((await ok(['md-namespace-show', ns, '-f', 'json'])).stdout);
    expect(json.properties.vcpus.title).toBe('vCPUs');
    const list = await ok(['md-namespace-list', '--visibility', 'public', '--page-size', '1', '-f', 'value']);
    expect(list.stdout.split('\n')).toContain(ns);
    await same(['md-namespace-list', '--resource-types', 'OS::Glance::Image', '--visibility', 'public']);
  });

  it('md-namespace-import from --file and from stdin; bad JSON refused before any request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsg-md-'));
    const file = join(dir, 'ns.json');
    writeFileSync(file, JSON.stringify({ namespace: imported, visibility: 'private', tags: [{ name: 'x' }] }));
    const res = await ok(['md-namespace-import', '--file', file]);
    expect(res.stdout).toMatch(/\| tags\s+\| \["x"\]/);
    await glance(['md-namespace-delete', imported]);
    const piped = await ok(['md-namespace-import'], { input: JSON.stringify({ namespace: imported }) });
    expect(piped.stdout).toMatch(new RegExp(`\\| namespace\\s+\\| ${imported}\\s+\\|`));
    const bad = await tsglance(['md-namespace-import'], { as: 'none', input: '{"namespace": ' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^stdin is not valid JSON/);
    const none = await tsglance(['md-namespace-import'], { as: 'none' });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('No metadata definition namespace passed via stdin or --file argument.\n');
  });

  it('JSON and required options are checked before any request', async () => {
    const cases: [string[], RegExp][] = [
      [['md-property-create', ns, '--name', 'a', '--title', 'A', '--type', 'string', '--schema', 'nope'], /^--schema is not valid JSON/],
      [['md-property-create', ns, '--name', 'a', '--title', 'A', '--schema', '{}'], /--type/],
      [['md-object-create', ns, '--name', 'o', '--schema', '[]'], /^--schema must be a JSON object/],
      [['md-object-update', ns, 'o', '--schema', '{'], /^--schema is not valid JSON/],
      [['md-tag-create', ns, '--name', '  '], /^Please supply at least one non-blank tag name\./],
      [['md-tag-create-multiple', ns, '--names', ',,'], /^Please supply at least one tag name/],
      [['md-namespace-create', ns, '--visibility', 'shared'], /shared/],
      [['md-namespace-create', ns, '--protected', 'maybe'], /maybe/],
      [['md-resource-type-associate', ns], /--name/],
    ];
    for (const [args, message] of cases) {
      const res = await tsglance(args, { as: 'none' });
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(message);
    }
  });

  it("demo's writes are refused by policy with glance's line", async () => {
    const args = ['md-namespace-create', `${ns}-demo`];
    const [ours, theirs] = await Promise.all([tsglance(args, { as: 'demo' }), glance(args, { as: 'demo' })]);
    expect(theirs.code).toBe(1);
    expect(ours.code).toBe(1);
    const line = theirs.stderr.trim();
    expect(line).toMatch(/^HTTP 403 Forbidden/);
    expect(ours.stderr.startsWith(line)).toBe(true);
  });

  it('deletes: tags, objects, properties, deassociate, rename, namespace', async () => {
    await ok(['md-tag-delete', ns, 'gold']);
    await ok(['md-namespace-tags-delete', ns]);
    expect((await glance(['md-tag-list', ns])).stdout).not.toContain('silver');
    await ok(['md-object-delete', ns, 'processor']);
    await ok(['md-object-create', ns, '--name', 'o2', '--schema', '{}']);
    await ok(['md-namespace-objects-delete', ns]);
    expect((await glance(['md-object-list', ns])).stdout).not.toContain('o2');
    await ok(['md-property-delete', ns, 'vcpus']);
    await ok(['md-property-create', ns, '--name', 'p2', '--title', 'P2', '--type', 'string', '--schema', '{}']);
    await ok(['md-namespace-properties-delete', ns]);
    expect((await glance(['md-property-list', ns])).stdout).not.toContain('p2');
    await ok(['md-resource-type-deassociate', ns, 'OS::Glance::Image']);
    expect((await glance(['md-namespace-resource-type-list', ns])).stdout).not.toContain('OS::Glance::Image');
    const renamed = await ok(['md-namespace-update', ns, '--namespace', ns2, '--description', 'renamed']);
    expect(renamed.stdout).toBe((await glance(['md-namespace-show', ns2])).stdout);
    await ok(['md-namespace-delete', ns2]);
    const gone = await tsglance(['md-namespace-show', ns2]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^HTTP 404 Not Found/);
  });
});
