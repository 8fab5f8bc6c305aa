import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { preciseNow } from '../common/clock.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_CREDENTIALS, SANDBOX_LAYERS, SANDBOX_REGION } from '../constants.js';
import { functionErrors, LambdaServiceError, resourceNotFound } from './errors.js';
import { applyPatch, LayerRegistry, newRecord, resolveDefinition, revision, toConfiguration, type FunctionRecord } from './function-config.js';
import { FunctionInstance, type InstanceEvents } from './function-instance.js';
import { InvocationLog } from './invocation-log.js';
import { LaunchError, planLaunch, resolvePython } from './launch.js';
import { VpcNetwork } from './vpc-network.js';
import { RESPONSE_PAYLOAD_LIMIT_BYTES, type RuntimeOutcome } from './runtime-api-server.js';
import type { FunctionConfigurationPatch, FunctionDefinition, InstanceInfo, InvokeOptions, InvokeResult, LogEntry, LogHook, RuntimeEventHook } from './types.js';

/** Lambda gives a cold start's init phase 10 s of its own before the invocation's timeout counts. */
const INIT_ALLOWANCE_MS = 10_000;
const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
const ASYNC_PAYLOAD_LIMIT = 1024 * 1024;
const LOG_SETTLE_MS = 25;
const LOG_BUFFER_LINES = 2000;

export interface FunctionHostOptions {
  region?: string;
  accountId?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Layer version ARN -> folder. Default: the SANDBOX_LAYERS ARNs -> their dist/ folders in this repo. */
  layers?: Record<string, string>;
  /** Variables every instance gets (e.g. AWS_ENDPOINT_URL_DYNAMODB); the function's own win. */
  extraEnv?: Record<string, string>;
  /** Instances per function at most (Lambda's concurrency). Default 10. */
  maxConcurrency?: number;
  /** Every line any instance writes. */
  onLog?: LogHook;
  /** Result of each `Event` invocation (nobody waits for it). */
  onEventResult?: (functionName: string, result: InvokeResult) => void;
  /** Python interpreter for python* functions. Default: the one behind `python3`. */
  pythonCommand?: string;
  /** Each invocation's and environment's steps with their times (queued, spawned, /next, delivered, answered). */
  onRuntimeEvent?: RuntimeEventHook;
}

interface PendingInvocation {
  requestId: string;
  payload: string;
  clientContext?: string;
  tenantId?: string;
  log: InvocationLog;
  settle(result: Omit<InvokeResult, 'statusCode' | 'requestId'>): void;
  timer?: NodeJS.Timeout;
}

interface HostedFunction {
  record: FunctionRecord;
  generation: number;
  instances: Map<string, FunctionInstance>;
  queue: PendingInvocation[];
  /** Invocation each instance holds (assigned at start or when idle). */
  assigned: Map<FunctionInstance, PendingInvocation>;
  /** Log of each instance's latest invocation: lines can arrive just after its answer. */
  latestLog: Map<FunctionInstance, InvocationLog>;
}

/**
 * Hosts functions the way Lambda runs them: one process per execution environment, invocations
 * queued and dispatched to idle environments, timeouts and crashes turned into Lambda's errors.
 */
export class FunctionHost {
  private readonly functions = new Map<string, HostedFunction>();
  private readonly layers: LayerRegistry;
  private readonly region: string;
  private readonly accountId: string;
  private readonly maxConcurrency: number;
  private readonly recentLines: LogEntry[] = [];
  private instanceCounter = 0;
  private stopped = false;
  private vpcNetwork: Promise<VpcNetwork> | undefined;

  constructor(private readonly options: FunctionHostOptions = {}) {
    this.region = options.region ?? SANDBOX_REGION;
    this.accountId = options.accountId ?? SANDBOX_ACCOUNT_ID;
    this.maxConcurrency = options.maxConcurrency ?? 10;
    this.layers = new LayerRegistry(options.layers ?? Object.fromEntries(Object.values(SANDBOX_LAYERS).map((l) => [l.arn, join(PACKAGE_ROOT, l.dir)])));
  }

  createFunction(def: FunctionDefinition): FunctionConfiguration {
    if (this.functions.has(def.name)) {
      throw new LambdaServiceError('ResourceConflictException', `Function already exist: ${def.name}`, 409);
    }
    const resolved = resolveDefinition(def, this.accountId);
    this.layers.validate(resolved.layers);
    const record = newRecord(resolved, this.region, this.accountId);
    this.functions.set(def.name, { record, generation: 0, instances: new Map(), queue: [], assigned: new Map(), latestLog: new Map() });
    return toConfiguration(record, this.layers);
  }

