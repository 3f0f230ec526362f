/**
 * What a run does before and around the command tree, shared by the two builds: the npm package
 * (main.ts, an ES module beside dist/help.txt) and the single executable (sea.ts, a CommonJS
 * script inside a copy of node, with help.txt as an embedded asset).
 */
import { ExitCode } from './errors.js';
import { HANDLED_SIGNALS, signalExitCode, type HandledSignal } from './signals.js';

export interface Build {
  /** what `--version` prints */
  versionLine: string;
  /** the program help rendered from the command tree at build time, when the build has it */
  prebuiltHelp(): string | undefined;
  /** everything else (app.ts): loaded only when a command runs */
  loadApp(): Promise<typeof import('./app.js')>;
}

export async function start(build: Build): Promise<void> {
  const argv = process.argv.slice(2);
  // `--version` alone needs nothing else: answer before loading the command tree
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${build.versionLine}\n`);
    process.exit(ExitCode.ok);
  }
  // without the prebuilt help the tree renders it below; bare `tsglance` asks for it too (as glance
  // and gh answer it: stdout, exit 0)
  if (argv.length === 0 || (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h'))) {
    const prebuilt = readOrUndefined(build.prebuiltHelp);
    if (prebuilt) {
      process.stdout.write(prebuilt);
      process.exit(ExitCode.ok);
    }
  }

  // SIGINT, SIGTERM and SIGHUP abort the run (exit 128+n); a second one exits at once. The
  // handlers come from app.js: the abort reason must be app.js's InterruptedError (the npm build's
  // main.cjs and app.js each hold their own copy of the error classes, and run.ts tests the reason
  // with instanceof). A signal that comes while app.js loads is remembered and delivered then.
  const controller = new AbortController();
  let early: HandledSignal | undefined;
  const onEarly = (name: HandledSignal) => {
    if (early) process.exit(signalExitCode(name));
    early = name;
  };
  for (const name of HANDLED_SIGNALS) process.on(name, onEarly);
  // a closed stdout pipe (`tsglance image-list | head -1`) is not an error worth a trace
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(ExitCode.ok);
  });

  const { runCli, processIO, handleSignals } = await build.loadApp();
  for (const name of HANDLED_SIGNALS) process.off(name, onEarly);
  handleSignals(controller);
  if (early) process.emit(early as NodeJS.Signals, early as NodeJS.Signals);
  const code = await runCli(argv, { io: processIO(), env: process.env, signal: controller.signal });
  process.exitCode = code;
}

function readOrUndefined(read: () => string | undefined): string | undefined {
  try {
    return read() || undefined;
  } catch {
    return undefined;
  }
}
