import { ATTACH_POLICY_NAME, Env, EXEC_WRAPPER_PATH } from '../../../protocol/index.js';
import { hasQualifier, type FunctionConfig, type FunctionConfigApi } from '../aws/function-config-api.js';
import type { RolePolicyApi } from '../aws/role-policy-api.js';
import type { HelperStack } from '../aws/stack-outputs.js';
import { CliError, FunctionNotFoundError } from '../errors.js';
import { chooseLayer, isPlldbLayer } from './layer-choice.js';
import type { AttachmentStore, SavedFunction } from './state-store.js';

/** Lambda's limit of layers per function. */
export const MAX_LAYERS = 5;
/** Lambda's maximum function timeout, seconds. */
export const MAX_TIMEOUT_SECONDS = 900;

/** The environment variables attach sets (and detach removes when it has nothing saved). */
const PLLDB_ENV_KEYS: readonly string[] = [Env.ExecWrapper, Env.SessionId, Env.ConnectionId, Env.WebSocketApiEndpoint, Env.DebuggerRoleArn, Env.TableName, Env.AnswerSenderIds];

/** The debugger connection a function is attached to. */
export interface DebuggerTarget {
  sessionId: string;
  connectionId: string;
}

export interface AttachOptions {
  /** New function timeout in seconds (1-900); unset keeps the current one. */
  timeout?: number;
}

export interface AttachResult {
  functionName: string;
  functionArn: string;
  layerArn: string;
  runtime: string;
  /** False when the function was attached already and only its session or connection changed. */
  firstAttach: boolean;
}

export type DetachResult =
  | { status: 'restored'; functionName: string }
  | { status: 'not-attached'; functionName: string }
  /** The function was deleted since it was attached: its saved configuration is dropped. */
  | { status: 'gone'; functionName: string };

export interface AttacherDeps {
  functions: FunctionConfigApi;
  policies: RolePolicyApi;
  store: AttachmentStore;
  /** The helper stack, read only when needed (detaching a saved attachment does not need it). */
  stack: () => Promise<HelperStack>;
}

export function roleNameFromArn(roleArn: string): string {
  const name = roleArn.split('/').pop();
  if (!name || !roleArn.includes(':role/')) throw new CliError(`cannot read the execution role name from ${JSON.stringify(roleArn)}`);
  return name;
}

export function assumeRolePolicy(debuggerRoleArn: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: debuggerRoleArn }] });
}

/**
 * Attaches functions to a debugger connection and detaches them, restoring exactly what was
 * there before. The previous configuration is saved before anything in AWS changes; both
 * operations are idempotent.
 */
export class Attacher {
  constructor(private readonly deps: AttacherDeps) {}

  async attach(functionName: string, target: DebuggerTarget, options: AttachOptions = {}): Promise<AttachResult> {
    const { functions, store } = this.deps;
    if (options.timeout !== undefined && !(Number.isInteger(options.timeout) && options.timeout >= 1 && options.timeout <= MAX_TIMEOUT_SECONDS)) {
      throw new CliError(`--timeout ${options.timeout} is not valid`, `give a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`);
    }
    if (hasQualifier(functionName)) {
      throw new CliError(
        `${functionName} names a version or alias; attach changes the function's unpublished configuration ($LATEST)`,
        'pass the function name without the :qualifier and invoke $LATEST (or an alias that points to it) while debugging',
      );
    }
    const stack = await this.deps.stack();
    const fn = await functions.get(functionName);
    const layerArn = chooseLayer(fn, stack);
    const wrapper = fn.environment?.[Env.ExecWrapper];
    if (wrapper !== undefined && wrapper !== EXEC_WRAPPER_PATH) {
      throw new CliError(
        `function ${fn.name} already uses ${Env.ExecWrapper}=${wrapper}; PLLDB needs that variable for its own wrapper`,
        `remove ${Env.ExecWrapper} (and the layer that provides it) from the function while you debug it`,
      );
    }
    const base = withoutPlldb(fn, stack);
    if (base.layers.length >= MAX_LAYERS) {
      throw new CliError(`function ${fn.name} already has ${base.layers.length} layers, the most Lambda allows; PLLDB needs to add one`, 'remove a layer from the function while you debug it');
    }
    const roleName = roleNameFromArn(fn.role);

    const saved = store.getFunction(fn.arn);
    if (!saved) {
      // Attached from elsewhere (another machine, or a lost state dir): what it was is what is left without PLLDB.
      const previous = wrapper === EXEC_WRAPPER_PATH ? base : { layers: fn.layers, ...(fn.environment ? { environment: fn.environment } : {}), timeout: fn.timeout };
      store.putFunction({ functionArn: fn.arn, functionName: fn.name, roleName, savedAt: new Date().toISOString(), previous });
    }
    await this.grantAssumeRole(roleName, fn.arn, stack.debuggerRoleArn);

    await functions.update(fn.arn, {
      layers: [...base.layers, layerArn],
      environment: {
        ...base.environment,
        [Env.ExecWrapper]: EXEC_WRAPPER_PATH,
        [Env.SessionId]: target.sessionId,
        [Env.ConnectionId]: target.connectionId,
        [Env.WebSocketApiEndpoint]: stack.managementEndpoint,
        [Env.DebuggerRoleArn]: stack.debuggerRoleArn,
        [Env.TableName]: stack.tableName,
        [Env.AnswerSenderIds]: stack.answerSenderIds,
      },
      timeout: options.timeout ?? fn.timeout,
    });
    return { functionName: fn.name, functionArn: fn.arn, layerArn, runtime: fn.runtime ?? '', firstAttach: !saved };
  }

