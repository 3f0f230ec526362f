/**
 * One invocation: parse, run the chosen command, turn every failure into one line on stderr and
 * a documented exit status. SIGINT/SIGTERM/SIGHUP abort the command's signal (signals.ts); whatever the
 * command reports as an interruption leaves with that signal's status (130, 143, 129).
 */
import { CommanderError } from 'commander';
import { buildProgram, fromCommanderError, joinedCommand, unknownCommandLine } from './cli.js';
import { COMMANDS } from './commands/index.js';
import type { CommandDef, GlobalOptions, ParsedInput } from './commands/types.js';
import { CliError, ExitCode } from './errors.js';
import type { IO } from './output/io.js';
import type { Env } from './auth/settings.js';
import { abortingSignal, exitStatusFor } from './signals.js';

export interface RunOptions {
  io: IO;
  env: Env;
  /** aborted on SIGINT, SIGTERM or SIGHUP (by main.ts, see signals.ts) */
  signal?: AbortSignal;
  dispatcher?: unknown;
}

export function errorLine(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export async function runCli(args: string[], opts: RunOptions): Promise<number> {
  const { io, env } = opts;
  // bare `tsglance`: the program's help on stdout, exit 0 (as glance and gh)
  const argv = args.length ? args : ['--help'];
  const signal = opts.signal ?? new AbortController().signal;
  let exitCode: number = ExitCode.ok;
  let debug = argv.includes('--debug') || argv.includes('-d') || !!env.TSGLANCE_DEBUG;

  const invoke = async (def: CommandDef, input: ParsedInput, globals: GlobalOptions) => {
    debug = !!globals.debug;
    const options = def.parse(input);
    // auth, HTTP and the formatters load only when a command runs (not for --help)
    const { createDeps } = await import('./deps.js');
    const { deps, close } = createDeps({ io, env, globals, signal, dispatcher: opts.dispatcher });
    try {
      exitCode = (await def.run(options, deps)) ?? ExitCode.ok;
    } finally {
      await close();
    }
  };

  // commander answers `help nosuch` with the whole help on stderr and exit 1: one line, exit 2
  if (argv[0] === 'help' && argv[1] !== undefined && !argv[1].startsWith('-')) {
    const words = new Set(COMMANDS.map((c) => c.name.split(' ')[0]));
    if (!words.has(argv[1])) {
      const joined = joinedCommand(argv.slice(1), words);
      io.stderr.write(`${joined ? unknownCommandLine(argv[1], joined) : `error: unknown command '${argv[1]}' (tsglance --help lists them)`}\n`);
      return ExitCode.usage;
    }
  }
  // the usual `tsglance image-list …`, the command word first: only that command (or group) is
  // built, ~10 ms less of a warm run than building all of them. Options first, a typo (which
  // wants suggestions from every name) or `help` get the whole tree.
  const first = argv[0];
  const named = first !== 'help' && !first.startsWith('-') ? COMMANDS.filter((c) => c.name.split(' ')[0] === first) : [];
  // `help CMD` prints CMD's help without dispatching to it, so the lazy tree cannot serve it
  const program = buildProgram(named.length ? named : COMMANDS, { invoke, lazy: first !== 'help' });
  program.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitStatusFor(signal, exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      const usage = fromCommanderError(err);
      // commander already printed its one-line message
      return usage ? usage.exitCode : err.exitCode;
    }
    const bySignal = abortingSignal(signal);
    if (bySignal && !(err instanceof CliError)) {
      io.stderr.write(`${bySignal.message}\n`);
      return bySignal.exitCode;
    }
    if (err instanceof CliError) {
      // commands word an interruption as Ctrl-C's; name the signal when another one came
      const named = bySignal?.signalName && bySignal.signalName !== 'SIGINT' && err.exitCode === ExitCode.interrupted && !err.message.includes(bySignal.signalName);
      io.stderr.write(`${named ? `${err.message.replace(/\.$/, '')} (${bySignal.signalName})` : err.message}\n`);
      if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
      return exitStatusFor(signal, err.exitCode);
    }
    io.stderr.write(`Unexpected error: ${errorLine(err)}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return ExitCode.error;
  }
}
