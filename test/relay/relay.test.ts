import { describe, expect, it } from '@jest/globals';
import type { DynamoDBRecord } from 'aws-lambda';
import { QUEUE_MAX_MESSAGE_BYTES, decodeQueueMessage } from '../../protocol/index.js';
import { MAX_CONCURRENT_SENDS, QUEUE_MISSING_RETRY_WINDOW_MS } from '../../relay/src/constants.js';
import { createRelayHandler } from '../../relay/src/relay.js';
import { FakeInvocations, FakeQueues, memoryLog, urlOf } from './fakes.js';
import { FIXTURES, FIXTURE_WRITTEN_AT_S, batchOf, loadRecord, requestIdOf } from './fixtures.js';

const NOW = FIXTURE_WRITTEN_AT_S * 1000 + 1000;

function queueNameOf(record: DynamoDBRecord): string {
  return record.dynamodb?.NewImage?.QueueName?.S ?? '';
}

/** Every queue the fixtures name exists. */
function allQueues(): FakeQueues {
  return new FakeQueues(new Set(FIXTURES.map((n) => queueNameOf(loadRecord(n))).filter((n) => n !== '')));
}

function relayWith(queues: FakeQueues, invocations = new FakeInvocations(), now = NOW) {
  const { lines, log } = memoryLog();
  return { handler: createRelayHandler({ queues, invocations, log, now: () => now }), lines };
}

