import { ATTACH_POLICY_NAME, ATTACHED_ROLE_TAG, Env, EXEC_WRAPPER_PATH, readAttachment, type AttachmentRecord } from '../../../protocol/index.js';
import type { ConnectionState, ConnectionStatusApi } from '../aws/connection-status-api.js';
import { hasQualifier, RevisionChangedError, UNZIPPED_CODE_LIMIT_BYTES, type FunctionConfig, type FunctionConfigApi } from '../aws/function-config-api.js';
import type { RolePolicyApi } from '../aws/role-policy-api.js';
import type { SessionDirectory } from '../aws/session-directory.js';
import type { HelperStack } from '../aws/stack-outputs.js';
import { CliError, FunctionNotFoundError } from '../errors.js';
import { attachChange, detachChange, type IsPlldbLayer } from './change-set.js';
import { sessionConnectionState } from './session-liveness.js';
import { chooseLayer, isPlldbLayer } from './layer-choice.js';
import type { AttachmentStore, LocalAttachment } from './state-store.js';

/** Lambda's limit of layers per function. */
export const MAX_LAYERS = 5;
/** Lambda's maximum function timeout, seconds. */
export const MAX_TIMEOUT_SECONDS = 900;
/** Lambda Managed Instances: asynchronous and event-source invocations may run up to 5,400 s. */
export const MANAGED_INSTANCES_MAX_TIMEOUT_SECONDS = 5400;
/** The timeout `plldb debug` raises a function to by default: time to sit at a breakpoint. */
export const DEBUG_DEFAULT_TIMEOUT_SECONDS = 900;
/** Reads and re-applies after a PreconditionFailedException (the function changed in between). */
const MAX_ATTEMPTS = 5;

/** The environment variables attach set before attachments carried a record (detached as such). */
const LEGACY_ENV_KEYS: readonly string[] = [Env.ExecWrapper, Env.SessionId, Env.ConnectionId, Env.WebSocketApiEndpoint, Env.DebuggerRoleArn, Env.TableName];

/** The debugger connection a function is attached to. */
export interface DebuggerTarget {
  sessionId: string;
  connectionId: string;
}

export interface AttachOptions {
  /** Function timeout in seconds while attached; unset keeps the function's own. */
  timeout?: number;
  /** Traffic-control variables (PLLDB_WHEN_DISCONNECTED, PLLDB_ROUTE_FILTER, PLLDB_MODE, PLLDB_OBSERVE_SAMPLE_MS); unset ones take the runtime's defaults. */
  traffic?: Record<string, string>;
  /** `timeout` is a default: raise the function's own to it, never lower it. */
  raiseOnly?: boolean;
  /** Take the function from another session whose connection is still open. */
  takeover?: boolean;
  /** This session attached the function before: if it no longer holds it, it lost it; attach nothing. */
  resume?: boolean;
  /** The command the user runs (error messages of the runtime name it). */
  command?: AttachmentRecord['command'];
}

export type AttachResult =
  | {
      status: 'attached';
      functionName: string;
      functionArn: string;
      layerArn: string;
      runtime: string;
      /** False when this session (or this connection) had attached the function already. */
      firstAttach: boolean;
      /** Set when attach changed the timeout. */
      timeout?: { before: number; set: number };
      /** One line each: takeovers, what a VPC function needs. */
      notices: string[];
    }
  /** `resume`: another session took the function over (owner), or it was detached elsewhere. */
  | { status: 'lost'; functionName: string; owner?: AttachmentRecord };

export type DetachResult =
  /** `kept`: what changed since attach and was left as it is now. */
  | { status: 'restored'; functionName: string; kept: string[] }
  | { status: 'not-attached'; functionName: string }
  /** The function was deleted since it was attached: its local copy is dropped. */
  | { status: 'gone'; functionName: string }
  /** Detaching for a session that no longer holds the function: left to its owner. */
  | { status: 'not-ours'; functionName: string; owner: AttachmentRecord };

