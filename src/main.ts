/** The npm package's entry point (bin/tsglance imports the bundle of this file). */
import { readFileSync } from 'node:fs';
import { start } from './start.js';
import { VERSION } from './version.js';

await start({
  versionLine: VERSION,
  prebuiltHelp: () => readFileSync(new URL('./help.txt', import.meta.url), 'utf8'),
});
