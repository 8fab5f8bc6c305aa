import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DeleteQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsQueueDirectory } from '../../infra/sweeper/queue-directory.js';
import type { QueueDirectory } from '../../infra/sweeper/queue-directory.js';
import { ORPHAN_AGE_MS, selectOrphanedQueues } from '../../infra/sweeper/select.js';
import type { QueueInfo } from '../../infra/sweeper/select.js';
import { sweep } from '../../infra/sweeper/sweep.js';
import { TEST_AWS } from '../support/dynalite.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;

function queue(name: string, ageMs: number | undefined): QueueInfo {
  return { url: `https://sqs.local/123/${name}`, name, createdAtMs: ageMs === undefined ? undefined : NOW - ageMs };
}

describe('selectOrphanedQueues', () => {
  it('waits out the longest Lambda invocation plus a margin', () => {
    expect(ORPHAN_AGE_MS).toBe(20 * MINUTE);
  });

  it('selects prefixed queues older than the limit, and only those', () => {
    const queues = [
      queue('plldb-old', 21 * MINUTE),
      queue('plldb-running', 14 * MINUTE),
      queue('plldb-at-limit', ORPHAN_AGE_MS),
      queue('plldb-unknown-age', undefined),
      queue('someone-elses-old', 60 * MINUTE),
    ];
    expect(selectOrphanedQueues(queues, 'plldb-', NOW).map((q) => q.name)).toEqual(['plldb-old']);
  });

  it("leaves a prefixed stack's queues to that stack", () => {
    const queues = [queue('plldb-a', 30 * MINUTE), queue('dev-plldb-b', 30 * MINUTE)];
    expect(selectOrphanedQueues(queues, 'dev-plldb-', NOW).map((q) => q.name)).toEqual(['dev-plldb-b']);
  });

  it('refuses an empty prefix instead of sweeping every queue', () => {
    expect(() => selectOrphanedQueues([queue('x', 60 * MINUTE)], '', NOW)).toThrow(/prefix is empty/);
  });
});

describe('sweep', () => {
  class FakeDirectory implements QueueDirectory {
    deleted: string[] = [];
    constructor(
      private readonly queues: QueueInfo[],
      private readonly failing: Set<string> = new Set(),
    ) {}
    async list(): Promise<QueueInfo[]> {
      return this.queues;
    }
    async delete(url: string): Promise<void> {
      if (this.failing.has(url)) throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
      this.deleted.push(url);
    }
  }

  it('deletes the orphans, keeps going past a failed delete, and reports counts', async () => {
    const old1 = queue('plldb-1', 30 * MINUTE);
    const old2 = queue('plldb-2', 40 * MINUTE);
    const young = queue('plldb-3', MINUTE);
    const directory = new FakeDirectory([old1, old2, young], new Set([old1.url]));
    const events: string[] = [];
    const result = await sweep(directory, 'plldb-', NOW, (_level, event) => events.push(event));
    expect(result).toEqual({ listed: 3, deleted: 1, failed: 1 });
    expect(directory.deleted).toEqual([old2.url]);
    expect(events.sort()).toEqual(['queue-sweep-failed', 'queue-swept']);
  });
});

describe('SqsQueueDirectory', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => {
    sqs.reset();
  });
  afterAll(() => {
    sqs.restore();
  });
  const gone = () => new QueueDoesNotExist({ message: 'gone', $metadata: {} });

  it('lists every page with the prefix and reads each creation time', async () => {
    sqs
      .on(ListQueuesCommand, { QueueNamePrefix: 'plldb-', MaxResults: 1000, NextToken: undefined })
      .resolves({ QueueUrls: ['https://sqs.local/1/plldb-a'], NextToken: 't1' })
      .on(ListQueuesCommand, { QueueNamePrefix: 'plldb-', MaxResults: 1000, NextToken: 't1' })
      .resolves({ QueueUrls: ['https://sqs.local/1/plldb-b', 'https://sqs.local/1/plldb-gone'] });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs.local/1/plldb-a' }).resolves({ Attributes: { CreatedTimestamp: '1700000000' } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs.local/1/plldb-b' }).resolves({ Attributes: {} });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs.local/1/plldb-gone' }).rejects(gone());

    expect(await new SqsQueueDirectory(new SQSClient(TEST_AWS)).list('plldb-')).toEqual([
      { url: 'https://sqs.local/1/plldb-a', name: 'plldb-a', createdAtMs: 1_700_000_000_000 },
      { url: 'https://sqs.local/1/plldb-b', name: 'plldb-b', createdAtMs: undefined },
    ]);
  });

  it('counts a queue that is already gone as deleted, and passes other errors on', async () => {
    const directory = new SqsQueueDirectory(new SQSClient(TEST_AWS));
    sqs.on(DeleteQueueCommand, { QueueUrl: 'https://sqs.local/1/gone' }).rejects(gone());
    sqs.on(DeleteQueueCommand, { QueueUrl: 'https://sqs.local/1/denied' }).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(directory.delete('https://sqs.local/1/gone')).resolves.toBeUndefined();
    await expect(directory.delete('https://sqs.local/1/denied')).rejects.toThrow('denied');
  });
});
