import { preciseNow } from '../sandbox/common/clock.js';
import { ROUTES_FUNCTION_NAME } from '../sandbox/system-functions.js';
import type { AnswerDelay } from './debugger.js';
import type { BenchWorld, Strategy } from './world.js';

/** Which path brought the answer to the runtime. */
export type Winner = 'fastPath' | 'relay' | 'poll' | 'none';

export interface PhaseSpec {
  /** e.g. `instant`, `slow`, `instant-relay-only`. */
  scenario: string;
  strategy: Strategy;
  delay: AnswerDelay;
  invocations: number;
  /** Functions invoked side by side, each one invocation at a time (1: strictly one after another). */
  parallel: number;
}

/** One invocation's times: sandbox (Runtime API), debugger and bench, all on the bench process's clock. */
export interface InvocationSample {
  requestId: string;
  functionName: string;
  ok: boolean;
  invokedAt: number;
  returnedAt: number;
  /** /next handed the invocation to the runtime. */
  deliveredAt: number;
  /** The runtime's response arrived at the Runtime API. */
  answeredAt: number;
  /** The debugger got the request message. */
  receivedAt: number;
  /** The debugger sent its answer. */
  sentAt: number;
  winner: Winner;
}

/** An AWS request a runtime (either strategy's) made. */
export interface RuntimeRequest {
  /** `Service.Operation`, e.g. `DynamoDB.GetItem`. */
  api: string;
  at: number;
  /** The function whose debugger-role session signed it; undefined for the function's own credentials (STS). */
  functionName?: string;
}

/** The WebSocket route handler's share of a phase: the debugger's answers passing through `$default`. */
export interface RouteWork {
  /** Each route invocation's own time (its Runtime API /next to its response), ms. */
  handlerMs: number[];
  /** The route handler's AWS requests (`Service.Operation`), the reply to the debugger included. */
  requests: string[];
}

export interface PhaseResult {
  spec: Omit<PhaseSpec, 'delay'>;
  samples: InvocationSample[];
  /** Runtime requests between the phase's start and end. */
  requests: RuntimeRequest[];
  route: RouteWork;
  startedAt: number;
  endedAt: number;
  /** Invocations that failed or whose times are missing. */
  problems: string[];
}

const RUNTIME_CALLERS = new Set(['functions', 'debugger-role']);
/** Log lines can reach the bench just after the invoke result does. */
const LOG_SETTLE_MS = 50;

interface Invoked {
  requestId: string;
  functionName: string;
  ok: boolean;
  invokedAt: number;
  returnedAt: number;
  detail: string;
}

/** Runs one phase: `invocations` invocations over `parallel` functions of one strategy; nothing else runs meanwhile. */
export async function runPhase(world: BenchWorld, spec: PhaseSpec): Promise<PhaseResult> {
  const names = await world.functions(spec.strategy, spec.parallel);
  world.debuggerClient.answerDelay = spec.delay;
  const startedAt = preciseNow();
  const perFunction = names.map((_, i) => Math.floor(spec.invocations / names.length) + (i < spec.invocations % names.length ? 1 : 0));
  const invoked = (await Promise.all(names.map((name, i) => invokeInTurn(world, name, perFunction[i] as number)))).flat();
  const endedAt = preciseNow();
  await world.debuggerClient.idle();
  await new Promise((resolve) => setTimeout(resolve, LOG_SETTLE_MS));
  const settledAt = preciseNow();
  const metrics = world.sandbox.metrics();
  const byRequest = new Map(metrics.invocations.map((i) => [i.requestId, i]));
  const samples: InvocationSample[] = [];
  const problems: string[] = [];
  for (const call of invoked) {
    const runtime = byRequest.get(call.requestId);
    const seen = world.debuggerClient.times.get(call.requestId);
    if (!call.ok || runtime?.deliveredAt === undefined || runtime.answeredAt === undefined || seen?.sentAt === undefined) {
      problems.push(`${spec.strategy} ${spec.scenario} ${call.requestId}: ${call.ok ? 'times missing' : call.detail}`);
      continue;
    }
    samples.push({
      ...call,
      deliveredAt: runtime.deliveredAt,
      answeredAt: runtime.answeredAt,
      receivedAt: seen.receivedAt,
      sentAt: seen.sentAt,
      winner: winnerOf(world, call.requestId),
    });
  }
  const requests = metrics.requestLog
    .filter((r) => r.at >= startedAt && r.at <= endedAt && RUNTIME_CALLERS.has(r.caller))
    .map((r) => ({ api: `${r.service}.${r.operation}`, at: r.at, ...sessionOf(world, r.caller === 'debugger-role' ? r.accessKeyId : undefined) }));
  const route: RouteWork = {
    handlerMs: metrics.invocations
      .filter((i) => i.functionName === ROUTES_FUNCTION_NAME && i.deliveredAt !== undefined && i.answeredAt !== undefined && i.deliveredAt >= startedAt && i.deliveredAt <= settledAt)
      .map((i) => (i.answeredAt as number) - (i.deliveredAt as number)),
    requests: metrics.requestLog.filter((r) => r.caller === 'websocket-routes' && r.at >= startedAt && r.at <= settledAt).map((r) => `${r.service}.${r.operation}`),
  };
  const { delay: _delay, ...described } = spec;
  return { spec: described, samples, requests, route, startedAt, endedAt, problems };
}

async function invokeInTurn(world: BenchWorld, functionName: string, count: number): Promise<Invoked[]> {
  const out: Invoked[] = [];
  for (let n = 0; n < count; n += 1) {
    const invokedAt = preciseNow();
    const { result, returnedAt } = await world.invoke(functionName, { bench: n });
    const ok = result.statusCode === 200 && result.functionError === undefined;
    out.push({ requestId: result.requestId, functionName, ok, invokedAt, returnedAt, detail: ok ? '' : result.payload.slice(0, 300) });
  }
  return out;
}

/**
 * The queue arm's answer counts as the `$default` fast path when the route handler sent it to the
 * queue (it does so right after storing the answer, a stream propagation delay before the relay
 * can); otherwise as the relay's.
 */
function winnerOf(world: BenchWorld, requestId: string): Winner {
  const via = world.logs.facts.via.get(requestId);
  if (via === 'poll') return 'poll';
  if (via === 'sqs') return world.logs.facts.fastPathSent.has(requestId) ? 'fastPath' : 'relay';
  return 'none';
}

/** The function a debugger-role session belongs to (its session name is `plldb-{function}`). */
function sessionOf(world: BenchWorld, accessKeyId: string | undefined): { functionName?: string } {
  const arn = accessKeyId === undefined ? undefined : world.sandbox.services.sts.sessionArn(accessKeyId);
  const session = arn?.split('/').pop();
  return session?.startsWith('plldb-') ? { functionName: session.slice('plldb-'.length) } : {};
}
