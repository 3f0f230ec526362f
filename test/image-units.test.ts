/**
 * Image lifecycle pieces that need no server: flag → body rules, the stdin rule, the progress
 * line, the patch builder, and — in process, with a MockAgent that records every request — the
 * promise that bad input sends no request at all.
 */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { buildCreateBody, parseImageFields, requireFormatsForData } from '../src/commands/image/create-options.js';
import { resolveDataSource, type StdinKind } from '../src/commands/image/data-source.js';
import { pyRepr } from '../src/commands/image/tasks.js';
import { chooseVerification } from '../src/glance/data.js';
import { imagePatch, type Image } from '../src/glance/images.js';
import type { JsonSchema } from '../src/glance/schema.js';
import { formatProgress, formatSummary, startProgress } from '../src/output/progress.js';
import type { IO } from '../src/output/io.js';
import { runCli } from '../src/run.js';

const dir = mkdtempSync(join(tmpdir(), 'tsglance-image-units-'));

const SCHEMA: JsonSchema = {
  properties: {
    disk_format: { type: ['null', 'string'], enum: [null, 'raw', 'qcow2'] },
    container_format: { type: ['null', 'string'], enum: [null, 'bare', 'ovf'] },
    visibility: { type: 'string', enum: ['public', 'private', 'community', 'shared'] },
    checksum: { type: ['null', 'string'], readOnly: true },
    size: { type: ['null', 'integer'], readOnly: true },
    name: { type: ['null', 'string'] },
  },
};

function fakeIO(o: { stdin?: Readable; stdinKind?: StdinKind; stdoutIsTTY?: boolean; stdinIsTTY?: boolean } = {}) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d: Buffer) => out.push(d));
  stderr.on('data', (d: Buffer) => err.push(d));
  const io: IO & { stdinKind?: StdinKind } = {
    stdin: o.stdin ?? Readable.from([]),
    stdout,
    stderr,
    stdinIsTTY: !!o.stdinIsTTY,
    stdinClosed: false,
    stdoutIsTTY: !!o.stdoutIsTTY,
    stderrIsTTY: false,
    columns: 0,
    color: false,
    interactive: false,
    stdinKind: o.stdinKind,
  };
  return { io, out: () => Buffer.concat(out).toString(), err: () => Buffer.concat(err).toString() };
}

describe('create options', () => {
  it('builds the body from schema flags, --hidden, --property and several --tags', () => {
    const parsed = parseImageFields(
      { name: 'n', diskFormat: 'raw', containerFormat: 'bare', minRam: 5, tags: ['a', 'b', 'a'], hidden: true, property: ['k=v=w', 'os_distro=x'] },
      'create',
    );
    expect(buildCreateBody(parsed, SCHEMA)).toEqual({
      name: 'n', disk_format: 'raw', container_format: 'bare', min_ram: 5, tags: ['a', 'b'], os_hidden: true, k: 'v=w', os_distro: 'x',
    });
  });

  it('maps old-guide options with a notice, and refuses them next to the new spelling', () => {
    const p = parseImageFields({ isPublic: 'True', isProtected: 'false' }, 'create');
    expect(p.fields).toEqual({ visibility: 'public', protected: false });
    expect(p.notices).toEqual(['--is-public is an old option: use --visibility public', '--is-protected is an old option: use --protected False']);
    expect(() => parseImageFields({ isPublic: 'yes', visibility: 'shared' }, 'create')).toThrow(/--is-public cannot be combined/);
    expect(() => parseImageFields({ isPublic: 'maybe' }, 'create')).toThrow(/not True or False/);
  });

  it('rejects bad --property syntax, unknown enum values and read-only keys before any request', () => {
    expect(() => parseImageFields({ property: ['novalue'] }, 'create')).toThrow("--property: expected KEY=VALUE, not 'novalue'");
    expect(() => parseImageFields({ property: ['=x'] }, 'create')).toThrow(/KEY=VALUE/);
    const bad = parseImageFields({ diskFormat: 'vhdz' }, 'create');
    expect(() => buildCreateBody(bad, SCHEMA)).toThrow("--disk-format: 'vhdz' is not valid; use one of raw, qcow2");
    expect(() => buildCreateBody(parseImageFields({ property: ['visibility=everyone'] }, 'create'), SCHEMA)).toThrow(/--property visibility/);
    expect(() => buildCreateBody(parseImageFields({ property: ['checksum=x'] }, 'create'), SCHEMA)).toThrow(/read-only/);
    expect(() => buildCreateBody(parseImageFields({ property: ['size=1'] }, 'create'), SCHEMA)).toThrow(/use --size/);
  });

  it('update: no --tags/--id, and --remove-property may not also be set', () => {
    expect(parseImageFields({ tags: ['x'], id: 'y', name: 'z' }, 'update').fields).toEqual({ name: 'z' });
    expect(() => parseImageFields({ property: ['a=1'], removeProperty: ['a'] }, 'update')).toThrow(/also being set/);
  });

  it('demands both formats when there is data', () => {
    expect(() => requireFormatsForData({ disk_format: 'raw' }, '--file')).toThrow('Must provide --container-format when using --file.');
    expect(() => requireFormatsForData({}, 'stdin')).toThrow(/^Must provide --container-format, --disk-format when using stdin\./);
    expect(() => requireFormatsForData({ disk_format: 'raw', container_format: 'bare' }, '--file')).not.toThrow();
  });
});

