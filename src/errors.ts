/**
 * Exit statuses shared by every command. The README and the man page document
 * them; keep the three in step.
 */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  /** image went active but some requested stores failed (import watch) */
  partial: 3,
  /** --watch-timeout ran out, or nothing changed for --stall-timeout, while the import goes on */
  timeout: 124,
  /** SIGHUP (a closed terminal): 128+1 */
  hangup: 129,
  /** SIGINT (Ctrl-C): 128+2 */
  interrupted: 130,
  /** SIGTERM (kill, timeout, systemd): 128+15 */
  terminated: 143,
} as const;

/** An error whose message is already fit for the operator: printed as one line, no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.error,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad arguments or settings, found before any request is sent. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/** Settings problems (auth variables and the like): exit 1, as glanceclient does. */
export class ConfigError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.error);
    this.name = 'ConfigError';
  }
}

/**
 * The run was stopped by the operator or by a signal (see signals.ts). Commands raise it with
 * Ctrl-C's status; run.ts reports the status of the signal that actually came (128+n).
 */
export class InterruptedError extends CliError {
  constructor(
    message = 'Interrupted.',
    exitCode: number = ExitCode.interrupted,
    /** SIGINT, SIGTERM or SIGHUP when a signal caused it */
    readonly signalName?: string,
  ) {
    super(message, exitCode);
    this.name = 'InterruptedError';
  }
}
