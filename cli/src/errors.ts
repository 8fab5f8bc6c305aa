/** A failure the user can act on: what went wrong and what to do about it. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The function does not exist (or is not visible with these credentials in this region). */
export class FunctionNotFoundError extends CliError {
  constructor(readonly functionName: string) {
    super(`function ${functionName} not found`, 'check the name (or ARN) and the region (--region, AWS_REGION)');
  }
}

function errorName(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  return String((err as { name?: unknown }).name ?? '');
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Turns the AWS SDK errors users commonly hit into a CliError that says what to do; `action`
 * names what was being done (e.g. "read function my-fn"). Anything else is returned unchanged.
 */
export function explainAwsError(err: unknown, action: string): unknown {
  if (err instanceof CliError) return err;
  const name = errorName(err);
  const message = errorMessage(err);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new CliError(`no AWS credentials found while trying to ${action}`, 'configure credentials (aws configure, aws sso login, AWS_PROFILE or --profile)');
  }
  if (/Region is missing/i.test(message)) {
    return new CliError(`no AWS region set while trying to ${action}`, 'pass --region or set AWS_REGION');
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'UnauthorizedOperation' || /not authorized to perform/i.test(message)) {
    return new CliError(`access denied while trying to ${action}: ${message}`, 'use credentials allowed to do this (cli/README.md lists what plldb needs) or another --profile');
  }
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken' || /security token.*expired/i.test(message)) {
    return new CliError(`your AWS credentials have expired (while trying to ${action})`, 'refresh them (e.g. aws sso login) and try again');
  }
  if (name === 'UnrecognizedClientException' || name === 'InvalidClientTokenId' || name === 'InvalidSignatureException') {
    return new CliError(`AWS did not accept your credentials while trying to ${action}: ${message}`, 'check the profile and keys you use');
  }
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET'].includes(code)) {
    return new CliError(`cannot reach AWS while trying to ${action} (${message})`, 'check your network, and AWS_ENDPOINT_URL* if you set them');
  }
  return err;
}

/** The text shown for an error that ends a command. */
export function describeError(err: unknown): string {
  if (err instanceof CliError) return err.hint ? `plldb: ${err.message}\n  -> ${err.hint}` : `plldb: ${err.message}`;
  return `plldb: ${errorMessage(err)}`;
}
