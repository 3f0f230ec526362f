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
  /** --watch-timeout ran out while the import goes on */
  timeout: 124,
  interrupted: 130,
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

export class InterruptedError extends CliError {
  constructor(message = 'Interrupted.') {
    super(message, ExitCode.interrupted);
    this.name = 'InterruptedError';
  }
}