describe('relay handler', () => {
  it('relays exactly the answer records of a mixed batch and skips the rest by reason', async () => {
    const queues = allQueues();
    const { handler, lines } = relayWith(queues);
    const result = await handler(batchOf(...FIXTURES));

    expect(result).toEqual({ batchItemFailures: [] });
    const messages = queues.sent.map((s) => decodeQueueMessage(s.body));
    expect(messages.map((m) => m.requestId).sort()).toEqual(
      (['modify-responded', 'modify-responded-error', 'modify-upstream-pending', 'modify-upstream-error-pending', 'insert-answered-queue-url'] as const)
        .map((n) => requestIdOf(loadRecord(n)))
        .sort(),
    );
    expect(lines.at(-1)).toEqual({
      level: 'info',
      event: 'relay-batch',
      records: FIXTURES.length,
      relayed: 5,
      relayedAsPointer: 0,
      skipped: { 'not-answered': 2, finished: 3, remove: 1 },
      failed: 0,
      dropped: {},
    });
  });

  it('sends the answer inline, to the queue the item names or the URL it holds', async () => {
    const queues = allQueues();
    const { handler } = relayWith(queues);
    await handler(batchOf('modify-responded', 'modify-upstream-error-pending', 'insert-answered-queue-url'));

    const responded = loadRecord('modify-responded');
    const upstream = loadRecord('modify-upstream-error-pending');
    const byUrl = loadRecord('insert-answered-queue-url');
    const sentTo = (url: string) => queues.sent.filter((s) => s.url === url).map((s) => JSON.parse(s.body) as unknown);
    expect(sentTo(urlOf(queueNameOf(responded)))).toEqual([
      { type: 'answer', requestId: requestIdOf(responded), answer: { kind: 'response', statusCode: 200, body: '{"statusCode":200,"body":"[{\\"id\\":1}]"}' } },
    ]);
    expect(sentTo(urlOf(queueNameOf(upstream)))).toEqual([
      { type: 'answer', requestId: requestIdOf(upstream), answer: { kind: 'error', statusCode: 500, error: { errorMessage: 'KeyError: customer', errorType: 'DebuggerError', stackTrace: [] } } },
    ]);
    expect(sentTo(byUrl.dynamodb?.NewImage?.QueueUrl?.S ?? '')).toHaveLength(1);
    expect(queues.urlLookups.sort()).toEqual([queueNameOf(responded), queueNameOf(upstream)].sort());
  });

  it('sends a pointer when the answer would not fit a queue message', async () => {
    const record = loadRecord('modify-responded');
    const image = record.dynamodb?.NewImage ?? {};
    image.Response = { S: JSON.stringify({ blob: 'x'.repeat(QUEUE_MAX_MESSAGE_BYTES) }) };
    const queues = allQueues();
    const { handler, lines } = relayWith(queues);
    await handler({ Records: [record] });

    expect(queues.sent.map((s) => JSON.parse(s.body) as unknown)).toEqual([{ type: 'pointer', requestId: requestIdOf(record) }]);
    expect(lines.at(-1)).toMatchObject({ relayed: 1, relayedAsPointer: 1 });
  });

  it('sends a pointer when the item holds a number unmarshall refuses', async () => {
    const record = loadRecord('modify-upstream-pending');
    const image = record.dynamodb?.NewImage ?? {};
    image.Response = { N: '1.5e300' };
    const queues = allQueues();
    await relayWith(queues).handler({ Records: [record] });

    expect(queues.sent.map((s) => JSON.parse(s.body) as unknown)).toEqual([{ type: 'pointer', requestId: requestIdOf(record) }]);
  });

  it('never logs answer bodies', async () => {
    const queues = allQueues();
    const { handler, lines } = relayWith(queues);
    queues.failNext.set(urlOf(queueNameOf(loadRecord('modify-responded'))), Object.assign(new Error('slow down'), { name: 'RequestThrottled' }));
    await handler(batchOf(...FIXTURES));
    const text = JSON.stringify(lines);
    expect(text).not.toContain('order store unavailable');
    expect(text).not.toContain('KeyError');
    expect(text).not.toContain('orders');
  });

  it('looks up each queue URL once for duplicate records', async () => {
    const queues = allQueues();
    const { handler } = relayWith(queues);
    await handler(batchOf('modify-responded', 'modify-responded'));
    await handler(batchOf('modify-responded'));
    expect(queues.sent).toHaveLength(3);
    expect(queues.urlLookups).toEqual([queueNameOf(loadRecord('modify-responded'))]);
  });

  it('skips an answer record whose item names no queue', async () => {
    const record = loadRecord('modify-responded');
    delete record.dynamodb?.NewImage?.QueueName;
    const { handler, lines } = relayWith(allQueues());
    expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [] });
    expect(lines.at(-1)).toMatchObject({ skipped: { 'no-queue': 1 } });
  });

  describe('a queue that does not exist', () => {
    const record = loadRecord('modify-responded');
    const requestId = requestIdOf(record);
    const sequenceNumber = record.dynamodb?.SequenceNumber;

    it.each(['DELIVERED', 'TIMED_OUT', 'FAILED'])('is done when the invocation is %s', async (status) => {
      const { handler, lines } = relayWith(new FakeQueues(), new FakeInvocations(new Map([[requestId, { exists: true, status }]])));
      expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [] });
      expect(lines.at(-1)).toMatchObject({ skipped: { 'queue-gone-finished': 1 }, failed: 0 });
    });

    it('is done when the item is gone', async () => {
      const { handler } = relayWith(new FakeQueues(), new FakeInvocations());
      expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [] });
    });

    it.each(['PENDING', 'RESPONDED'])('is retried while the invocation is %s, within the window', async (status) => {
      const { handler, lines } = relayWith(new FakeQueues(), new FakeInvocations(new Map([[requestId, { exists: true, status }]])));
      expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber }] });
      expect(lines).toContainEqual({ level: 'warn', event: 'relay-queue-missing', requestId, retry: true });
    });

    it('is dropped with a log line once the window has passed', async () => {
      const late = FIXTURE_WRITTEN_AT_S * 1000 + QUEUE_MISSING_RETRY_WINDOW_MS;
      const { handler, lines } = relayWith(new FakeQueues(), new FakeInvocations(new Map([[requestId, { exists: true, status: 'PENDING' }]])), late);
      expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [] });
      expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', event: 'relay-dropped', requestId, reason: 'queue-missing-expired' }));
      expect(lines.at(-1)).toMatchObject({ dropped: { 'queue-missing-expired': 1 } });
    });

    it('is retried within the window when the item cannot be read', async () => {
      const failing = { lookup: () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })) };
      const { lines, log } = memoryLog();
      const handler = createRelayHandler({ queues: new FakeQueues(), invocations: failing, log, now: () => NOW });
      expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber }] });
      expect(lines).toContainEqual({ level: 'warn', event: 'relay-lookup-failed', requestId, error: 'ProvisionedThroughputExceededException' });
    });
  });

  it(`relays a batch of 100 with sends overlapping, at most ${MAX_CONCURRENT_SENDS} at once`, async () => {
    const template = loadRecord('modify-responded');
    const records = Array.from({ length: 100 }, (_, i) => {
      const r = structuredClone(template);
      r.dynamodb = { ...r.dynamodb, SequenceNumber: String(1000 + i), NewImage: { ...r.dynamodb?.NewImage, RequestId: { S: `req-${i}` }, QueueName: { S: `plldb-req-${i}` } } };
      return r;
    });
    const queues = new FakeQueues(new Set(records.map(queueNameOf)));
    const { handler } = relayWith(queues);

    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(new Set(queues.sent.map((s) => decodeQueueMessage(s.body).requestId)).size).toBe(100);
    expect(queues.maxInFlight).toBeGreaterThan(1);
    expect(queues.maxInFlight).toBeLessThanOrEqual(MAX_CONCURRENT_SENDS);
  });
});
