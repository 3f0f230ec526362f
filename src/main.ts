/** The npm package's entry point (bin/tsglance imports the bundle of this file). */
import { readFileSync } from 'node:fs';
import { start } from './start.js';
import { VERSION } from './version.js';

const APP = './app.js';

await start({
  versionLine: VERSION,
  prebuiltHelp: () => readFileSync(new URL('./help.txt', import.meta.url), 'utf8'),
  // dist/app.js, bundled on its own: the name is in a variable so that the bundler leaves it alone
  loadApp: () => import(APP) as Promise<typeof import('./app.js')>,
});