export interface AttacherDeps {
  functions: FunctionConfigApi;
  policies: RolePolicyApi;
  connections: ConnectionStatusApi;
  /** The sessions' current connections (a session outlives the connection recorded at attach). */
  sessions?: SessionDirectory;
  store: AttachmentStore;
  /** The helper stack, read only when needed. */
  stack: () => Promise<HelperStack>;
  now?: () => Date;
}

export function roleNameFromArn(roleArn: string): string {
  const name = roleArn.split('/').pop();
  if (!name || !roleArn.includes(':role/')) throw new CliError(`cannot read the execution role name from ${JSON.stringify(roleArn)}`);
  return name;
}

export function assumeRolePolicy(debuggerRoleArn: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: debuggerRoleArn }] });
}

/** Whether a function carries PLLDB (a record, or the wrapper of an attach that predates records). */
export function carriesPlldb(fn: FunctionConfig): boolean {
  return readAttachment(fn.environment) !== undefined || fn.environment?.[Env.ExecWrapper] === EXEC_WRAPPER_PATH;
}

/** The record on the function; for an attachment made before records existed, what such an attach added. */
export function attachmentOf(fn: FunctionConfig): AttachmentRecord | undefined {
  const record = readAttachment(fn.environment);
  if (record || fn.environment?.[Env.ExecWrapper] !== EXEC_WRAPPER_PATH) return record;
  return {
    sessionId: fn.environment[Env.SessionId] ?? '',
    connectionId: fn.environment[Env.ConnectionId] ?? '',
    attachedAt: '',
    layerArn: '',
    addedEnv: [...LEGACY_ENV_KEYS],
    command: 'attach',
  };
}

/** Attach rewrites the whole environment: one it cannot read would be lost. */
function checkReadableEnvironment(fn: FunctionConfig, doing: string): void {
  const unreadable = fn.environmentError
    ? `Lambda reports ${fn.environmentError}`
    : fn.kmsKeyArn !== undefined && fn.environment === undefined
      ? `its variables are encrypted with KMS key ${fn.kmsKeyArn} and Lambda returned none`
      : undefined;
  if (unreadable) {
    throw new CliError(
      `cannot ${doing} function ${fn.name}: its environment variables cannot be read (${unreadable}); ${doing} rewrites them, so nothing was changed`,
      `use credentials allowed to decrypt with the function's KMS key (kms:Decrypt${fn.kmsKeyArn ? ` on ${fn.kmsKeyArn}` : ''}), then run the command again`,
    );
  }
}

function describeOwner(owner: AttachmentRecord): string {
  return `session ${owner.sessionId} (connection ${owner.connectionId}${owner.attachedAt ? `, attached ${owner.attachedAt}` : ''})`;
}

/** What a function in a VPC needs for PLLDB's runtime to reach AWS. */
function vpcNotice(fn: FunctionConfig & { vpc: NonNullable<FunctionConfig['vpc']> }): string {
  return (
    `${fn.name} runs in VPC ${fn.vpc.vpcId || fn.vpc.subnetIds.join(',')}: PLLDB's runtime calls STS, DynamoDB, SQS and the WebSocket API's management endpoint from there. ` +
    'Its subnets need a route to a NAT gateway, since PLLDB\'s WebSocket API is public and VPC endpoints reach only private APIs; interface endpoints for STS and SQS (and a gateway endpoint for DynamoDB) keep those calls private. ' +
    'An execute-api interface endpoint with private DNS sends PostToConnection to itself and it fails with 403: then no invocation reaches the debugger.'
  );
}

const MB = 1024 * 1024;

/**
 * Attaches functions to a debugger connection and detaches them. Attach records on the function
 * what it adds (protocol AttachmentRecord); detach removes exactly that from the function's current
 * configuration, keeping whatever changed since. Every update carries the RevisionId just read and
 * is re-read and re-applied when the function changed in between.
 */
