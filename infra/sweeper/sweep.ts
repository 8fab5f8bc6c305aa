import { errorName } from '../shared/log.js';
import type { Logger } from '../shared/log.js';
import type { QueueDirectory } from './queue-directory.js';
import { selectOrphanedQueues } from './select.js';

export interface SweepResult {
  listed: number;
  deleted: number;
  failed: number;
}

/** Deletes the orphaned queues under `prefix`; one failed delete does not stop the others. */
export async function sweep(directory: QueueDirectory, prefix: string, nowMs: number, log: Logger): Promise<SweepResult> {
  const queues = await directory.list(prefix);
  const orphans = selectOrphanedQueues(queues, prefix, nowMs);
  const results = await Promise.allSettled(orphans.map((q) => directory.delete(q.url)));
  results.forEach((r, i) => {
    const queueName = orphans[i]?.name;
    if (r.status === 'fulfilled') log('info', 'queue-swept', { queueName });
    else log('warn', 'queue-sweep-failed', { queueName, error: errorName(r.reason) });
  });
  const failed = results.filter((r) => r.status === 'rejected').length;
  return { listed: queues.length, deleted: orphans.length - failed, failed };
}
