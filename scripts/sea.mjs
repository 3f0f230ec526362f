#!/usr/bin/env node
// Builds dist/sea/tsglance: one executable with no node, no node_modules and no other file needed
// beside it (Node.js single executable application). Run by `npm run sea` after `npm run build`.
//
//   1. esbuild bundles src/sea.ts with every dependency (undici, ora, chalk, yaml) into one
//      CommonJS script: the executable's main script must be CommonJS, and its require() knows only
//      built-in modules, so nothing may be left to load from disk (keytar, a native addon, stays
//      optional: see src/auth/keytar-store.ts).
//   2. node --experimental-sea-config turns it (plus dist/help.txt as an asset) into a blob.
//   3. postject injects the blob into a copy of this very node binary.
//
// The blob only works with the node that made it, so the executable is for this OS and
// architecture: for another one, run the same `npm ci && npm run sea` on that machine.
// Options: --no-code-cache (default: V8's code cache is in the blob; see SEA_CODE_CACHE below).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'sea');
const exe = join(out, process.platform === 'win32' ? 'tsglance.exe' : 'tsglance');
const help = join(root, 'dist', 'help.txt');
// The fuse Node's binary carries so that it looks for an injected blob at start (docs: SEA).
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
// V8's code cache for the main script, made at build time: see README "Single executable"
// for the measurement that decided it.
const SEA_CODE_CACHE = !process.argv.includes('--no-code-cache');

function fail(message) {
  process.stderr.write(`sea: ${message}\n`);
  process.exit(1);
}

/** Runs a tool. With `quiet`, its output is shown only when it fails, minus lines matching it. */
function run(cmd, args, quiet) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'], encoding: 'utf8' });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status === 0) return;
  if (quiet) for (const line of `${r.stdout}${r.stderr}`.split('\n')) if (line && !quiet.test(line)) process.stderr.write(`${line}\n`);
  fail(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}`);
}

function have(cmd) {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

if (!existsSync(help)) fail('dist/help.txt is missing: run `npm run build` first (`npm run sea` does)');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const script = join(out, 'tsglance.cjs');
await build({
  entryPoints: [join(root, 'src', 'sea.ts')],
  outfile: script,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import() would be a dynamic import in the script, which the executable's main script cannot
  // do on Node 20: esbuild turns each into a require of the bundled module instead
  supported: { 'dynamic-import': false },
  external: ['keytar', '@napi-rs/keyring'],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const blob = join(out, 'sea-prep.blob');
const config = join(out, 'sea-config.json');
writeFileSync(
  config,
  `${JSON.stringify(
    {
      main: relative(root, script),
      output: relative(root, blob),
      disableExperimentalSEAWarning: true,
      useCodeCache: SEA_CODE_CACHE,
      assets: { 'help.txt': relative(root, help) },
    },
    null,
    2,
  )}\n`,
);
// relative paths in the config are taken from the working directory
process.chdir(root);
run(process.execPath, ['--experimental-sea-config', config]);

// build beside the target and rename: never a half-injected executable at dist/sea/tsglance
const partial = `${exe}.partial`;
copyFileSync(process.execPath, partial);
chmodSync(partial, 0o755);
// Linux builds of node carry their symbol table and debug info (~12 MB); the executable needs
// neither (native addons link against the dynamic symbols, which strip keeps)
const stripped = process.platform === 'linux' && have('strip');
if (stripped) run('strip', [partial]);
if (process.platform === 'darwin') run('codesign', ['--remove-signature', partial]);
const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
run(
  process.execPath,
  [
    postject,
    partial,
    'NODE_SEA_BLOB',
    blob,
    '--sentinel-fuse',
    SENTINEL_FUSE,
    ...(process.platform === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : []),
  ],
  // LIEF, inside postject, warns about every ELF note section it rewrites: harmless, and noise
  /^warning: Can't find string offset for section name/,
);
if (process.platform === 'darwin') run('codesign', ['--sign', '-', partial]);
renameSync(partial, exe);

const mb = (f) => (statSync(f).size / 1048576).toFixed(1);
process.stderr.write(
  `sea: ${relative(root, exe)} (${mb(exe)} MiB; script ${mb(script)} MiB, code cache ${SEA_CODE_CACHE ? 'on' : 'off'}, ${stripped ? 'symbols stripped, ' : ''}${process.version} ${process.platform}-${process.arch})\n`,
);
