import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, QueueDoesNotExist, RequestThrottled, SQSClient, SQSServiceException, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Env, QUEUE_MAX_MESSAGE_BYTES } from '../../protocol/index.js';
import { MAX_CONCURRENT_SENDS } from '../../relay/src/constants.js';
import { loadRecord } from './fixtures.js';
import type { FixtureName } from './fixtures.js';

// The deployed entry point, with its module-scope SDK clients, against mocked SQS and DynamoDB.
const sqs = mockClient(SQSClient);
const ddb = mockClient(DynamoDBClient);
const TABLE = 'PLLDBRelayTest';
const savedEnv = { ...process.env };
let handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
let stdout: ReturnType<typeof jest.spyOn>;
let logged: Record<string, unknown>[];

beforeAll(async () => {
  Object.assign(process.env, { [Env.TableName]: TABLE, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  ({ handler } = (await import('../../relay/src/index.js')) as { handler: typeof handler });
});

beforeEach(() => {
  logged = [];
  stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    logged.push(JSON.parse(String(chunk)) as Record<string, unknown>);
    return true;
  });
  sqs.on(GetQueueUrlCommand).callsFake((input: { QueueName: string }) => ({ QueueUrl: urlOf(input.QueueName) }));
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  stdout.mockRestore();
  sqs.reset();
  ddb.reset();
});

afterAll(() => {
  sqs.restore();
  ddb.restore();
  process.env = savedEnv;
});


let unique = 0;
/** A fixture record with its own queue (the handler's URL cache lives as long as the module). */
function record(name: FixtureName, writtenAtS = Math.floor(Date.now() / 1000) - 5): DynamoDBRecord {
  const r = loadRecord(name);
  const image = r.dynamodb?.NewImage ?? {};
  image.QueueName = { S: `plldb-test-${++unique}` };
  if (r.dynamodb) r.dynamodb.ApproximateCreationDateTime = writtenAtS;
  return r;
}

function urlOf(name: string): string {
  return `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`;
}

function queueOf(r: DynamoDBRecord): string {
  return urlOf(r.dynamodb?.NewImage?.QueueName?.S ?? '');
}

function sentBodies(): unknown[] {
  return sqs.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody ?? '') as unknown);
}

function batchLog(): Record<string, unknown> | undefined {
  return logged.find((l) => l.event === 'relay-batch');
}

