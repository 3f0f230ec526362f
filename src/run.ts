/**
 * One invocation: parse, run the chosen command, turn every failure into one line on stderr and
 * a documented exit status. Ctrl-C aborts the command's signal (130); a second Ctrl-C exits at once.
 */
import { CommanderError } from 'commander';
import { buildProgram, fromCommanderError } from './cli.js';
import { COMMANDS } from './commands/index.js';
import type { CommandDef, GlobalOptions, ParsedInput } from './commands/types.js';
import { CliError, ExitCode } from './errors.js';
import type { IO } from './output/io.js';
import type { Env } from './auth/settings.js';

export interface RunOptions {
  io: IO;
  env: Env;
  /** aborted on Ctrl-C (by main.ts) */
  signal?: AbortSignal;
  dispatcher?: unknown;
}

export function errorLine(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export async function runCli(argv: string[], opts: RunOptions): Promise<number> {
  const { io, env } = opts;
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

  // `help CMD` prints CMD's help without dispatching to it, so the lazy tree cannot serve it
  const program = buildProgram(COMMANDS, { invoke, lazy: argv[0] !== 'help' });
  program.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      const usage = fromCommanderError(err);
      // commander already printed its one-line message
      return usage ? usage.exitCode : err.exitCode;
    }
    if (signal.aborted && !(err instanceof CliError)) {
      io.stderr.write('Interrupted.\n');
      return ExitCode.interrupted;
    }
    if (err instanceof CliError) {
      io.stderr.write(`${err.message}\n`);
      if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    io.stderr.write(`Unexpected error: ${errorLine(err)}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return ExitCode.error;
  }
}