  /** Removes a function; its running environments are stopped and its waiting invocations fail. */
  async deleteFunction(nameOrArn: string): Promise<void> {
    const fn = this.find(nameOrArn);
    this.functions.delete(fn.record.definition.name);
    for (const pending of fn.queue.splice(0)) pending.settle({ payload: functionErrors.stopped(pending.requestId), functionError: 'Unhandled' });
    await Promise.all([...fn.instances.values()].map((instance) => instance.kill()));
  }

  listFunctions(): string[] {
    return [...this.functions.keys()];
  }

  /** Every function's configuration, in creation order (ListFunctions). */
  listFunctionConfigurations(): FunctionConfiguration[] {
    return [...this.functions.values()].map((fn) => toConfiguration(fn.record, this.layers));
  }

  /** GetLayerVersionByArn: the layer's size (the sandbox measures its folder) for a known layer version. */
  layerVersion(arn: string): { LayerVersionArn: string; Version: number; Content: { CodeSize: number } } {
    return { LayerVersionArn: arn, Version: Number(arn.split(':').pop()) || 1, Content: { CodeSize: this.layers.codeSize(arn) } };
  }

  /** Accepts a name, an ARN or a partial ARN, as Lambda does; qualifier `$LATEST` only. */
  getFunctionConfiguration(nameOrArn: string, qualifier?: string): FunctionConfiguration {
    return toConfiguration(this.find(nameOrArn, qualifier).record, this.layers);
  }

  /** Applies the patch; running environments finish their invocation and are replaced. */
  updateFunctionConfiguration(nameOrArn: string, patch: FunctionConfigurationPatch, expectedRevisionId?: string): FunctionConfiguration {
    const fn = this.find(nameOrArn);
    if (expectedRevisionId !== undefined && expectedRevisionId !== fn.record.revisionId) {
      throw new LambdaServiceError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id', 412);
    }
    const definition = applyPatch(fn.record.definition, patch);
    this.layers.validate(definition.layers);
    fn.record = { ...fn.record, definition, ...revision() };
    fn.generation += 1;
    for (const instance of fn.instances.values()) {
      if (instance.state === 'idle') void this.retire(fn, instance);
    }
    return toConfiguration(fn.record, this.layers);
  }

