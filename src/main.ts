import { readFileSync } from 'node:fs';
import { ExitCode, InterruptedError } from './errors.js';
import { VERSION } from './version.js';

const argv = process.argv.slice(2);
// `--version` alone needs nothing else: answer before loading the command tree
if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${VERSION}\n`);
  process.exit(ExitCode.ok);
}
// The program's help is rendered from the command tree at build time (dist/help.txt, as the
// completions and the man page are); without that file the tree renders it below.
if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
  const prebuilt = readPrebuiltHelp();
  if (prebuilt) {
    process.stdout.write(prebuilt);
    process.exit(ExitCode.ok);
  }
}

function readPrebuiltHelp(): string | undefined {
  try {
    return readFileSync(new URL('./help.txt', import.meta.url), 'utf8') || undefined;
  } catch {
    return undefined;
  }
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
