import type { LambdaError } from '../../protocol/index.js';

/** errorType values the caller sees when PLLDB itself fails an invocation. */
export const PlldbErrorType = {
  Config: 'PLLDB.ConfigError',
  Timeout: 'PLLDB.DebuggerTimeout',
  Gone: 'PLLDB.DebuggerNotConnected',
  TooLarge: 'PLLDB.EventTooLarge',
  AssumeRole: 'PLLDB.AssumeRoleFailed',
  Failed: 'PLLDB.InvocationFailed',
  /** An AWS endpoint the runtime needs is out of the function's network's reach (a VPC without NAT, ...). */
  Unreachable: 'PLLDB.EndpointUnreachable',
} as const;

/** A failure with a message meant for the caller of the function (returned through the Runtime API). */
export class PlldbError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
    /** A short machine-readable reason for the log. */
    readonly reason: string,
  ) {
    super(message);
    this.name = 'PlldbError';
  }
}

export class ConfigError extends PlldbError {
  constructor(message: string) {
    super(message, PlldbErrorType.Config, 'config');
  }
}

/** The body of `/error` and `/init/error` for any thrown value. */
export function toLambdaError(err: unknown): LambdaError {
  if (err instanceof PlldbError) return { errorMessage: err.message, errorType: err.errorType, stackTrace: [] };
  const message = err instanceof Error ? err.message : String(err);
  return { errorMessage: `PLLDB could not handle this invocation: ${message}`, errorType: PlldbErrorType.Failed, stackTrace: [] };
}