export class Attacher {
  constructor(private readonly deps: AttacherDeps) {}

  async attach(functionName: string, target: DebuggerTarget, options: AttachOptions = {}): Promise<AttachResult> {
    const { functions, store } = this.deps;
    if (options.timeout !== undefined && !(Number.isInteger(options.timeout) && options.timeout >= 1 && options.timeout <= MANAGED_INSTANCES_MAX_TIMEOUT_SECONDS)) {
      throw new CliError(`--timeout ${options.timeout} is not valid`, `give a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS} (${MANAGED_INSTANCES_MAX_TIMEOUT_SECONDS} for Lambda Managed Instances)`);
    }
    if (hasQualifier(functionName)) {
      throw new CliError(
        `${functionName} names a version or alias; attach changes the function's unpublished configuration ($LATEST)`,
        'pass the function name without the :qualifier and invoke $LATEST (or an alias that points to it) while debugging',
      );
    }
    const stack = await this.deps.stack();
    const ours: IsPlldbLayer = (arn) => isPlldbLayer(arn, stack);
    const notices: string[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const fn = await functions.get(functionName);
      checkReadableEnvironment(fn, 'attach');
      const layerArn = chooseLayer(fn, stack);
      if (options.timeout !== undefined && options.timeout > MAX_TIMEOUT_SECONDS && !fn.managedInstances) {
        throw new CliError(`--timeout ${options.timeout} is more than Lambda allows for function ${fn.name}`, `give at most ${MAX_TIMEOUT_SECONDS} s (only functions on Lambda Managed Instances take up to ${MANAGED_INSTANCES_MAX_TIMEOUT_SECONDS} s)`);
      }
      const wrapper = fn.environment?.[Env.ExecWrapper];
      if (wrapper !== undefined && wrapper !== EXEC_WRAPPER_PATH) {
        throw new CliError(
          `function ${fn.name} already uses ${Env.ExecWrapper}=${wrapper}; PLLDB needs that variable for its own wrapper`,
          `remove ${Env.ExecWrapper} (and the layer that provides it) from the function while you debug it`,
        );
      }
      const existing = attachmentOf(fn);
      if (options.resume && existing?.sessionId !== target.sessionId) return { status: 'lost', functionName: fn.name, ...(existing ? { owner: existing } : {}) };
      // The same connection is the same debugger, whatever session id it attaches with.
      const sameOwner = existing !== undefined && (existing.sessionId === target.sessionId || existing.connectionId === target.connectionId);
      const otherOwner = existing !== undefined && !sameOwner;
      if (attempt === 1 && otherOwner) notices.push(await this.claim(fn, existing, options.takeover ?? false, stack));
      const ownLayers = fn.layers.filter((arn) => arn !== existing?.layerArn && !ours(arn));
      if (ownLayers.length >= MAX_LAYERS) {
        throw new CliError(`function ${fn.name} already has ${ownLayers.length} layers, the most Lambda allows; PLLDB needs to add one`, 'remove a layer from the function while you debug it');
      }
      if (attempt === 1 && !existing) await this.checkCodeSize(fn, ownLayers, layerArn);
      const { change, record } = attachChange(
        fn,
        existing,
        {
          ...target,
          layerArn,
          environment: {
            [Env.ExecWrapper]: EXEC_WRAPPER_PATH,
            [Env.SessionId]: target.sessionId,
            [Env.ConnectionId]: target.connectionId,
            [Env.WebSocketApiEndpoint]: stack.managementEndpoint,
            [Env.DebuggerRoleArn]: stack.debuggerRoleArn,
            [Env.TableName]: stack.tableName,
            [Env.AnswerSenderIds]: stack.answerSenderIds,
            ...options.traffic,
          },
          ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
          ...(options.raiseOnly ? { raiseOnly: true } : {}),
          command: options.command ?? 'attach',
          now: (this.deps.now?.() ?? new Date()).toISOString(),
        },
        ours,
      );
      const roleName = roleNameFromArn(fn.role);
      // Saved before the function changes: a crash half way still leaves this machine a record to detach with.
      store.putFunction({ functionArn: fn.arn, functionName: fn.name, roleName, savedAt: new Date().toISOString(), record });
      await this.grantRole(roleName, stack);
      try {
        await functions.update(fn.arn, change, fn.revisionId);
      } catch (err) {
        if (err instanceof RevisionChangedError) continue;
        throw err;
      }
      // Again after the update: a last detach elsewhere may have removed them in between (see releaseRole).
      await this.grantRole(roleName, stack);
      if (fn.vpc && !existing) notices.push(vpcNotice(fn as FunctionConfig & { vpc: NonNullable<FunctionConfig['vpc']> }));
      return {
        status: 'attached',
        functionName: fn.name,
        functionArn: fn.arn,
        layerArn,
        runtime: fn.runtime ?? '',
        firstAttach: !sameOwner,
        ...(record.timeout ? { timeout: record.timeout } : {}),
        notices,
      };
    }
    throw changingTooOften(functionName);
  }

