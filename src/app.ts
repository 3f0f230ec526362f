/**
 * Everything a command run needs, as one file of the bundle (dist/app.cjs): loading one file is
 * cheaper than loading the many small chunks code splitting makes (each is resolved, read and
 * linked on its own), and only --version and --help are answered without it.
 */
export { runCli } from './run.js';
export { processIO } from './output/io.js';
export { handleSignals } from './signals.js';
