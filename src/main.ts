import { ExitCode, InterruptedError } from './errors.js';
import { VERSION } from './version.js';

const argv = process.argv.slice(2);
// `--version` alone needs nothing else: answer before loading the command tree
if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${VERSION}\n`);
  process.exit(ExitCode.ok);
}

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts > 1) process.exit(ExitCode.interrupted);
  controller.abort(new InterruptedError());
});
// a closed stdout pipe (`tsglance image-list | head -1`) is not an error worth a trace
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(ExitCode.ok);
});

// the rest is a separate chunk of the bundle, loaded only now
const [{ runCli }, { processIO }] = await Promise.all([import('./run.js'), import('./output/io.js')]);
const code = await runCli(argv, { io: processIO(), env: process.env, signal: controller.signal });
process.exitCode = code;
