import type { MetricsSnapshot } from '../../../sandbox/index.js';
import type { AnswerDelivery } from '../debug/answer-delivery.js';

/** What the demo saw of one invocation, on the demo's clock (`performance`-based epoch ms). */
export interface InvocationTrace {
  functionName: string;
  event: unknown;
  requestId: string;
  invokedAt: number;
  returnedAt: number;
  ok: boolean;
  /** The result's message, or the error's type and message. */
  summary: string;
  /** When `plldb debug` got the request message and sent the answer (the session observer). */
  requestReceivedAt?: number;
  answerSentAt?: number;
  delivery?: AnswerDelivery;
  /** The item's DeliveredVia: which arm of the runtime's wait got the answer. */
  arm?: string;
}

/** One row of the latency table; durations in ms, undefined when a moment was not seen. */
export interface LatencyRow {
  trace: InvocationTrace;
  /** Invoke -> the debugger received the request message. */
  toDebuggerMs?: number;
  /** Part of toDebuggerMs spent starting an execution environment, when this invocation started one. */
  coldStartMs?: number;
  /** Request received -> answer sent (the local handler run). */
  handlerMs?: number;
  /** Answer sent -> Invoke returned the result. */
  pickupMs?: number;
  /** Who put the first message on the invocation's queue: `$default fast path` or `stream relay`. */
  queueFedBy?: string;
}

const FEEDERS: Record<string, string> = { 'websocket-routes': '$default fast path', relay: 'stream relay' };

/**
 * The latency breakdown of each invocation, from the demo's own timestamps and the sandbox's
 * metrics (the Runtime API's timestamps and the request log). Invocations ran one at a time,
 * so SQS SendMessage calls between an answer and its result belong to that invocation.
 */
export function latencyRows(traces: InvocationTrace[], metrics: MetricsSnapshot): LatencyRow[] {
  return traces.map((trace) => {
    const { invokedAt, returnedAt, requestReceivedAt, answerSentAt } = trace;
    const host = metrics.invocations.find((i) => i.requestId === trace.requestId);
    const started = metrics.instances.some((i) => i.functionName === trace.functionName && i.spawnedAt >= invokedAt && i.spawnedAt <= (host?.deliveredAt ?? returnedAt));
    const firstSend = answerSentAt === undefined ? undefined : metrics.requestLog.find((r) => r.service === 'SQS' && r.operation === 'SendMessage' && r.at >= answerSentAt && r.at <= returnedAt);
    return {
      trace,
      ...(requestReceivedAt !== undefined ? { toDebuggerMs: requestReceivedAt - invokedAt } : {}),
      ...(started && host?.deliveredAt !== undefined ? { coldStartMs: host.deliveredAt - invokedAt } : {}),
      ...(requestReceivedAt !== undefined && answerSentAt !== undefined ? { handlerMs: answerSentAt - requestReceivedAt } : {}),
      ...(answerSentAt !== undefined ? { pickupMs: returnedAt - answerSentAt } : {}),
      ...(trace.arm === 'sqs' && firstSend ? { queueFedBy: FEEDERS[firstSend.caller] ?? firstSend.caller } : {}),
    };
  });
}
