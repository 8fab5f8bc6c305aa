import { Status } from '../../protocol/index.js';

/**
 * Lambda's longest invocation: 5400 s, for asynchronous and event-source invocations of functions on
 * Lambda Managed Instances (900 s otherwise; Lambda developer guide, "Configuring Lambda function timeout").
 */
export const LAMBDA_MAX_DURATION_MS = 5400 * 1000;
/** Slack for clock skew and for a runtime still deleting its own queue. */
export const SWEEP_MARGIN_MS = 5 * 60 * 1000;
/** A queue younger than this may still be waiting for its item: the runtime creates both at the same moment. */
export const MIN_AGE_MS = SWEEP_MARGIN_MS;
/** A queue whose invocation still reads PENDING after this long has outlived any invocation. */
export const PENDING_MAX_AGE_MS = LAMBDA_MAX_DURATION_MS + SWEEP_MARGIN_MS;

export interface QueueInfo {
  url: string;
  name: string;
  /** Epoch milliseconds (SQS CreatedTimestamp); undefined when SQS did not say. */
  createdAtMs: number | undefined;
}

/** The queues worth a look: PLLDB-prefixed and old enough to have their item. Queues of unknown age are kept. */
export function sweepCandidates(queues: readonly QueueInfo[], prefix: string, nowMs: number): QueueInfo[] {
  if (prefix === '') throw new RangeError('queue prefix is empty: refusing to sweep every queue in the account');
  return queues.filter((q) => q.name.startsWith(prefix) && q.createdAtMs !== undefined && nowMs - q.createdAtMs > MIN_AGE_MS);
}

/**
 * Whether a candidate's invocation is over: its item is no longer PENDING (or gone: expired, or
 * never written by a runtime that died first), or it has read PENDING longer than any invocation runs.
 */
export function isOrphaned(queue: QueueInfo, status: string | undefined, nowMs: number): boolean {
  if (status !== Status.Pending) return true;
  return queue.createdAtMs !== undefined && nowMs - queue.createdAtMs > PENDING_MAX_AGE_MS;
}
