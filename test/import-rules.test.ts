/**
 * glanceclient's import rules and request body, without a server; then the same rules through the
 * binary with no credentials at all (a rule that sent a request would fail on authentication instead).
 */
import { describe, expect, it } from 'vitest';
import { createImportRequest, importFlags, importRequestFromFlags } from '../src/commands/import/rules.js';
import { importRequestBody, targetStores } from '../src/glance/import.js';
import { dataFile } from './helpers/fixtures.js';
import { tsglance } from './helpers/run.js';

const flags = (f: Record<string, unknown>) => importFlags(f);
const REMOTE = '47da8d6c-9ca6-43e9-9f4f-451858afb370';

describe('request body as glanceclient builds it', () => {
  it('stores with allow-failure true (default) add all_stores_must_succeed=false; false omits it', () => {
    expect(importRequestBody(importRequestFromFlags(flags({ importMethod: 'copy-image', stores: 'dcn0,dcn1' })))).toEqual({
      body: { method: { name: 'copy-image' }, stores: ['dcn0', 'dcn1'], all_stores_must_succeed: false },
      headers: {},
    });
    expect(
      importRequestBody(importRequestFromFlags(flags({ importMethod: 'copy-image', allStores: true, allowFailure: false }))),
    ).toEqual({ body: { method: { name: 'copy-image' }, all_stores: true }, headers: {} });
  });
  it('--store goes in the x-image-meta-store header; web-download carries the uri', () => {
    expect(
      importRequestBody(importRequestFromFlags(flags({ importMethod: 'web-download', uri: 'http://h/x', store: 'dcn1' }))),
    ).toEqual({ body: { method: { name: 'web-download', uri: 'http://h/x' } }, headers: { 'x-image-meta-store': 'dcn1' } });
  });
  it('glance-download sends region, image id and interface (default public)', () => {
    expect(
      importRequestBody(importRequestFromFlags(flags({ importMethod: 'glance-download', remoteRegion: 'RegionOne', remoteImageId: REMOTE }))).body,
    ).toEqual({
      method: { name: 'glance-download', glance_service_interface: 'public', glance_region: 'RegionOne', glance_image_id: REMOTE },
    });
  });
  it('targets: the stores, all writable stores (minus present ones for copy-image), the header store, or the default', () => {
    const avail = [{ id: 'central', default: 'true' }, { id: 'dcn0' }, { id: 'ro', 'read-only': 'true' }];
    const req = (f: Record<string, unknown>) => importRequestFromFlags(flags(f));
    expect(targetStores(req({ importMethod: 'copy-image', allStores: true }), avail, { id: 'x', name: null, status: 'active', stores: 'central' })).toEqual(['dcn0']);
    expect(targetStores(req({ importMethod: 'web-download', uri: 'http://h/x', allStores: true }), avail)).toEqual(['central', 'dcn0']);
    expect(targetStores(req({ importMethod: 'web-download', uri: 'http://h/x' }), avail)).toEqual(['central']);
  });
});

describe('image-import rules', () => {
  const err = (f: Record<string, unknown>) => () => importRequestFromFlags(flags(f));
  it.each([
    [{ store: 'a', stores: 'b' }, 'Only one of --store, --stores and --all-stores can be provided'],
    [{ stores: 'b', allStores: true }, 'Only one of --store, --stores and --all-stores can be provided'],
    [{ importMethod: 'web-download' }, 'Provide URI for web-download import method.'],
    [{ uri: 'http://h/x' }, "Import method should be 'web-download' if URI is provided."],
    [{ importMethod: 'glance-download', remoteRegion: 'R' }, "Provide REMOTE_IMAGE_ID and remote-region for 'glance-download' import method."],
    [{ remoteRegion: 'R' }, "Import method should be 'glance-download' if REMOTE REGION is provided."],
    [{ importMethod: 'copy-image' }, "Provide either --stores or --all-stores for 'copy-image' import method."],
    [{ importMethod: 'glance-download', remoteRegion: 'R', remoteImageId: 'nope' }, 'Remote image id does not look like a UUID: nope'],
  ])('%j → %s', (f, message) => {
    expect(err(f)).toThrow(message);
  });
});

describe('image-create-via-import rules', () => {
  const create = (f: Record<string, unknown>, data: { file?: string; stdin?: boolean } = {}) =>
    createImportRequest(flags(f), { file: data.file, stdin: !!data.stdin });
  it('infers glance-direct from data, creates a plain record without method or data', () => {
    expect(create({}, { file: 'x' })?.method).toBe('glance-direct');
    expect(create({}, { stdin: true })?.method).toBe('glance-direct');
    expect(create({})).toBeUndefined();
  });
  it.each([
    [{ importMethod: 'copy-image' }, {}, "Import method 'copy-image' cannot be used while creating the image."],
    [{ uri: 'http://h/x' }, {}, 'You cannot use --uri without specifying an import method.'],
    [{ importMethod: 'glance-direct' }, {}, 'You must specify a --file or provide data via stdin for the glance-direct import method.'],
    [{ importMethod: 'glance-direct', stores: 'a' }, {}, '--stores option should only be provided with --file option or stdin for the glance-direct import method.'],
    [{}, { file: 'x', stdin: true }, 'You cannot use both --file and stdin with the glance-direct import method.'],
    [{ importMethod: 'web-download' }, {}, "URI is required for web-download import method. Please use '--uri <uri>'."],
    [{ importMethod: 'web-download', allStores: true }, {}, '--all-stores option should only be provided with --uri option for the web-download import method.'],
    [{ importMethod: 'web-download', uri: 'http://h/x' }, { file: 'x' }, 'You cannot specify a --file with the web-download import method.'],
    [{ importMethod: 'web-download', uri: 'http://h/x' }, { stdin: true }, 'You cannot pass data via stdin with the web-download import method.'],
    [{ importMethod: 'glance-download' }, {}, 'REMOTE GlANCE REGION and REMOTE IMAGE ID are required for glance-download import method.'],
    [{ importMethod: 'glance-download', remoteRegion: 'R', remoteImageId: REMOTE, uri: 'http://h' }, {}, 'You cannot specify a --uri with the glance-download import method.'],
  ])('%j %j → %s', (f, data, message) => {
    expect(() => create(f, data)).toThrow(message);
  });
});

describe('rules through the binary, before any request (no credentials given)', () => {
  it.each([
    [['image-import', '--import-method', 'copy-image', 'x'], "Provide either --stores or --all-stores for 'copy-image' import method."],
    [['image-import', '--store', 'a', '--stores', 'b', 'x'], 'Only one of --store, --stores and --all-stores can be provided'],
    [['image-create-via-import', '--import-method', 'copy-image'], "Import method 'copy-image' cannot be used while creating the image."],
    [['image-create-via-import', '--import-method', 'web-download', '--disk-format', 'raw', '--container-format', 'bare'], "URI is required for web-download import method. Please use '--uri <uri>'."],
    [['image-create-via-import', '--import-method', 'glance-direct'], 'You must specify a --file or provide data via stdin for the glance-direct import method.'],
    [['image-create-via-import', '--all-stores', 'maybe'], "'maybe' is not True or False"],
    [['stores-delete', 'x'], "required option '--store <STORE_ID>' not specified"],
  ])('%j', async (args, message) => {
    const res = await tsglance(args, { as: 'none' });
    expect(res.stderr).toContain(message);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
  });

  it('glance-direct data needs both formats (before any request)', async () => {
    const res = await tsglance(['image-create-via-import', '--file', dataFile(1024)], { as: 'none' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Must provide --container-format, --disk-format when using --file.');
  });
});