describe('data source rule', () => {
  const file = join(dir, 'ten.raw');
  writeFileSync(file, Buffer.alloc(10, 1));

  it('takes --file with its size, and checks --size against it', async () => {
    const { io } = fakeIO({ stdinKind: 'tty' });
    const src = await resolveDataSource({ file }, io);
    expect(src).toMatchObject({ kind: 'file', size: 10 });
    await expect(resolveDataSource({ file, size: 11 }, io)).rejects.toThrow(/Size mismatch: --size 11 .* \(10 bytes\)/);
  });

  it('gives one clear line for a missing file and a directory', async () => {
    const { io } = fakeIO({ stdinKind: 'tty' });
    await expect(resolveDataSource({ file: join(dir, 'nope') }, io)).rejects.toThrow(/does not exist or user does not have read privileges/);
    mkdirSync(join(dir, 'd'), { recursive: true });
    await expect(resolveDataSource({ file: join(dir, 'd') }, io)).rejects.toThrow(/is a directory/);
  });

  it('never reads a terminal, a closed stdin or /dev/null; reads a pipe with data; an empty pipe is no data', async () => {
    for (const kind of ['tty', 'closed', 'device'] as StdinKind[]) {
      const { io } = fakeIO({ stdinKind: kind, stdin: Readable.from([Buffer.from('x')]) });
      expect(await resolveDataSource({}, io), kind).toBeUndefined();
    }
    const { io: tty } = fakeIO({ stdinKind: 'tty' });
    await expect(resolveDataSource({ file: '-' }, tty)).rejects.toThrow(/stdin is a terminal/);
    const { io: pipe } = fakeIO({ stdinKind: 'pipe', stdin: Readable.from([Buffer.from('abc'), Buffer.from('def')]) });
    const src = await resolveDataSource({ size: 6 }, pipe);
    expect(src).toMatchObject({ kind: 'stdin', size: 6, implicit: true });
    const chunks: Buffer[] = [];
    for await (const c of src!.open()) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('abcdef');
    const { io: empty } = fakeIO({ stdinKind: 'pipe', stdin: Readable.from([]) });
    expect(await resolveDataSource({}, empty)).toBeUndefined();
  });
});

describe('progress view', () => {
  it('shows percent and ETA only with a total, bytes and rate always', () => {
    expect(formatProgress({ label: 'Uploading', bytes: 512 * 1024 * 1024, total: 1024 ** 3, rate: 100 * 1024 * 1024 })).toBe(
      'Uploading 512.0 MiB / 1.0 GiB (50%) · 100.0 MiB/s · ETA 0:05',
    );
    expect(formatProgress({ label: 'Uploading', bytes: 3 * 1024 * 1024, rate: 1024 * 1024 })).toBe('Uploading 3.0 MiB · 1.0 MiB/s');
    expect(formatSummary('Staging', 2048, 2000)).toBe('Staged 2.0 KiB in 2.0 s (1.0 KiB/s)');
    expect(formatSummary('Uploading', 6, 187)).toBe('Uploaded 6 B in 0.2 s (32 B/s)');
  });

  it('off a TTY prints a sparse line per interval and a summary; nothing without --progress', async () => {
    let t = 0;
    const { io, err } = fakeIO();
    const view = await startProgress({ io, label: 'Downloading', enabled: true, intervalMs: 5000, now: () => t });
    for (let i = 1; i <= 100; i++) {
      t = i * 200; // 20 s in all, 1 MiB every 200 ms
      view.update(i * 1024 * 1024);
    }
    view.done();
    const lines = err().trim().split('\n');
    expect(lines).toHaveLength(5); // at 5, 10, 15, 20 s + summary
    expect(lines[0]).toMatch(/^Downloading 25\.0 MiB · 5\.0 MiB\/s$/);
    expect(lines[4]).toBe('Downloaded 100.0 MiB in 20.0 s (5.0 MiB/s)');
    const quiet = fakeIO();
    const off = await startProgress({ io: quiet.io, label: 'Uploading', enabled: false });
    off.update(10);
    off.done();
    expect(quiet.err()).toBe('');
  });
});

