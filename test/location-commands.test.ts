/**
 * location-* and add-location against this stack's Glance (Zed), which has show_multiple_locations
 * off and no Locations API (v2.17): what the server refuses, and how, compared with glance;
 * JSON options checked before any request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteImages, glanceImage } from './helpers/fixtures.js';
import { glance, tsglance, uniqueName } from './helpers/run.js';
import { rest, stackEnv, stackState } from './helpers/stack.js';

const name = uniqueName('loc');
let image: string;
const conf = readFileSync(join(stackState(), 'etc', 'glance', 'glance-api.conf'), 'utf8');
const locationsShown = /^\s*show_multiple_locations\s*=\s*true/im.test(conf);

beforeAll(async () => {
  image = await glanceImage(['--name', name]);
});

afterAll(async () => {
  await deleteImages([image]);
});

describe.runIf(!locationsShown)('locations hidden by the server (show_multiple_locations off)', () => {
  it("location-add: the server's 403, as glance reports it, entity decoded", async () => {
    const args = ['location-add', image, '--url', 'http://127.0.0.1/nowhere', '--metadata', '{"a": 1}'];
    const [ours, theirs] = await Promise.all([tsglance(args), glance(args)]);
    expect(theirs.code).toBe(1);
    expect(theirs.stderr).toContain('HTTP 403 Forbidden: It&#x27;s not allowed to add locations if locations are invisible.');
    expect(ours.code).toBe(1);
    expect(ours.stdout).toBe('');
    expect(ours.stderr).toMatch(/^HTTP 403 Forbidden: It's not allowed to add locations if locations are invisible\. \(request-id req-/);
    // by name as well
    const byName = await tsglance(['location-add', name, '--url', 'http://127.0.0.1/nowhere']);
    expect(byName.stderr).toMatch(/^HTTP 403 Forbidden: It's not allowed/);
  });

  it('location-delete and location-update: no locations field, refused before any PATCH, like glance', async () => {
    for (const args of [
      ['location-delete', image, '--url', 'http://127.0.0.1/a', '--url', 'http://127.0.0.1/b'],
      ['location-update', image, '--url', 'http://127.0.0.1/a', '--metadata', '{"k": "v"}'],
    ]) {
      const [ours, theirs] = await Promise.all([tsglance(args), glance(args)]);
      expect(theirs.code).toBe(1);
      expect(theirs.stderr).toContain('The administrator has disabled API access to image locations');
      expect(ours.code).toBe(1);
      expect(ours.stderr).toMatch(/^The administrator has disabled API access to image locations \(Glance option show_multiple_locations is off\)\n$/);
    }
  });

  it('location-update with the default metadata warns on stderr (glance: on stdout)', async () => {
    const ours = await tsglance(['location-update', image, '--url', 'http://127.0.0.1/a']);
    const theirs = await glance(['location-update', image, '--url', 'http://127.0.0.1/a']);
    expect(theirs.stdout).toContain("WARNING -- The location's metadata will be updated to an empty JSON object.");
    expect(ours.stdout).toBe('');
    expect(ours.stderr).toContain("WARNING -- The location's metadata will be updated to an empty JSON object.");
  });

  it('location-list: no locations field and no Locations API to ask', async () => {
    const res = await tsglance(['location-list', name]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('show_multiple_locations is off');
    expect(res.stderr).toContain('no Locations API (v2.17)');
  });
});

describe('add-location (Locations API, v2.17)', () => {
  it('names the missing API version when /versions lacks v2.17', async () => {
    const versions = JSON.parse((await rest('GET', `${stackEnv().GLANCE_STACK_GLANCE_URL}/versions`)).text) as { versions: { id: string }[] };
    const has217 = versions.versions.some((v) => v.id === 'v2.17');
    const res = await tsglance(['add-location', image, '--url', 'http://127.0.0.1/nowhere']);
    if (has217) {
      // a newer Glance: the request reaches the Locations API (policy decides who may use it)
      expect(res.stderr).not.toContain('does not offer the Locations API');
    } else {
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(
        'This Glance does not offer the Locations API (API v2.17, Glance 2024.2 or later); location-add (JSON patch) needs show_multiple_locations on the server\n',
      );
    }
  });
});

describe('JSON and required options are checked before any request', () => {
  it.each([
    [['location-add', 'x', '--url', 'u', '--metadata', '{bad'], /^--metadata is not valid JSON: /],
    [['location-add', 'x', '--url', 'u', '--metadata', '[1, 2]'], /^--metadata must be a JSON object \(\{\.\.\.\}\), not an array/],
    [['location-add', 'x', '--url', 'u', '--hash-algo', 'sha256'], /^--hash-algo and --hash-value go together/],
    [['location-update', 'x', '--url', 'u', '--metadata', '"s"'], /^--metadata must be a JSON object/],
    [['location-delete', 'x'], /--url/],
    [['add-location', 'x', '--url', 'u', '--validation-data', '{"checksum": "x"}'], /^--validation-data should contain only os_hash_algo and os_hash_value; not checksum/],
    [['add-location', 'x', '--url', 'u', '--validation-data', '{"os_hash_algo": "crc32", "os_hash_value": "1"}'], /os_hash_algo 'crc32' is not one of sha512, sha256, sha1, md5/],
    [['add-location', 'x', '--url', 'u', '--validation-data', '{"os_hash_value": "1"}'], /needs both os_hash_algo and os_hash_value/],
    [['add-location', 'x'], /the following arguments are required: --url/],
  ])('%j', async (args, message) => {
    // no credentials at all: a request would fail differently
    const res = await tsglance(args as string[], { as: 'none' });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message as RegExp);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});
