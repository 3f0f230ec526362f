/**
 * Questions on the terminal: only where stdin and stderr are both terminals, never in a pipe, cron
 * or CI (there a command refuses in one line instead of waiting for input).
 */
import { CliError, InterruptedError } from '../errors.js';
import type { IO } from './io.js';

/**
 * How long a question at the terminal waits for its answer, in seconds: 5 minutes, as sudo waits
 * for a password; TSGLANCE_PROMPT_TIMEOUT changes it. Nothing waits forever, not even for a person.
 */
export function promptTimeout(env: NodeJS.ProcessEnv = process.env): number {
  const given = Number(env.TSGLANCE_PROMPT_TIMEOUT);
  return Number.isFinite(given) && given > 0 ? given : 300;
}

export function canAsk(io: IO): boolean {
  return io.stdinIsTTY && io.stderrIsTTY && !io.stdinClosed;
}

/** y/yes (any case; a trailing CR ignored) is yes; anything else, or no answer, is no. */
export function isYes(answer: string | undefined): boolean {
  return ['y', 'yes'].includes((answer ?? '').replace(/\r$/, '').toLowerCase());
}

/**
 * "<question> [y/N] " on stderr, answered as isYes reads it (EOF is no). No answer within
 * `timeoutS` seconds is no as well, and a line on stderr says so.
 */
export async function confirm(io: IO, question: string, signal: AbortSignal, timeoutS = promptTimeout()): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  io.stderr.write(`${question} [y/N] `);
  const rl = createInterface({ input: io.stdin, terminal: false });
  let onAbort: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await new Promise<string | undefined>((resolve, reject) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(undefined));
      onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => {
        io.stderr.write(`\nNo answer within ${timeoutS} s (TSGLANCE_PROMPT_TIMEOUT): taken as no.`);
        resolve(undefined);
      }, timeoutS * 1000);
    });
    if (answer === undefined) io.stderr.write('\n');
    return isYes(answer);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
    rl.close();
    io.stdin.pause();
  }
}

/**
 * Read a secret without echo ("OS Password: " as glanceclient asks). readline edits the line as in
 * any shell (backspace, Ctrl-U, Ctrl-W, arrows, Home/End) and redraws it on its output, which is
 * muted: nothing typed is ever shown. Enter ends it, Ctrl-C interrupts (exit 130), Ctrl-D on an
 * empty line gives ''; no Enter within `timeoutS` seconds is an error (exit 1).
 */
export async function askSecret(io: IO, question: string, timeoutS = promptTimeout()): Promise<string> {
  const [{ createInterface }, { Writable }] = await Promise.all([import('node:readline'), import('node:stream')]);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  // readline puts the terminal in raw mode (no echo) here, before the question shows, so that
  // nothing typed after it can be echoed by the terminal either
  const rl = createInterface({ input: io.stdin, output: muted, terminal: true, historySize: 0 });
  io.stderr.write(question);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('line', resolve);
      rl.once('SIGINT', () => reject(new InterruptedError()));
      rl.once('close', () => resolve(''));
      timer = setTimeout(
        () => reject(new CliError(`No password entered within ${timeoutS} s (TSGLANCE_PROMPT_TIMEOUT); nothing was sent`)),
        timeoutS * 1000,
      );
    });
  } finally {
    clearTimeout(timer);
    rl.close();
    io.stdin.pause();
    io.stderr.write('\n');
  }
}
