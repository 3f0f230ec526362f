/**
 * The process's streams as a dependency. Data goes to stdout; messages, prompts and progress to
 * stderr. Colour and spinners are decided here once: only on a TTY, never with NO_COLOR.
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
    color: stderrIsTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb',
    interactive: stderrIsTTY && columns > 0 && env.TERM !== 'dumb',
  };
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
