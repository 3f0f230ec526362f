/**
 * The one place where signals become an abort. SIGINT (Ctrl-C), SIGTERM (`kill`, `timeout`,
 * systemd, CI runners) and SIGHUP (a closed terminal or ssh session) all abort the run's signal
 * with an InterruptedError that carries the conventional exit status 128+n, so every path that
 * already cleans up after Ctrl-C (a created record deleted, a watch stopped, a partial download
 * handled) does the same for the other two. A second signal exits at once with the same status.
 */
import { constants } from 'node:os';
import { ExitCode, InterruptedError } from './errors.js';

export const HANDLED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type HandledSignal = (typeof HANDLED_SIGNALS)[number];

/** 128 + the signal number: 130 for INT, 143 for TERM, 129 for HUP. */
export function signalExitCode(name: HandledSignal): number {
  return 128 + constants.signals[name];
}

/** The abort reason for a signal; its exit status and name are what run.ts reports. */
export function interruption(name: HandledSignal): InterruptedError {
  return new InterruptedError(name === 'SIGINT' ? 'Interrupted.' : `Interrupted by ${name}.`, signalExitCode(name), name);
}

/** The signal that aborted `signal`, if a signal did. */
export function abortingSignal(signal: AbortSignal): InterruptedError | undefined {
  return signal.aborted && signal.reason instanceof InterruptedError ? signal.reason : undefined;
}

/**
 * The exit status of a run that ended while `signal` was aborted: commands report an interruption
 * as 130 (Ctrl-C's), which becomes 128+n of the signal that actually came.
 */
export function exitStatusFor(signal: AbortSignal, code: number): number {
  const reason = abortingSignal(signal);
  if (!reason || code !== ExitCode.interrupted) return code;
  return reason.exitCode;
}

/** Install the handlers (main.ts only). `exit` is process.exit, injectable for tests. */
export function handleSignals(controller: AbortController, exit: (code: number) => never = process.exit): void {
  let received = 0;
  for (const name of HANDLED_SIGNALS) {
    process.on(name, () => {
      received++;
      if (received > 1 || controller.signal.aborted) exit(signalExitCode(name));
      controller.abort(interruption(name));
    });
  }
  // after SIGHUP the terminal is gone: a write to it fails (EIO), which must not become a crash
  // that skips the cleanup still running
  process.stderr.on('error', () => undefined);
}
