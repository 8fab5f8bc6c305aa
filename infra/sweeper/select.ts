/** Lambda's maximum invocation time: no invocation outlives its queue by more than this. */
export const LAMBDA_MAX_DURATION_MS = 15 * 60 * 1000;
/** Slack for clock skew and for a runtime still deleting its own queue. */
export const SWEEP_MARGIN_MS = 5 * 60 * 1000;
export const ORPHAN_AGE_MS = LAMBDA_MAX_DURATION_MS + SWEEP_MARGIN_MS;

export interface QueueInfo {
  url: string;
  name: string;
  /** Epoch milliseconds (SQS CreatedTimestamp); undefined when SQS did not say. */
  createdAtMs: number | undefined;
}

/**
 * The queues to delete: PLLDB-prefixed and created longer ago than any invocation can run
 * (a queue is created at the start of its invocation). Queues of unknown age are kept.
 */
export function selectOrphanedQueues(queues: readonly QueueInfo[], prefix: string, nowMs: number, maxAgeMs: number = ORPHAN_AGE_MS): QueueInfo[] {
  if (prefix === '') throw new RangeError('queue prefix is empty: refusing to sweep every queue in the account');
  return queues.filter((q) => q.name.startsWith(prefix) && q.createdAtMs !== undefined && nowMs - q.createdAtMs > maxAgeMs);
}
