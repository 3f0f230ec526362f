/**
 * The single executable's entry point (`npm run sea`): bundled as one CommonJS script with every
 * dependency except the native keychain module, and injected into a copy of node.
 */
import { getAsset } from 'node:sea';
import { start } from './start.js';
import { SEA_HELP_ASSET, seaVersionLine } from './version.js';

void start({
  versionLine: seaVersionLine(),
  prebuiltHelp: () => getAsset(SEA_HELP_ASSET, 'utf8'),
  loadApp: () => import('./app.js'),
});