describe('relay against SQS faults', () => {
  it('reports a throttled send as a batch item failure and relays the rest', async () => {
    const throttled = record('modify-responded');
    const fine = record('modify-upstream-pending');
    sqs.on(SendMessageCommand, { QueueUrl: queueOf(throttled) }).rejects(new RequestThrottled({ message: 'Rate exceeded', $metadata: { httpStatusCode: 403 } }));

    const result = await handler({ Records: [throttled, fine] });

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: throttled.dynamodb?.SequenceNumber }] });
    expect(sqs.commandCalls(SendMessageCommand, { QueueUrl: queueOf(fine) })).toHaveLength(1);
    expect(batchLog()).toMatchObject({ records: 2, relayed: 1, failed: 1 });
    expect(logged).toContainEqual(expect.objectContaining({ event: 'relay-send-failed', error: 'RequestThrottled', retry: true }));
  });

  it.each([
    ['a 5xx', () => new SQSServiceException({ name: 'InternalError', $fault: 'server', message: 'internal', $metadata: { httpStatusCode: 500 } })],
    ['a network error', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('reports %s as a batch item failure', async (_label, makeError) => {
    const r = record('modify-responded');
    sqs.on(SendMessageCommand).rejects(makeError());
    expect(await handler({ Records: [r] })).toEqual({ batchItemFailures: [{ itemIdentifier: r.dynamodb?.SequenceNumber }] });
  });

  it('drops a record whose send is refused for good (access denied), with an error log line', async () => {
    const r = record('modify-responded');
    sqs.on(SendMessageCommand).rejects(new SQSServiceException({ name: 'AccessDenied', $fault: 'client', message: 'no', $metadata: { httpStatusCode: 403 } }));
    expect(await handler({ Records: [r] })).toEqual({ batchItemFailures: [] });
    expect(logged).toContainEqual(expect.objectContaining({ level: 'error', event: 'relay-dropped', reason: 'send-refused', error: 'AccessDenied' }));
  });

  describe('QueueDoesNotExist', () => {
    const missing = () => new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: { httpStatusCode: 400 } });

    it('is done for a finished invocation, read consistently from the configured table', async () => {
      const r = record('modify-responded');
      const requestId = r.dynamodb?.Keys?.RequestId?.S ?? '';
      sqs.on(GetQueueUrlCommand).rejects(missing());
      ddb.on(GetItemCommand).resolves({ Item: { RequestId: { S: requestId }, Status: { S: 'DELIVERED' } } });

      expect(await handler({ Records: [r] })).toEqual({ batchItemFailures: [] });
      const [lookup] = ddb.commandCalls(GetItemCommand);
      expect(lookup?.args[0].input).toMatchObject({ TableName: TABLE, Key: { RequestId: { S: requestId } }, ConsistentRead: true });
      expect(batchLog()).toMatchObject({ skipped: { 'queue-gone-finished': 1 }, failed: 0 });
    });

    it('is done when the item is gone', async () => {
      sqs.on(SendMessageCommand).rejects(missing());
      ddb.on(GetItemCommand).resolves({});
      expect(await handler({ Records: [record('modify-responded')] })).toEqual({ batchItemFailures: [] });
    });

    it('is retried while the invocation still waits (its queue may still be being created)', async () => {
      const r = record('modify-upstream-pending');
      sqs.on(GetQueueUrlCommand).rejects(missing());
      ddb.on(GetItemCommand).resolves({ Item: { RequestId: { S: 'x' }, Status: { S: 'PENDING' } } });
      expect(await handler({ Records: [r] })).toEqual({ batchItemFailures: [{ itemIdentifier: r.dynamodb?.SequenceNumber }] });
    });

    it('is dropped once the retry window since the write has passed', async () => {
      const r = record('modify-upstream-pending', Math.floor(Date.now() / 1000) - 3600);
      sqs.on(GetQueueUrlCommand).rejects(missing());
      ddb.on(GetItemCommand).resolves({ Item: { RequestId: { S: 'x' }, Status: { S: 'PENDING' } } });
      expect(await handler({ Records: [r] })).toEqual({ batchItemFailures: [] });
      expect(batchLog()).toMatchObject({ dropped: { 'queue-missing-expired': 1 } });
    });
  });

  it('sends a pointer instead of an answer over the SQS size limit', async () => {
    const r = record('modify-responded');
    const image = r.dynamodb?.NewImage ?? {};
    image.Response = { S: JSON.stringify('y'.repeat(QUEUE_MAX_MESSAGE_BYTES - 100)) };
    await handler({ Records: [r] });
    expect(sentBodies()).toEqual([{ type: 'pointer', requestId: r.dynamodb?.Keys?.RequestId?.S }]);
  });

  it('falls back to a pointer when SQS refuses the answer body', async () => {
    const r = record('modify-responded');
    sqs.on(SendMessageCommand).rejectsOnce(new SQSServiceException({ name: 'InvalidMessageContents', $fault: 'client', message: 'bad chars', $metadata: { httpStatusCode: 400 } })).resolves({});
    expect(await handler({ Records: [r] })).toEqual({ batchItemFailures: [] });
    expect(sentBodies().map((b) => (b as { type: string }).type)).toEqual(['answer', 'pointer']);
  });

  it('resolves each queue name once', async () => {
    const r = record('modify-responded');
    await handler({ Records: [r, structuredClone(r)] });
    await handler({ Records: [structuredClone(r)] });
    expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(3);
  });

  it(`relays a batch of 100 records with up to ${MAX_CONCURRENT_SENDS} sends in flight`, async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    sqs.on(SendMessageCommand).callsFake(async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await nextTurn();
      inFlight--;
      return { MessageId: 'm' };
    });
    const records = Array.from({ length: 100 }, () => record('modify-responded'));

    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(new Set(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input.QueueUrl)).size).toBe(100);
    expect(batchLog()).toMatchObject({ records: 100, relayed: 100 });
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(MAX_CONCURRENT_SENDS);
  });
});
