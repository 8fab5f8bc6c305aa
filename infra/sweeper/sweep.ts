import { requestIdOfQueue } from '../../protocol/index.js';
import { errorName } from '../shared/log.js';
import type { Logger } from '../shared/log.js';
import type { InvocationStatus } from './invocation-status.js';
import type { QueueDirectory } from './queue-directory.js';
import { isOrphaned, sweepCandidates, type QueueInfo } from './select.js';

export interface SweepResult {
  listed: number;
  deleted: number;
  failed: number;
}

/**
 * Deletes the queues under `prefix` whose invocation is over (see isOrphaned); a queue whose
 * invocation may still wait for its answer is kept. One failure does not stop the others.
 */
export async function sweep(directory: QueueDirectory, invocations: InvocationStatus, prefix: string, nowMs: number, log: Logger): Promise<SweepResult> {
  const queues = await directory.list(prefix);
  const results = await Promise.allSettled(sweepCandidates(queues, prefix, nowMs).map((q) => sweepOne(directory, invocations, prefix, q, nowMs, log)));
  const deleted = results.filter((r) => r.status === 'fulfilled' && r.value).length;
  return { listed: queues.length, deleted, failed: results.filter((r) => r.status === 'rejected').length };
}

async function sweepOne(directory: QueueDirectory, invocations: InvocationStatus, prefix: string, queue: QueueInfo, nowMs: number, log: Logger): Promise<boolean> {
  const requestId = requestIdOfQueue(prefix, queue.name);
  try {
    const status = requestId === undefined ? undefined : await invocations.of(requestId);
    if (!isOrphaned(queue, status, nowMs)) return false;
    await directory.delete(queue.url);
    log('info', 'queue-swept', { queueName: queue.name, requestId, status: status ?? 'no item' });
    return true;
  } catch (err) {
    log('warn', 'queue-sweep-failed', { queueName: queue.name, requestId, error: errorName(err) });
    throw err;
  }
}