  /**
   * Detaches a function, whoever attached it. With `sessionId`, only if that session still holds it
   * (a session that lost the function leaves it to its new owner).
   */
  async detach(functionName: string, options: { sessionId?: string } = {}): Promise<DetachResult> {
    const { functions, store } = this.deps;
    let fn: FunctionConfig;
    try {
      fn = await functions.get(functionName);
    } catch (err) {
      const local = err instanceof FunctionNotFoundError ? this.localByName(functionName) : undefined;
      if (!local) throw err;
      store.deleteFunction(local.functionArn);
      await this.releaseRole(local.roleName, local.functionArn);
      return { status: 'gone', functionName: local.functionName };
    }
    const ours = await this.plldbLayers();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      checkReadableEnvironment(fn, 'detach');
      const onFunction = attachmentOf(fn);
      const local = store.getFunction(fn.arn);
      if (options.sessionId !== undefined && onFunction && onFunction.sessionId !== options.sessionId) {
        store.deleteFunction(fn.arn);
        return { status: 'not-ours', functionName: fn.name, owner: onFunction };
      }
      // The local copy serves when a deploy wiped the function's environment (and with it the record).
      const record = onFunction ?? local?.record;
      if (!record) return { status: 'not-attached', functionName: fn.name };
      const { change, kept } = detachChange(fn, record, ours);
      const unchanged = JSON.stringify(change) === JSON.stringify({ layers: fn.layers, environment: fn.environment ?? {}, timeout: fn.timeout });
      if (!unchanged) {
        try {
          await functions.update(fn.arn, change, fn.revisionId);
        } catch (err) {
          if (!(err instanceof RevisionChangedError)) throw err;
          fn = await functions.get(fn.arn);
          continue;
        }
      }
      store.deleteFunction(fn.arn);
      await this.releaseRole(roleNameFromArn(fn.role), fn.arn);
      if (!onFunction && unchanged) return { status: 'not-attached', functionName: fn.name };
      return { status: 'restored', functionName: fn.name, kept };
    }
    throw changingTooOften(functionName);
  }

  /** Who holds the function now (its record), or undefined when nothing of PLLDB is on it. */
  async owner(functionName: string): Promise<AttachmentRecord | undefined> {
    return attachmentOf(await this.deps.functions.get(functionName));
  }

  /** Functions attached from this machine (local copies), for `detach --all`. */
  localAttachments(): LocalAttachment[] {
    return this.deps.store.listFunctions();
  }

  /** Refuses a function held by a session whose connection is open, unless taking over; returns the notice to print. */
  private async claim(fn: FunctionConfig, owner: AttachmentRecord, takeover: boolean, stack: HelperStack): Promise<string> {
    const endpoint = fn.environment?.[Env.WebSocketApiEndpoint] ?? stack.managementEndpoint;
    const tableName = fn.environment?.[Env.TableName] ?? stack.tableName;
    const state: ConnectionState = owner.connectionId
      ? (await sessionConnectionState(this.deps.connections, this.deps.sessions, { endpoint, tableName, sessionId: owner.sessionId, connectionId: owner.connectionId })).state
      : { state: 'gone' };
    if (state.state === 'gone') return `took over ${fn.name} from ${describeOwner(owner)}: that connection is closed`;
    if (!takeover) {
      const how = state.state === 'connected' ? 'still connected' : `whose state is unknown: ${state.reason}`;
      throw new CliError(`function ${fn.name} is attached to ${describeOwner(owner)}, ${how}`, 'stop that session, or pass --takeover to attach it here (that session then stops serving it)');
    }
    return `took over ${fn.name} from ${describeOwner(owner)}; that session stops serving it`;
  }

  /**
   * Zipped sizes are all Lambda reports (CodeSize), and they are a lower bound of the unzipped
   * ones: a function already past the limit by them cannot take PLLDB's layer.
   */
  private async checkCodeSize(fn: FunctionConfig, ownLayers: string[], layerArn: string): Promise<void> {
    // Best effort: when Lambda does not tell the layer's size, the update reports the limit itself.
    const plldbLayer = await this.deps.functions.layerCodeSize(layerArn).catch(() => undefined);
    const total = fn.codeSize + ownLayers.reduce((sum, arn) => sum + (fn.layerCodeSizes[arn] ?? 0), 0) + (plldbLayer ?? 0);
    if (total > UNZIPPED_CODE_LIMIT_BYTES) {
      throw new CliError(
        `function ${fn.name} cannot take PLLDB's layer: Lambda allows at most 250 MB of function code and layers together, unzipped, and its code and layers with PLLDB's already take ${(total / MB).toFixed(1)} MB zipped (unzipped is more)`,
        'debug a build of the function with fewer or smaller dependencies (or one layer less) while you debug it',
      );
    }
  }

  private async plldbLayers(): Promise<IsPlldbLayer> {
    try {
      const stack = await this.deps.stack();
      return (arn) => isPlldbLayer(arn, stack);
    } catch {
      // Without the stack (e.g. destroyed), the record's own layer ARN still identifies PLLDB's layer.
      return () => false;
    }
  }

  private localByName(functionName: string): LocalAttachment | undefined {
    return this.deps.store.listFunctions().find((s) => s.functionName === functionName || s.functionArn === functionName);
  }

  private async grantRole(roleName: string, stack: HelperStack): Promise<void> {
    await this.deps.policies.put(roleName, ATTACH_POLICY_NAME, assumeRolePolicy(stack.debuggerRoleArn));
    await this.deps.policies.tag(roleName, ATTACHED_ROLE_TAG.key, ATTACHED_ROLE_TAG.value);
  }

  /**
   * Removes the role's policy and tag once no function using the role carries PLLDB, whoever
   * attached it. Attach grants again after its update, and this looks again after removing: of an
   * attach and a detach racing on one role, whichever acts last sees the other.
   */
  private async releaseRole(roleName: string, detachedArn: string): Promise<void> {
    const inUse = async () => (await this.deps.functions.list()).some((f) => f.arn !== detachedArn && f.role.endsWith(`/${roleName}`) && carriesPlldb(f));
    if (await inUse()) return;
    await this.deps.policies.delete(roleName, ATTACH_POLICY_NAME);
    await this.deps.policies.untag(roleName, ATTACHED_ROLE_TAG.key);
    if (await inUse()) await this.grantRole(roleName, await this.deps.stack());
  }
}

function changingTooOften(functionName: string): CliError {
  return new CliError(`function ${functionName} kept changing while plldb tried to update it (${MAX_ATTEMPTS} attempts)`, 'wait until deploys to it finish and run the command again');
}
