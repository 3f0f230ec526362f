/** The npm package's entry point (bin/tsglance requires its bundle, dist/main.cjs). */
import { readFileSync } from 'node:fs';
import { start } from './start.js';
import { VERSION } from './version.js';

/** A digest of dist/app.cjs, put here by scripts/bundle.mjs: it names the bundle's code cache. */
declare const __APP_BUILD_ID__: string;

// not awaited: this is a CommonJS script (scripts/bundle.mjs), and the pending run keeps the process alive
void start({
  versionLine: VERSION,
  prebuiltHelp: () => readFileSync(new URL('./help.txt', import.meta.url), 'utf8'),
  // code-cache.ts is imported here, not above, so that --version and --help never evaluate it
  loadApp: async () => (await import('./code-cache.js')).loadAppBundle(new URL('./app.cjs', import.meta.url), __APP_BUILD_ID__),
});
