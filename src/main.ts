import { ExitCode, InterruptedError } from './errors.js';
import { processIO } from './output/io.js';
import { runCli } from './run.js';

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

const code = await runCli(process.argv.slice(2), { io: processIO(), env: process.env, signal: controller.signal });
process.exitCode = code;
