/**
 * What users install: the tarball `npm pack` makes from a clean clone of HEAD, installed with
 * `npm install -g --prefix`, and the single executable `npm run sea` builds, run with no node on
 * PATH and no node_modules beside it. Both against the local stack, compared with bin/tsglance.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, deleteImages, glanceImage } from './helpers/fixtures.js';
import { packAndInstall, tarballFiles, type PackedInstall } from './helpers/package.js';
import { ROOT, cleanEnv, run, tsglance, uniqueName, type RunOpts } from './helpers/run.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
};

let image: string;
beforeAll(async () => {
  image = await glanceImage(['--name', uniqueName('package')]);
});
afterAll(async () => {
  await deleteImages([image]);
});

/** Same stdout, stderr and exit status as bin/tsglance for the same arguments. */
async function expectSameAsBin(cmd: string, args: string[], opts: RunOpts = {}): Promise<void> {
  const [ours, reference] = await Promise.all([run(cmd, args, opts), tsglance(args, opts)]);
  expect({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }, args.join(' ')).toEqual({
    code: reference.code,
    stdout: reference.stdout,
    stderr: reference.stderr,
  });
}

describe('the npm package, packed from a clean clone of HEAD and installed with npm install -g', () => {
  let packed: PackedInstall;
  let installed: string;
  beforeAll(() => {
    const started = Date.now();
    packed = packAndInstall();
    process.stderr.write(`[package] pack and install: ${((Date.now() - started) / 1000).toFixed(1)} s ${JSON.stringify(packed.timings)}\n`);
    installed = join(packed.prefix, 'bin', 'tsglance');
  }, 900_000);

  it('holds dist/, completions/, man/, bin/, README.md, LICENSE and package.json only', () => {
    const files = tarballFiles(packed.tarball);
    const tops = new Set(files.map((f) => f.split('/')[0]));
    expect([...tops].sort()).toEqual(['LICENSE', 'README.md', 'bin', 'completions', 'dist', 'man', 'package.json']);
    expect(files).toEqual(expect.arrayContaining(['bin/tsglance', 'bin/package.json', 'dist/main.cjs', 'dist/app.cjs', 'dist/help.txt', 'man/tsglance.1', 'completions/tsglance.bash', 'completions/_tsglance']));
    // every completion script the build writes, whatever shells completions/ holds
    for (const f of readdirSync(join(ROOT, 'completions'))) expect(files).toContain(`completions/${f}`);
    expect(files.filter((f) => f.startsWith('dist/') && !/^dist\/(main\.cjs|app\.cjs|help\.txt)$/.test(f))).toEqual([]);
    const size = statSync(packed.tarball).size;
    process.stderr.write(`[package] ${packed.tarball}: ${files.length} files, ${(size / 1024).toFixed(0)} KiB\n`);
  });

  it('tsglance --version answers from the prefix', async () => {
    const res = await run(installed, ['--version'], { as: 'none' });
    expect(res).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('image-list -f json and image-show work against the stack, as bin/tsglance', async () => {
    const list = await run(installed, ['image-list', '-f', 'json']);
    expect(list.stderr).toBe('');
    expect((JSON.parse(list.stdout) as { id: string }[]).map((r) => r.id)).toContain(image);
    await expectSameAsBin(installed, ['image-list', '-f', 'json']);
    await expectSameAsBin(installed, ['image-show', image]);
  });

  it('man -w tsglance finds the page with the prefix on MANPATH', () => {
    const r = spawnSync('man', ['-w', 'tsglance'], { env: { ...process.env, MANPATH: join(packed.prefix, 'share', 'man') }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(new RegExp(`^${packed.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/.*tsglance\\.1$`));
  });

  it('the runtime dependencies are exactly the packages the bundle imports', () => {
    const dist = join(packed.prefix, 'lib', 'node_modules', 'tsglance', 'dist');
    const sources = readdirSync(dist).filter((f) => /\.c?js$/.test(f)).map((f) => join(dist, f));
    const imported = new Set<string>();
    for (const file of sources) {
      const js = readFileSync(file, 'utf8');
      for (const m of js.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g)) {
        const name = m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0];
        if (!name.startsWith('node:')) imported.add(name);
      }
    }
    expect([...imported].filter((n) => !(n in pkg.optionalDependencies)).sort()).toEqual(Object.keys(pkg.dependencies).sort());
    expect(pkg.devDependencies).toHaveProperty('commander');
  });
});

describe('the single executable (npm run sea)', () => {
  let exe: string;
  beforeAll(() => {
    // `npm test` has just built dist/; this is the second half of `npm run sea`
    const started = Date.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'sea.mjs')], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
    if (r.status !== 0) throw new Error(`scripts/sea.mjs exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
    process.stderr.write(`[package] scripts/sea.mjs: ${((Date.now() - started) / 1000).toFixed(1)} s; ${r.stderr.trim().split('\n').at(-1)}\n`);
    // alone in a directory: no node_modules beside it or above it
    exe = join(mkdtempSync(join(tmpdir(), 'tsglance-sea-')), 'tsglance');
    copyFileSync(join(ROOT, 'dist', 'sea', 'tsglance'), exe);
    spawnSync('chmod', ['755', exe]);
  }, 900_000);

  // stdin /dev/null: the closed-stdin wrapper is a shell, which PATH=/nonexistent cannot find
  const noNode: RunOpts = { env: { PATH: '/nonexistent' }, stdin: 'null' };

  it('--version names the build and the Node.js inside', async () => {
    const res = await run(exe, ['--version'], { ...noNode, as: 'none' });
    expect(res).toMatchObject({
      code: 0,
      stdout: `${pkg.version} (single executable, Node.js ${process.version}, ${process.platform}-${process.arch})\n`,
      stderr: '',
    });
  });

  it.each([
    ['image-list'],
    ['image-list', '-f', 'json'],
    ['image-list', '-f', 'yaml'],
    ['--help'],
    ['help', 'image-create'],
    ['image-list', '--no-such-option'],
    ['completion', 'bash'],
    ['__manpage'],
  ])('%s … prints what bin/tsglance prints, with PATH=/nonexistent', async (...args) => {
    await expectSameAsBin(exe, args, noNode);
  });

  it('image-show of an image, byte for byte as bin/tsglance', async () => {
    await expectSameAsBin(exe, ['image-show', image], noNode);
    await expectSameAsBin(exe, ['image-show', image, '-f', 'json'], noNode);
  });

  it('moves image data over undici inside it: image-create --file, then image-download to a file and to stdout', async () => {
    const data = dataFile(3 * 1024 * 1024 + 17);
    const created = await run(exe, ['image-create', '--name', uniqueName('sea-data'), '--disk-format', 'raw', '--container-format', 'bare', '--file', data, '-f', 'json'], noNode);
    expect(created.code, created.stderr).toBe(0);
    const id = (JSON.parse(created.stdout) as { id: string }).id;
    try {
      const target = join(mkdtempSync(join(tmpdir(), 'tsglance-sea-dl-')), 'image.raw');
      const toFile = await run(exe, ['image-download', '--file', target, id], noNode);
      expect(toFile.code, toFile.stderr).toBe(0);
      expect(readFileSync(target).equals(readFileSync(data))).toBe(true);
      const piped = `${target}.stdout`;
      const out = openSync(piped, 'w');
      const toStdout = spawnSync(exe, ['image-download', id], { env: cleanEnv(noNode), stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
      closeSync(out);
      expect(toStdout.status, toStdout.stderr).toBe(0);
      expect(readFileSync(piped).equals(readFileSync(data))).toBe(true);
    } finally {
      await deleteImages([id]);
    }
  });

  it('without keytar beside it the token goes to the file cache, and --debug says why', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'tsglance-sea-cache-'));
    // a session bus address makes the keychain worth trying: the module itself must be missing
    const env = { PATH: '/nonexistent', XDG_CACHE_HOME: cache, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    const res = await run(exe, ['--debug', 'image-list', '-f', 'value', '-c', 'ID'], { env, stdin: 'null' });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.split('\n')).toContain(image);
    expect(res.stderr).toMatch(/token cache: keychain unavailable \(keytar cannot be loaded by the single executable: Cannot find module 'keytar'/);
    expect(res.stderr).toContain(`token cache: token stored in ${join(cache, 'tsglance')}`);
    const again = await run(exe, ['--debug', 'image-list', '-f', 'value', '-c', 'ID'], { env, stdin: 'null' });
    expect(again.stderr).toMatch(/token cache hit \(file /);
  });
});
