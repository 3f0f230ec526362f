#!/usr/bin/env node
// The bundle bin/tsglance runs: dist/main.cjs answers --version and --help on its own; every other
// run loads dist/app.cjs, everything else in one file (one file resolves, reads and links faster
// than the chunks code splitting makes). app.cjs is CommonJS so that main.cjs can compile it with
// V8's code cache on Node 20 (src/code-cache.ts); main.cjs learns its digest, which names that
// cache. main.cjs (and bin/tsglance, by bin/package.json) are CommonJS too: a run that starts from
// an ES module sets up Node's ES module loader first, measured at 13 ms of a warm image-list
// (235 -> 221 ms) and of --version (129 -> 116 ms, node -e 0: 117). In CommonJS output esbuild
// requires Node's built-in modules where they are imported; a named import needs no interop object.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';

/**
 * Loaded on first use only: commander requires child_process at load time for executable
 * subcommands, which tsglance has none of (child_process brings dgram and more with it).
 */
const LAZY = new Set(['child_process']);
/** A LAZY module becomes a proxy that requires the real one when something is read from it. */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!LAZY.has(name)) return undefined;
      // the shim's own require() stays a require of the real module
      if (args.namespace === 'lazy-builtin') return { path: args.path, external: true };
      return { path: name, namespace: 'lazy-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `module.exports = new Proxy({}, { get: (_, key) => require(${JSON.stringify(`node:${args.path}`)})[key] });`,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  external: ['undici', 'ora', 'chalk', 'yaml', 'keytar', '@napi-rs/keyring'],
  plugins: [lazyBuiltins],
};
rmSync('dist', { recursive: true, force: true });
// chalk and ora (ES modules only) are bundled in, and import() of undici and yaml (CommonJS) becomes
// require(): a script compiled from V8's code cache on Node 20 cannot import() at all (Node loses
// its dynamic-import callback), so app.cjs must not contain one. A bundled module imported with
// import() is still only evaluated when that import() runs.
await build({
  ...common,
  format: 'cjs',
  entryPoints: ['src/app.ts'],
  outfile: 'dist/app.cjs',
  external: ['undici', 'yaml', 'keytar', '@napi-rs/keyring'],
  supported: { 'dynamic-import': false },
});
const appBuildId = createHash('sha256').update(readFileSync('dist/app.cjs')).digest('hex').slice(0, 16);
await build({
  ...common,
  format: 'cjs',
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.cjs',
  // main.ts finds help.txt and app.cjs beside itself through import.meta.url, which CommonJS lacks
  define: { __APP_BUILD_ID__: JSON.stringify(appBuildId), 'import.meta.url': '__tsglanceMainUrl' },
  banner: { js: "const __tsglanceMainUrl = require('node:url').pathToFileURL(__filename).href;" },
});
