/**
 * Loads the CommonJS bundle dist/app.cjs with V8's code cache on a Node that has no built-in
 * compile cache (Node 20; from 22.1 `module.enableCompileCache` does this for every module and
 * the bundle is simply required). Without a cache every run parses and compiles the whole bundle
 * again, and lazily compiles every function the command calls.
 *
 * Hand-written: v8-compile-cache (the package for this on old Nodes) hooks every CommonJS module of
 * the process and keeps its cache in the shared temporary directory, where another user could
 * plant compiled code. The bundle holds no import(): Node 20 cannot give one to a script compiled
 * from cached data (scripts/bundle.mjs). Here the cache lives in the private cache directory the
 * token cache uses (safe-file.ts), and a cache file is only read when it is ours and closed to others.
 */
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { cacheRoot, privateDir, readPrivateBytes, writePrivateFile } from './safe-file.js';

/** Node >= 22.1's compile cache (@types/node is pinned to Node 20, which lacks it). */
const enableCompileCache = (module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;

/**
 * dist/app.cjs with V8's compiled code kept between runs in $XDG_CACHE_HOME/tsglance/compile-cache:
 * by Node itself from 22.1, by requireWithCodeCache on Node 20.
 */
export function loadAppBundle(url: URL, buildId: string): typeof import('./app.js') {
  const app = fileURLToPath(url);
  const root = cacheRoot(process.env);
  const dir = join(root, 'compile-cache');
  if (typeof enableCompileCache !== 'function') return requireWithCodeCache(app, root, dir, buildId) as typeof import('./app.js');
  if (!process.env.NODE_COMPILE_CACHE) {
    try {
      enableCompileCache(privateDir(root, dir));
    } catch {
      /* a cache is optional */
    }
  }
  return createRequire(app)(app) as typeof import('./app.js');
}

/**
 * `require(file)`, compiled from the code cache kept in `cacheDir` (under `root`, the private
 * cache root) for `buildId`, a digest of the bundle made at build time: V8 itself checks only the
 * source's length. A missing or rejected cache is written when the process exits, so that it
 * holds the functions this run compiled too. Plain require when the directory is not private.
 */
function requireWithCodeCache(file: string, root: string, cacheDir: string, buildId: string): unknown {
  const require = createRequire(file);
  let dir: string;
  try {
    dir = privateDir(root, cacheDir);
  } catch {
    return require(file);
  }
  const name = `app-${buildId}-${process.version}-${process.arch}.v8`;
  const cachedData = readPrivateBytes(join(dir, name))?.data;
  const source = readFileSync(file, 'utf8');
  // the wrapper Node's own CommonJS loader puts around a module
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, {
    filename: file,
    cachedData,
  });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        writePrivateFile(dir, name, script.createCachedData());
        // the caches of other builds or Node versions (an upgrade) are of no more use
        for (const old of readdirSync(dir)) if (/^app-.+\.v8$/.test(old) && old !== name) unlinkSync(join(dir, old));
      } catch {
        /* a cache is optional */
      }
    });
  }
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, require, module, file, dirname(file));
  return module.exports;
}
