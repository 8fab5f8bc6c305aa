import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_ROLE_NAME, ROLE_EXTERNAL_ID } from '../../../protocol/index.js';
import { PlldbError, PlldbErrorType } from '../errors.js';
import type { RoleAssumer, TemporaryCredentials } from './ports.js';
import { isUnreachable, unreachableError } from './reachability.js';

/** Refresh this long before the credentials expire, so no call goes out with expiring ones. */
const REFRESH_BEFORE_MS = 5 * 60 * 1000;

export class StsRoleAssumer implements RoleAssumer {
  constructor(
    private readonly client: STSClient,
    private readonly sessionName: string,
    /** The inline session policy for a role ARN (narrows the session below the role's permissions). */
    private readonly policyFor?: (roleArn: string) => string,
  ) {}

  async assume(roleArn: string): Promise<TemporaryCredentials> {
    const policy = this.policyFor?.(roleArn);
    const out = await this.client.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: this.sessionName, ExternalId: ROLE_EXTERNAL_ID, ...(policy !== undefined ? { Policy: policy } : {}) }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error('AssumeRole returned no credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  }
}

/** A valid RoleSessionName (2-64 of [\w+=,.@-]) for the function. */
export function roleSessionName(functionName: string): string {
  return `plldb-${functionName}`.replace(/[^\w+=,.@-]/g, '_').slice(0, 64);
}

/** The debugger role's ARN in the account of the invoked function. */
export function defaultRoleArn(invokedFunctionArn: string): string {
  const [, partition, , , account] = invokedFunctionArn.split(':');
  if (!partition || !account || !/^\d{12}$/.test(account)) {
    throw new PlldbError(
      `cannot tell the debugger role from the invoked function ARN "${invokedFunctionArn}": set PLLDB_DEBUGGER_ROLE_ARN to the ARN of ${DEFAULT_ROLE_NAME}`,
      PlldbErrorType.AssumeRole,
      'role_arn_unknown',
    );
  }
  return `arn:${partition}:iam::${account}:role/${DEFAULT_ROLE_NAME}`;
}

/**
 * The debugger role's credentials, assumed once and refreshed before they expire; concurrent
 * callers share one AssumeRole. `provide` is the SDK clients' credential provider.
 */
export class RoleCredentials {
  private cached?: TemporaryCredentials;
  private inFlight?: Promise<TemporaryCredentials>;
  private roleArn?: string;

  constructor(
    private readonly assumer: RoleAssumer,
    roleArn: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.roleArn = roleArn;
  }

  /** Fixes the role from the first invocation when no role ARN was configured. */
  useRoleOf(invokedFunctionArn: string): void {
    this.roleArn ??= defaultRoleArn(invokedFunctionArn);
  }

  /** Drops the cached credentials: the next call assumes the role again (its session policy changed). */
  invalidate(): void {
    this.cached = undefined;
  }

  readonly provide = (): Promise<TemporaryCredentials> => {
    if (this.cached && this.cached.expiration.getTime() - REFRESH_BEFORE_MS > this.now()) return Promise.resolve(this.cached);
    this.inFlight ??= this.assume().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  };

  private async assume(): Promise<TemporaryCredentials> {
    const roleArn = this.roleArn;
    if (!roleArn) throw new PlldbError('the debugger role is not known yet', PlldbErrorType.AssumeRole, 'role_arn_unknown');
    try {
      this.cached = await this.assumer.assume(roleArn);
      return this.cached;
    } catch (err) {
      if (isUnreachable(err)) throw unreachableError('STS', err);
      throw new PlldbError(
        `PLLDB could not assume ${roleArn}: ${(err as Error).message}. The function's execution role needs sts:AssumeRole on ${roleArn} (\`plldb attach\` adds it); set PLLDB_DEBUGGER_ROLE_ARN if the role lives elsewhere.`,
        PlldbErrorType.AssumeRole,
        'assume_role_failed',
      );
    }
  }
}
