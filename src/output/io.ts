/**
 * The process's streams as a dependency. Data goes to stdout; messages, prompts and progress to
 * stderr. Colour and spinners are decided here once (useColor: FORCE_COLOR, CLICOLOR_FORCE,
 * NO_COLOR, then the terminal's own hasColors()).
 */
import type { Readable, Writable } from 'node:stream';
import { isatty } from 'node:tty';
import { fstatSync } from 'node:fs';

export interface IO {
  stdin: Readable & { isTTY?: boolean; fd?: number };
  stdout: Writable;
  stderr: Writable;
  stdinIsTTY: boolean;
  /** fd 0 is not open at all (`cmd <&-`): there is no stdin to read */
  stdinClosed?: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** terminal width of stderr, 0 when unknown (ora must stay off then) */
  columns: number;
  /** terminal width of stdout, 0 when it is not a terminal (--fit-width) */
  stdoutColumns?: number;
  /** colour allowed on stderr */
  color: boolean;
  /** a live spinner/progress view is allowed on stderr */
  interactive: boolean;
}

export function processIO(env: Record<string, string | undefined> = process.env): IO {
  const stderrIsTTY = !!process.stderr.isTTY;
  const columns = stderrIsTTY ? (process.stderr.columns ?? 0) : 0;
  return {
    // process.stdin is created on first access only: touching it can keep a pipe open
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: isatty(0),
    get stdinClosed() {
      return stdinClosed();
    },
    stdoutIsTTY: !!process.stdout.isTTY,
    stderrIsTTY,
    columns,
    stdoutColumns: process.stdout.isTTY ? (process.stdout.columns ?? 0) : 0,
    color: useColor(process.stderr, env),
    interactive: stderrIsTTY && columns > 0 && env.TERM !== 'dumb',
  };
}

const isSet = (v: string | undefined): v is string => v !== undefined && v !== '';

/**
 * Whether to colour what goes to `stream`, the one place that decides it:
 * - FORCE_COLOR (chalk's and Node's variable): 0 or false means never, any other value always;
 * - CLICOLOR_FORCE set and not 0: always, even off a terminal;
 * - NO_COLOR set to a non-empty value: never (no-color.org: an empty NO_COLOR is no request);
 * - else a terminal whose hasColors() says so (TERM=dumb, NODE_DISABLE_COLORS: no).
 */
export function useColor(stream: { isTTY?: boolean; hasColors?: (env?: object) => boolean }, env: Record<string, string | undefined>): boolean {
  if (env.FORCE_COLOR !== undefined) return !/^(0|false)$/i.test(env.FORCE_COLOR);
  if (isSet(env.CLICOLOR_FORCE) && env.CLICOLOR_FORCE !== '0') return true;
  if (isSet(env.NO_COLOR)) return false;
  if (!stream.isTTY || !stream.hasColors) return false;
  // Node's hasColors() takes any NO_COLOR, even an empty one, as "no colour": hand it the rest
  const { NO_COLOR: _ignored, ...rest } = env;
  return stream.hasColors(rest);
}

/** Write and wait for the stream to take it (stdout may be a slow pipe). */
export function writeOut(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

function stdinClosed(): boolean {
  try {
    fstatSync(0);
    return false;
  } catch {
    return true;
  }
}