describe('update patch and verification choice', () => {
  it('replaces what exists, adds what does not, removes the rest, in one patch', () => {
    const image = { id: 'x', status: 'active', name: 'a', min_ram: 0, foo: 'bar' } as Image;
    expect(imagePatch(image, { name: 'b', 'a/b': '1' }, ['foo'])).toEqual([
      { op: 'replace', path: '/name', value: 'b' },
      { op: 'add', path: '/a~1b', value: '1' },
      { op: 'remove', path: '/foo' },
    ]);
  });

  it('prefers os_hash, uses md5 only without it or with the fallback flag', () => {
    expect(chooseVerification({ os_hash_algo: 'sha512', os_hash_value: 'AB', checksum: 'c' }, false)).toEqual({
      algo: 'sha512', expected: 'ab', source: 'os_hash',
    });
    expect(chooseVerification({ checksum: 'C' }, false)).toEqual({ algo: 'md5', expected: 'c', source: 'checksum' });
    expect(() => chooseVerification({ os_hash_algo: 'blake9', os_hash_value: 'a', checksum: 'c' }, false)).toThrow(/--allow-md5-fallback/);
    expect(chooseVerification({ os_hash_algo: 'blake9', os_hash_value: 'a', checksum: 'c' }, true)?.algo).toBe('md5');
    expect(chooseVerification({}, false)).toBeUndefined();
  });

  it('renders task cells as Python does', () => {
    expect(pyRepr({ image_id: 'x', n: 1, ok: true, none: null, s: "it's" })).toBe(`{'image_id': 'x', 'n': 1, 'ok': True, 'none': None, 's': "it's"}`);
  });
});

describe('no request for bad input (in process, every request recorded)', () => {
  const env = { OS_AUTH_TYPE: 'token', OS_TOKEN: 'tok', OS_IMAGE_URL: 'http://glance.invalid:9292', XDG_CACHE_HOME: join(dir, 'cache') };

  async function run(args: string[], o: Parameters<typeof fakeIO>[0] = {}) {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const requests: string[] = [];
    // any request at all is recorded and answered with 500
    agent
      .get('http://glance.invalid:9292')
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => {
        requests.push(`${opts.method} ${opts.path}`);
        return { statusCode: 500, data: '' };
      })
      .persist();
    const f = fakeIO(o);
    const code = await runCli(args, { io: f.io, env, dispatcher: agent });
    return { code, requests, stderr: f.err(), stdout: f.out() };
  }

  it('TTY stdin with --file -, missing file, directory, bad --property: exit 2, one line, no request', async () => {
    const cases: [string[], RegExp][] = [
      [['image-create', '--disk-format', 'raw', '--container-format', 'bare', '--file', '-'], /stdin is a terminal/],
      [['image-create', '--disk-format', 'raw', '--container-format', 'bare', '--file', join(dir, 'missing')], /does not exist/],
      [['image-create', '--disk-format', 'raw', '--container-format', 'bare', '--file', dir], /is a directory/],
      [['image-create', '--property', 'oops'], /KEY=VALUE/],
      [['image-upload', 'x', '--file', '-'], /stdin is a terminal/],
      [['image-stage', 'x'], /No image data.*stdin is a terminal/],
      [['image-create', '--name', 'x', '--file', join(dir, 'ten.raw')], /Must provide --container-format, --disk-format when using --file/],
      [['image-create', '--name', 'x', '--store', 'dcn1'], /--store option should only be provided with --file/],
      [['image-create', '--name', 'x', '--disk-format', 'raw', '--container-format', 'bare', '--progress'], /^--progress option should only be provided with --file/],
      [['image-download', 'x'], /No redirection or local file specified/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args, { stdinIsTTY: true, stdinKind: 'tty', stdoutIsTTY: true });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(re);
      expect(r.requests, args.join(' ')).toEqual([]);
    }
  });
});