  async invoke(nameOrArn: string, payload: string, options: InvokeOptions = {}): Promise<InvokeResult> {
    if (this.stopped) throw new LambdaServiceError('ServiceException', 'The sandbox function host is stopped: start a new one.', 500);
    const fn = this.find(nameOrArn);
    const type = options.invocationType ?? 'RequestResponse';
    const requestId = randomUUID();
    const limit = type === 'Event' ? ASYNC_PAYLOAD_LIMIT : SYNC_PAYLOAD_LIMIT;
    if (Buffer.byteLength(payload) > limit) {
      throw new LambdaServiceError('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`, 413);
    }
    const event = payload === '' ? '{}' : payload;
    try {
      JSON.parse(event);
    } catch (err) {
      throw new LambdaServiceError('InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`, 400);
    }
    if (type === 'DryRun') return { statusCode: 204, payload: '', requestId };
    const done = this.enqueue(fn, requestId, event, options);
    if (type === 'Event') {
      void done.then((result) => this.options.onEventResult?.(fn.record.definition.name, result));
      return { statusCode: 202, payload: '', requestId };
    }
    return done;
  }

  /** Running environments of a function. */
  instances(nameOrArn: string): InstanceInfo[] {
    return [...this.find(nameOrArn).instances.values()].map((i) => i.info());
  }

  /**
   * Fault: SIGKILLs one environment (the given one, else the first busy, else any). Its in-flight
   * invocation fails with Runtime.ExitError and the environment is replaced on demand.
   */
  async killInstance(nameOrArn: string, instanceId?: string): Promise<string | undefined> {
    const fn = this.find(nameOrArn);
    const target = instanceId !== undefined ? fn.instances.get(instanceId) : ([...fn.assigned.keys()][0] ?? [...fn.instances.values()][0]);
    if (!target) return undefined;
    await target.kill();
    return target.id;
  }

  /** Lines instances wrote (the last 2000), oldest first; optionally of one function. */
  logs(functionName?: string): LogEntry[] {
    return functionName === undefined ? [...this.recentLines] : this.recentLines.filter((entry) => entry.functionName === functionName);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const kills: Promise<void>[] = [];
    for (const fn of this.functions.values()) {
      for (const pending of fn.queue.splice(0)) pending.settle({ payload: functionErrors.stopped(pending.requestId), functionError: 'Unhandled' });
      for (const instance of fn.instances.values()) kills.push(instance.kill());
    }
    await Promise.all(kills);
    await (await this.vpcNetwork)?.stop();
  }

  private find(nameOrArn: string, qualifier?: string): HostedFunction {
    const match = /^(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?([A-Za-z0-9_-]+)(?::([$A-Za-z0-9_-]+))?$/.exec(nameOrArn);
    const name = match?.[1] ?? nameOrArn;
    const version = qualifier ?? match?.[2];
    const fn = this.functions.get(name);
    if (!fn || (version !== undefined && version !== '$LATEST')) {
      const arn = `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}${version ? `:${version}` : ''}`;
      throw resourceNotFound(`Function not found: ${arn}`);
    }
    return fn;
  }

  private enqueue(fn: HostedFunction, requestId: string, payload: string, options: InvokeOptions): Promise<InvokeResult> {
    return new Promise((resolve) => {
      let settled = false;
      const log = new InvocationLog(requestId);
      const pending: PendingInvocation = {
        requestId,
        payload,
        ...(options.clientContext ? { clientContext: options.clientContext } : {}),
        ...(options.tenantId ? { tenantId: options.tenantId } : {}),
        log,
        settle: (result) => {
          if (settled) return;
          settled = true;
          clearTimeout(pending.timer);
          if (options.logType !== 'Tail') return resolve({ statusCode: 200, requestId, ...result });
          // Lines written just before the answer can reach us after it (pipe vs socket): give them a moment.
          setTimeout(() => resolve({ statusCode: 200, requestId, ...result, logResult: log.tail() }), LOG_SETTLE_MS);
        },
      };
      fn.queue.push(pending);
      this.options.onRuntimeEvent?.({ kind: 'queued', functionName: fn.record.definition.name, requestId, at: preciseNow() });
      this.dispatch(fn);
    });
  }

  /** Gives queued invocations to idle current environments, starting new ones up to the limit. */
  private dispatch(fn: HostedFunction): void {
    while (!this.stopped && fn.queue.length > 0) {
      const idle = [...fn.instances.values()].find((i) => i.state === 'idle' && i.generation === fn.generation);
      if (idle) {
        this.assign(fn, idle, fn.queue.shift() as PendingInvocation);
      } else if (fn.instances.size < this.maxConcurrency) {
        void this.startInstance(fn, fn.queue.shift() as PendingInvocation);
      } else {
        return;
      }
    }
  }

  private assign(fn: HostedFunction, instance: FunctionInstance, pending: PendingInvocation): void {
    const def = fn.record.definition;
    instance.state = 'busy';
    fn.assigned.set(instance, pending);
    fn.latestLog.set(instance, pending.log);
    pending.log.start();
    instance.deliver({
      requestId: pending.requestId,
      payload: pending.payload,
      timeoutMs: def.timeout * 1000,
      invokedFunctionArn: fn.record.arn,
      ...(pending.clientContext ? { clientContext: Buffer.from(pending.clientContext, 'base64').toString('utf8') } : {}),
      ...(pending.tenantId ? { tenantId: pending.tenantId } : {}),
    });
  }

  private async startInstance(fn: HostedFunction, first: PendingInvocation): Promise<void> {
    const def = fn.record.definition;
    const instance = new FunctionInstance(`${def.name}-${++this.instanceCounter}`, fn.generation, this.instanceEvents(fn));
    fn.instances.set(instance.id, instance);
    const runtimeApi = await instance.listen();
    if (this.stopped) {
      first.settle({ payload: functionErrors.stopped(first.requestId), functionError: 'Unhandled' });
      return instance.kill();
    }
    this.assign(fn, instance, first);
    // The cold start's init gets its own allowance; the deadline timer replaces this at delivery.
    first.timer = setTimeout(() => void this.timeOut(fn, instance, first), INIT_ALLOWANCE_MS + def.timeout * 1000);
    try {
      const plan = planLaunch(def, {
        runtimeApi,
        region: this.region,
        credentials: this.options.credentials ?? SANDBOX_CREDENTIALS,
        layerDirs: def.layers.map((arn) => this.layers.dirOf(arn)),
        extraEnv: this.options.extraEnv ?? {},
        logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${instance.id}`,
        pythonCommand: def.runtime.startsWith('python') ? (this.options.pythonCommand ?? resolvePython()) : '',
      });
      if (def.vpc) plan.env = (await (this.vpcNetwork ??= VpcNetwork.start())).environment(plan.env, def.vpc);
      instance.spawn(plan);
      instance.watchMemory(def.memorySize, (usedMb) => void this.outOfMemory(fn, instance, usedMb));
      this.options.onRuntimeEvent?.({ kind: 'spawned', functionName: def.name, instanceId: instance.id, pid: instance.pid, at: preciseNow() });
    } catch (err) {
      const detail = err instanceof LaunchError ? err.message : `cannot start the runtime: ${(err as Error).message}`;
      this.record(def.name, instance.id, JSON.stringify({ level: 'ERROR', event: 'launch_failed', functionName: def.name, message: detail }), 'stderr');
      first.settle({ payload: functionErrors.invalidEntrypoint(first.requestId, detail), functionError: 'Unhandled' });
      await this.retire(fn, instance);
    }
  }

  private instanceEvents(fn: HostedFunction): InstanceEvents {
    const emit = this.options.onRuntimeEvent;
    const functionName = fn.record.definition.name;
    return {
      onNext: (instance) => emit?.({ kind: 'next', functionName, instanceId: instance.id, at: preciseNow() }),
      onReady: (instance) => {
        if (instance.state === 'stopping') return;
        instance.current = undefined;
        if (instance.generation !== fn.generation) return void this.retire(fn, instance);
        instance.state = 'idle';
        this.dispatch(fn);
      },
      onDelivered: (instance, requestId, deadlineMs) => {
        emit?.({ kind: 'delivered', functionName, instanceId: instance.id, requestId, at: preciseNow() });
        const pending = fn.assigned.get(instance);
        if (!pending || pending.requestId !== requestId) return;
        clearTimeout(pending.timer);
        pending.timer = setTimeout(() => void this.timeOut(fn, instance, pending), Math.max(0, deadlineMs - Date.now()));
      },
      onOutcome: (instance, requestId, outcome) => {
        emit?.({ kind: 'answered', functionName, instanceId: instance.id, requestId, outcome: outcome.kind, at: preciseNow() });
        const pending = fn.assigned.get(instance);
        if (!pending || pending.requestId !== requestId) return;
        fn.assigned.delete(instance);
        instance.current = undefined;
        const maxMemoryUsedMb = instance.maxMemoryUsedMb();
        pending.log.end(fn.record.definition.memorySize, maxMemoryUsedMb);
        pending.settle({ ...resultOf(outcome), ...(maxMemoryUsedMb !== undefined ? { maxMemoryUsedMb } : {}) });
      },
      onInitError: (instance, errorType, body) => {
        const pending = fn.assigned.get(instance);
        fn.assigned.delete(instance);
        pending?.settle({ payload: functionErrors.reported(errorType, body), functionError: 'Unhandled' });
        void this.retire(fn, instance);
      },
      onExit: (instance, code, signal) => {
        const pending = fn.assigned.get(instance);
        fn.assigned.delete(instance);
        pending?.settle({ payload: functionErrors.exited(pending.requestId, code, signal), functionError: 'Unhandled' });
        void this.retire(fn, instance);
      },
      onLine: (instance, line, stream) => {
        fn.latestLog.get(instance)?.add(line);
        this.record(fn.record.definition.name, instance.id, line, stream);
      },
    };
  }

  /** Lambda kills an environment whose memory passes MemorySize: its invocation fails with Runtime.ExitError (signal: killed). */
  private async outOfMemory(fn: HostedFunction, instance: FunctionInstance, usedMb: number): Promise<void> {
    const def = fn.record.definition;
    this.record(def.name, instance.id, JSON.stringify({ level: 'ERROR', event: 'memory_exceeded', functionName: def.name, memorySizeMb: def.memorySize, usedMb: Math.ceil(usedMb) }), 'stderr');
    await this.retire(fn, instance);
  }

  /** Kills the overrunning environment first, so the caller's error means it is gone. */
  private async timeOut(fn: HostedFunction, instance: FunctionInstance, pending: PendingInvocation): Promise<void> {
    if (fn.assigned.get(instance) !== pending) return;
    fn.assigned.delete(instance);
    await this.retire(fn, instance);
    pending.settle({ payload: functionErrors.timeout(pending.requestId, fn.record.definition.timeout), functionError: 'Unhandled' });
  }

  /** Removes an environment (killing it if still running) and lets the queue start a replacement. */
  private async retire(fn: HostedFunction, instance: FunctionInstance): Promise<void> {
    if (!fn.instances.has(instance.id)) return;
    fn.instances.delete(instance.id);
    await instance.kill();
    fn.latestLog.delete(instance);
    this.dispatch(fn);
  }

  private record(functionName: string, instanceId: string, line: string, stream: 'stdout' | 'stderr'): void {
    this.recentLines.push({ functionName, instanceId, stream, line });
    if (this.recentLines.length > LOG_BUFFER_LINES) this.recentLines.splice(0, this.recentLines.length - LOG_BUFFER_LINES);
    this.options.onLog?.(functionName, instanceId, line, stream);
  }
}

function resultOf(outcome: RuntimeOutcome): Omit<InvokeResult, 'statusCode' | 'requestId'> {
  if (outcome.kind === 'response') return { payload: outcome.body };
  if (outcome.kind === 'too-large') return { payload: functionErrors.responseTooLarge(RESPONSE_PAYLOAD_LIMIT_BYTES), functionError: 'Unhandled' };
  return { payload: functionErrors.reported(outcome.errorType, outcome.body), functionError: 'Unhandled' };
}
