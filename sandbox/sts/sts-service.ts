import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_ROLE_NAME, ROLE_EXTERNAL_ID } from '../../protocol/index.js';
import { HttpService, closeSignal, readBody, send } from '../common/http-service.js';
import { randomAlnum, requestId } from '../common/ids.js';
import { accessKeyOf } from '../common/sigv4.js';
import { escapeXml } from '../common/xml.js';
import type { SandboxConditions } from '../latency.js';
import { SANDBOX_USER_ID } from '../constants.js';
import { resolveServiceOptions, type ServiceOptions } from '../common/service-options.js';

export interface StsRole {
  arn: string;
  /** When set, AssumeRole must pass exactly this ExternalId (as the role's trust policy requires). */
  externalId?: string;
}

/** `conditions.failSts` fails AssumeRole. */
export interface StsServiceOptions extends ServiceOptions {
  /** Roles that exist. Default: the sandbox account's PLLDBDebuggerRole, requiring the PLLDB ExternalId. */
  roles?: StsRole[];
  /** Lifetime of issued credentials, overriding DurationSeconds (e.g. a few seconds to test refresh). */
  credentialLifetimeSeconds?: number;
}

interface Session {
  arn: string;
  userId: string;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ERROR_STATUS: Record<string, number> = { AccessDenied: 403, RegionDisabledException: 403, InternalFailure: 500, ServiceUnavailable: 503 };

class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** STS over the query protocol (form POST, XML answers): AssumeRole and GetCallerIdentity. */
export class StsService {
  readonly conditions: SandboxConditions;
  private readonly http: HttpService;
  private readonly roles = new Map<string, StsRole>();
  private readonly sessions = new Map<string, Session>();
  private readonly accountId: string;

  constructor(private readonly options: StsServiceOptions = {}) {
    ({ conditions: this.conditions, accountId: this.accountId } = resolveServiceOptions(options));
    const roles = options.roles ?? [{ arn: `arn:aws:iam::${this.accountId}:role/${DEFAULT_ROLE_NAME}`, externalId: ROLE_EXTERNAL_ID }];
    for (const role of roles) this.addRole(role);
    this.http = new HttpService((req, res) => this.handle(req, res), options.port);
  }

  get endpoint(): string {
    return this.http.endpoint;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  addRole(role: StsRole): void {
    this.roles.set(role.arn, role);
  }

  /** The `{role id}:{session name}` of an issued access key id (SQS's SenderId for it). */
  sessionUserId(accessKeyId: string): string | undefined {
    return this.sessions.get(accessKeyId)?.userId;
  }

  /** The assumed-role ARN an issued access key id belongs to. */
  sessionArn(accessKeyId: string): string | undefined {
    return this.sessions.get(accessKeyId)?.arn;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = new URLSearchParams((await readBody(req)).toString('utf8'));
    const action = params.get('Action') ?? '';
    const accessKeyId = accessKeyOf(req);
    const id = requestId();
    this.options.onRequest?.({ service: 'STS', operation: action, accessKeyId });
    await this.conditions.delayCall(closeSignal(res));
    try {
      let result: string;
      if (action === 'AssumeRole') result = this.assumeRole(params, accessKeyId);
      else if (action === 'GetCallerIdentity') result = this.callerIdentity(accessKeyId);
      else throw new StsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15 (the sandbox STS knows AssumeRole and GetCallerIdentity)`);
      const xml = `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`;
      send(res, 200, { 'content-type': 'text/xml', 'x-amzn-requestid': id }, xml);
    } catch (error) {
      if (!(error instanceof StsError)) throw error;
      const status = ERROR_STATUS[error.code] ?? 400;
      const xml = `<ErrorResponse xmlns="${NS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`;
      send(res, status, { 'content-type': 'text/xml', 'x-amzn-requestid': id }, xml);
    }
  }

  private assumeRole(params: URLSearchParams, callerKey: string | undefined): string {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw new StsError('ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and length 2..64`);
    }
    const duration = Number(params.get('DurationSeconds') ?? 3600);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
      throw new StsError('ValidationError', `1 validation error detected: Value '${params.get('DurationSeconds')}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
    }
    const injected = this.conditions.stsFailureCode;
    const role = this.roles.get(roleArn);
    const externalIdOk = role?.externalId === undefined || role.externalId === params.get('ExternalId');
    if (injected || !role || !externalIdOk) {
      const code = injected ?? 'AccessDenied';
      throw new StsError(code, `User: ${this.callerArn(callerKey)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    const roleName = roleArn.split('/').pop() as string;
    const roleId = roleIdOf(roleArn);
    const accessKeyId = `ASIA${randomAlnum(16)}`;
    const session = { arn: `arn:aws:sts::${this.accountId}:assumed-role/${roleName}/${sessionName}`, userId: `${roleId}:${sessionName}` };
    this.sessions.set(accessKeyId, session);
    const lifetime = this.options.credentialLifetimeSeconds ?? duration;
    const expiration = new Date(Date.now() + lifetime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return (
      `<AssumedRoleUser><Arn>${escapeXml(session.arn)}</Arn><AssumedRoleId>${escapeXml(session.userId)}</AssumedRoleId></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(30).toString('base64')}</SecretAccessKey>` +
      `<SessionToken>${randomBytes(96).toString('base64')}</SessionToken><Expiration>${expiration}</Expiration></Credentials>`
    );
  }

  private callerIdentity(callerKey: string | undefined): string {
    const session = callerKey ? this.sessions.get(callerKey) : undefined;
    const userId = session?.userId ?? SANDBOX_USER_ID;
    return `<Arn>${escapeXml(this.callerArn(callerKey))}</Arn><UserId>${escapeXml(userId)}</UserId><Account>${this.accountId}</Account>`;
  }

  private callerArn(callerKey: string | undefined): string {
    return (callerKey && this.sessions.get(callerKey)?.arn) ?? `arn:aws:iam::${this.accountId}:user/sandbox`;
  }
}

/** A role's unique id: fixed for the role, as IAM's is (`AROA` + 17 characters). */
export function roleIdOf(roleArn: string): string {
  return `AROA${createHash('sha256').update(roleArn).digest('hex').slice(0, 17).toUpperCase()}`;
}
