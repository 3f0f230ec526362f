/**
 * Questions on the terminal: only where stdin and stderr are both terminals, never in a pipe, cron
 * or CI (there a command refuses in one line instead of waiting for input).
 */
import { InterruptedError } from '../errors.js';
import type { IO } from './io.js';

export function canAsk(io: IO): boolean {
  return io.stdinIsTTY && io.stderrIsTTY && !io.stdinClosed;
}

/** "<question> [y/N] " on stderr; y/yes (any case) is yes, anything else (or EOF) is no. */
export async function confirm(io: IO, question: string, signal: AbortSignal): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  io.stderr.write(`${question} [y/N] `);
  const rl = createInterface({ input: io.stdin, terminal: false });
  let onAbort: (() => void) | undefined;
  try {
    const answer = await new Promise<string | undefined>((resolve, reject) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(undefined));
      onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
    });
    if (answer === undefined) io.stderr.write('\n');
    return ['y', 'yes'].includes((answer ?? '').replace(/\r$/, '').toLowerCase());
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    rl.close();
    io.stdin.pause();
  }
}

/**
 * Read a secret without echo ("OS Password: " as glanceclient asks). Enter ends it, backspace
 * edits, Ctrl-C interrupts (exit 130), Ctrl-D on an empty line gives ''.
 */
export async function askSecret(io: IO, question: string): Promise<string> {
  const stdin = io.stdin as IO['stdin'] & { setRawMode?: (raw: boolean) => void };
  // echo off before the question shows, so that nothing typed after it can be echoed
  stdin.setRawMode?.(true);
  io.stderr.write(question);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let secret = '';
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || (ch === '\u0004' && secret === '')) {
            stdin.off('data', onData);
            return resolve(secret);
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            return reject(new InterruptedError());
          }
          if (ch === '\u007f' || ch === '\b') secret = [...secret].slice(0, -1).join('');
          else if (ch >= ' ') secret += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode?.(false);
    stdin.pause();
    io.stderr.write('\n');
  }
}