  async detach(functionName: string): Promise<DetachResult> {
    const { functions, store } = this.deps;
    let fn: FunctionConfig;
    try {
      fn = await functions.get(functionName);
    } catch (err) {
      const saved = err instanceof FunctionNotFoundError ? this.savedByName(functionName) : undefined;
      if (!saved) throw err;
      await this.releaseRole(saved.roleName, saved.functionArn);
      store.deleteFunction(saved.functionArn);
      return { status: 'gone', functionName: saved.functionName };
    }
    const saved = store.getFunction(fn.arn);
    if (saved) {
      await functions.update(fn.arn, { layers: saved.previous.layers, environment: saved.previous.environment ?? {}, timeout: saved.previous.timeout });
      await this.releaseRole(saved.roleName, saved.functionArn);
      store.deleteFunction(saved.functionArn);
      return { status: 'restored', functionName: fn.name };
    }
    if (fn.environment?.[Env.ExecWrapper] !== EXEC_WRAPPER_PATH) return { status: 'not-attached', functionName: fn.name };
    // Attached from elsewhere: take PLLDB out and leave the role policy, which that attachment may still need.
    const base = withoutPlldb(fn, await this.deps.stack());
    await functions.update(fn.arn, { layers: base.layers, environment: base.environment ?? {}, timeout: fn.timeout });
    return { status: 'restored', functionName: fn.name };
  }

  private savedByName(functionName: string): SavedFunction | undefined {
    return this.deps.store.listFunctions().find((s) => s.functionName === functionName || s.functionArn === functionName);
  }

  private async grantAssumeRole(roleName: string, functionArn: string, debuggerRoleArn: string): Promise<void> {
    const { policies, store } = this.deps;
    const savedRole = store.getRole(roleName);
    if (!savedRole) {
      const existing = await policies.get(roleName, ATTACH_POLICY_NAME);
      store.putRole({
        roleName,
        policyName: ATTACH_POLICY_NAME,
        previous: existing === undefined ? { existed: false } : { existed: true, document: existing },
        functionArns: [functionArn],
      });
    } else if (!savedRole.functionArns.includes(functionArn)) {
      store.putRole({ ...savedRole, functionArns: [...savedRole.functionArns, functionArn] });
    }
    await policies.put(roleName, ATTACH_POLICY_NAME, assumeRolePolicy(debuggerRoleArn));
  }

  /** Restores the role's policy once no attached function uses the role any more. */
  private async releaseRole(roleName: string, functionArn: string): Promise<void> {
    const { policies, store } = this.deps;
    const savedRole = store.getRole(roleName);
    if (!savedRole) return;
    const remaining = savedRole.functionArns.filter((arn) => arn !== functionArn);
    if (remaining.length > 0) {
      store.putRole({ ...savedRole, functionArns: remaining });
      return;
    }
    if (savedRole.previous.existed && savedRole.previous.document !== undefined) await policies.put(roleName, savedRole.policyName, savedRole.previous.document);
    else await policies.delete(roleName, savedRole.policyName);
    store.deleteRole(roleName);
  }
}

/** The function's layers and environment without anything PLLDB added. */
function withoutPlldb(fn: FunctionConfig, stack: HelperStack): SavedFunction['previous'] {
  const environment = fn.environment ? Object.fromEntries(Object.entries(fn.environment).filter(([k]) => !PLLDB_ENV_KEYS.includes(k))) : undefined;
  return { layers: fn.layers.filter((arn) => !isPlldbLayer(arn, stack)), ...(environment ? { environment } : {}), timeout: fn.timeout };
}
