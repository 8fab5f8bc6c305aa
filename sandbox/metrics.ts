import { preciseNow } from './common/clock.js';
import type { AwsRequest } from './common/request-hook.js';
import type { RuntimeEvent } from './lambda/types.js';

/** One AWS request a sandbox service received. */
export interface AwsRequestRecord extends AwsRequest {
  /** `preciseNow()` when it arrived. */
  at: number;
  /** Who sent it (see `Sandbox.callerOf`): 'relay', 'websocket-routes', 'functions', 'debugger-role', 'client'. */
  caller: string;
}

/** One invocation's steps as the function host saw them (epoch ms, sub-ms precision). */
export interface InvocationTimestamps {
  requestId: string;
  functionName: string;
  instanceId?: string;
  /** Invoke accepted (queued for an environment). */
  queuedAt?: number;
  /** /next handed the invocation to the runtime. */
  deliveredAt?: number;
  /** The runtime's response or error arrived. */
  answeredAt?: number;
  outcome?: 'response' | 'error' | 'too-large';
}

/** One execution environment's start. */
export interface InstanceTimestamps {
  instanceId: string;
  functionName: string;
  pid: number | undefined;
  spawnedAt: number;
  /** The runtime's first /next call (process start to here: the runtime's init). */
  firstNextAt?: number;
}

export interface MetricsSnapshot {
  /** Request counts: service -> operation -> count. */
  requests: Record<string, Record<string, number>>;
  /** Request counts by caller: caller -> "Service.Operation" -> count. */
  requestsByCaller: Record<string, Record<string, number>>;
  /** Every request, in arrival order (for per-window counts such as requests per minute of waiting). */
  requestLog: AwsRequestRecord[];
  /** Per request id, in the order invocations were queued. */
  invocations: InvocationTimestamps[];
  instances: InstanceTimestamps[];
}

/** Collects request counts and Runtime API timestamps; `reset()` starts a new measurement. */
export class SandboxMetrics {
  private requestLog: AwsRequestRecord[] = [];
  private invocations = new Map<string, InvocationTimestamps>();
  private instances = new Map<string, InstanceTimestamps>();

  constructor(private readonly callerOf: (accessKeyId: string | undefined) => string) {}

  recordRequest(request: AwsRequest): void {
    this.requestLog.push({ ...request, at: preciseNow(), caller: this.callerOf(request.accessKeyId) });
  }

  recordRuntimeEvent(event: RuntimeEvent): void {
    if (event.kind === 'spawned') {
      this.instances.set(event.instanceId, { instanceId: event.instanceId, functionName: event.functionName, pid: event.pid, spawnedAt: event.at });
      return;
    }
    if (event.kind === 'next') {
      const instance = this.instances.get(event.instanceId);
      if (instance && instance.firstNextAt === undefined) instance.firstNextAt = event.at;
      return;
    }
    const entry = this.invocation(event.requestId, event.functionName);
    if (event.kind === 'queued') entry.queuedAt = event.at;
    else if (event.kind === 'delivered') Object.assign(entry, { instanceId: event.instanceId, deliveredAt: event.at });
    else Object.assign(entry, { instanceId: event.instanceId, answeredAt: event.at, outcome: event.outcome });
  }

  snapshot(): MetricsSnapshot {
    const requests: Record<string, Record<string, number>> = {};
    const requestsByCaller: Record<string, Record<string, number>> = {};
    for (const r of this.requestLog) {
      const byOperation = (requests[r.service] ??= {});
      byOperation[r.operation] = (byOperation[r.operation] ?? 0) + 1;
      const byCaller = (requestsByCaller[r.caller] ??= {});
      const key = `${r.service}.${r.operation}`;
      byCaller[key] = (byCaller[key] ?? 0) + 1;
    }
    return {
      requests,
      requestsByCaller,
      requestLog: this.requestLog.map((r) => ({ ...r })),
      invocations: [...this.invocations.values()].map((i) => ({ ...i })),
      instances: [...this.instances.values()].map((i) => ({ ...i })),
    };
  }

  reset(): void {
    this.requestLog = [];
    this.invocations = new Map();
    this.instances = new Map();
  }

  private invocation(requestId: string, functionName: string): InvocationTimestamps {
    let entry = this.invocations.get(requestId);
    if (!entry) {
      entry = { requestId, functionName };
      this.invocations.set(requestId, entry);
    }
    return entry;
  }
}
