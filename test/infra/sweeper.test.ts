import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DeleteQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsQueueDirectory } from '../../infra/sweeper/queue-directory.js';
import type { QueueDirectory } from '../../infra/sweeper/queue-directory.js';
import type { InvocationStatus } from '../../infra/sweeper/invocation-status.js';
import { MIN_AGE_MS, PENDING_MAX_AGE_MS, isOrphaned, sweepCandidates } from '../../infra/sweeper/select.js';
import type { QueueInfo } from '../../infra/sweeper/select.js';
import { sweep } from '../../infra/sweeper/sweep.js';
import { Status, queueNameFor, requestIdOfQueue } from '../../protocol/index.js';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDbInvocationStatus } from '../../infra/sweeper/invocation-status.js';
import { TEST_AWS, startDynamo } from '../support/dynalite.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;

function queue(name: string, ageMs: number | undefined): QueueInfo {
  return { url: `https://sqs.local/123/${name}`, name, createdAtMs: ageMs === undefined ? undefined : NOW - ageMs };
}

describe('the sweeper\'s rules', () => {
  it('waits out the longest Lambda invocation (5400 s on Lambda Managed Instances) plus a margin for a PENDING one', () => {
    expect(PENDING_MAX_AGE_MS).toBe(95 * MINUTE);
    expect(MIN_AGE_MS).toBe(5 * MINUTE);
  });

  it('looks only at prefixed queues old enough to have their item', () => {
    const queues = [queue('plldb-old', 21 * MINUTE), queue('plldb-new', MINUTE), queue('plldb-unknown-age', undefined), queue('someone-elses-old', 60 * MINUTE)];
    expect(sweepCandidates(queues, 'plldb-', NOW).map((q) => q.name)).toEqual(['plldb-old']);
  });

  it('deletes a queue once its invocation is over, and a PENDING one only past the longest invocation', () => {
    const old = queue('plldb-a', 30 * MINUTE);
    expect(isOrphaned(old, Status.Delivered, NOW)).toBe(true);
    expect(isOrphaned(old, Status.TimedOut, NOW)).toBe(true);
    expect(isOrphaned(old, undefined, NOW)).toBe(true);
    expect(isOrphaned(old, Status.Pending, NOW)).toBe(false);
    expect(isOrphaned(queue('plldb-b', 94 * MINUTE), Status.Pending, NOW)).toBe(false);
    expect(isOrphaned(queue('plldb-c', 96 * MINUTE), Status.Pending, NOW)).toBe(true);
  });

  it("leaves a prefixed stack's queues to that stack", () => {
    const queues = [queue('plldb-a', 30 * MINUTE), queue('dev-plldb-b', 30 * MINUTE)];
    expect(sweepCandidates(queues, 'dev-plldb-', NOW).map((q) => q.name)).toEqual(['dev-plldb-b']);
  });

  it('refuses an empty prefix instead of sweeping every queue', () => {
    expect(() => sweepCandidates([queue('x', 60 * MINUTE)], '', NOW)).toThrow(/prefix is empty/);
  });

  it("reads a queue's request id back from its name", () => {
    const requestId = '8f3c1b2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c';
    expect(requestIdOfQueue('plldb-', queueNameFor('plldb-', requestId))).toBe(requestId);
    expect(requestIdOfQueue('plldb-', 'someone-else')).toBeUndefined();
    expect(requestIdOfQueue('plldb-', 'plldb-short')).toBeUndefined();
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
  const statuses = (byId: Record<string, string>): InvocationStatus & { asked: string[] } => {
    const asked: string[] = [];
    return { asked, of: async (id) => (asked.push(id), byId[id]) };
  };

  it("deletes the queues of finished invocations, keeps a waiting one's, keeps going past a failed delete, and reports counts", async () => {
    const finished = queue(queueNameFor('plldb-', 'req-finished', 'aaaaaaaa'), 30 * MINUTE);
    const expired = queue(queueNameFor('plldb-', 'req-expired', 'bbbbbbbb'), 40 * MINUTE);
    const waiting = queue(queueNameFor('plldb-', 'req-waiting', 'cccccccc'), 60 * MINUTE);
    const denied = queue(queueNameFor('plldb-', 'req-denied', 'dddddddd'), 30 * MINUTE);
    const young = queue(queueNameFor('plldb-', 'req-young', 'eeeeeeee'), MINUTE);
    const directory = new FakeDirectory([finished, expired, waiting, denied, young], new Set([denied.url]));
    const invocations = statuses({ 'req-finished': Status.Delivered, 'req-waiting': Status.Pending, 'req-denied': Status.Failed });
    const events: string[] = [];
    const result = await sweep(directory, invocations, 'plldb-', NOW, (_level, event) => events.push(event));
    expect(result).toEqual({ listed: 5, deleted: 2, failed: 1 });
    expect(directory.deleted.sort()).toEqual([expired.url, finished.url].sort());
    expect(invocations.asked.sort()).toEqual(['req-denied', 'req-expired', 'req-finished', 'req-waiting']);
    expect(events.sort()).toEqual(['queue-sweep-failed', 'queue-swept', 'queue-swept']);
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

describe('DynamoDbInvocationStatus', () => {
  it("reads an invocation's Status, and nothing for an invocation without an item", async () => {
    const dynamo = await startDynamo('PLLDBDebugger');
    try {
      await dynamo.client.send(new PutItemCommand({ TableName: 'PLLDBDebugger', Item: marshall({ RequestId: 'req-1', Status: Status.Pending, Request: 'x'.repeat(1000) }) }));
      const invocations = new DynamoDbInvocationStatus(dynamo.client, 'PLLDBDebugger');
      expect(await invocations.of('req-1')).toBe(Status.Pending);
      expect(await invocations.of('req-none')).toBeUndefined();
    } finally {
      await dynamo.close();
    }
  });
});
