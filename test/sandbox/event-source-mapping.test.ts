import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ANSWER_FILTER_PATTERNS, ANSWER_FILTER_PATTERN_STRINGS } from '../../protocol/index.js';
import { DynamoDbService } from '../../sandbox/dynamodb/dynamodb-service.js';
import { createPlldbTable } from '../../sandbox/dynamodb/plldb-table.js';
import { EventSourceMapping, type BatchResponse, type DynamoDbStreamEvent, type EventSourceMappingOptions } from '../../sandbox/event-source-mapping.js';
import { SandboxConditions } from '../../sandbox/latency.js';
import { sandboxClientConfig } from './sdk.js';

describe('sandbox event source mapping over the DynamoDB stream', () => {
  const conditions = new SandboxConditions();
  const dynamodb = new DynamoDbService({ conditions });
  const table = 'PLLDBDebugger';
  let ddb: DynamoDBClient;
  let esm: EventSourceMapping | undefined;
  let seq = 0;

  beforeAll(async () => {
    await dynamodb.start();
    ddb = new DynamoDBClient(sandboxClientConfig(dynamodb.endpoint));
    await createPlldbTable(ddb, table);
  });

  afterEach(async () => {
    await esm?.stop();
    conditions.streamDelayMs = 0;
    conditions.resumeStream();
  });

  afterAll(async () => {
    ddb.destroy();
    await dynamodb.stop();
  });

  /** Starts a mapping that records every event and answers with `respond`. */
  async function mapping(respond: (event: DynamoDbStreamEvent, call: number) => BatchResponse | Promise<BatchResponse>, options: Partial<EventSourceMappingOptions> = {}) {
    const events: DynamoDbStreamEvent[] = [];
    esm = new EventSourceMapping({
      stream: dynamodb.stream(table),
      filterPatterns: ANSWER_FILTER_PATTERNS,
      conditions,
      retryDelayMs: 10,
      invoke: async (event) => {
        events.push(event);
        return respond(event, events.length);
      },
      ...options,
    });
    await esm.start();
    return events;
  }

  /** Writes a pending request and its answer; returns the request id. */
  async function answered(): Promise<string> {
    const id = `req-${++seq}`;
    await ddb.send(new PutItemCommand({ TableName: table, Item: { RequestId: { S: id }, Status: { S: 'PENDING' } } }));
    await ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { RequestId: { S: id } },
        UpdateExpression: 'SET ResponseCode = :c, #s = :s',
        ExpressionAttributeNames: { '#s': 'Status' },
        ExpressionAttributeValues: { ':c': { N: '200' }, ':s': { S: 'RESPONDED' } },
      }),
    );
    return id;
  }

  /** Every record written so far delivered (records are appended just after each write answers). */
  async function idle(): Promise<void> {
    await dynamodb.captured();
    await esm?.whenIdle();
  }

  const ids = (event: DynamoDbStreamEvent | undefined) => event?.Records.map((r) => r.dynamodb.Keys.RequestId?.S);

  it('delivers only answer records, in order, in batches of batchSize', async () => {
    const events = await mapping(() => ({}), { batchSize: 2 });
    conditions.pauseStream();
    const written = [await answered(), await answered(), await answered()];
    await ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { RequestId: { S: written[0] as string } },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'Status' },
        ExpressionAttributeValues: { ':s': { S: 'DELIVERED' } },
      }),
    );
    await dynamodb.captured();
    conditions.resumeStream();
    await idle();
    expect(events.map(ids)).toEqual([written.slice(0, 2), written.slice(2)]);
    expect(events[0]?.Records[0]).toMatchObject({ eventName: 'MODIFY', eventSource: 'aws:dynamodb', dynamodb: { NewImage: { Status: { S: 'RESPONDED' } } } });
    expect(esm?.stats).toMatchObject({ deliveredRecords: 3, filteredOutRecords: 4 });
  });

  it('retries from the first reported failure, and the whole batch when the target throws', async () => {
    const events = await mapping(
      (event, call) => {
        if (call === 1) return { batchItemFailures: [{ itemIdentifier: event.Records[2]?.dynamodb.SequenceNumber }, { itemIdentifier: event.Records[1]?.dynamodb.SequenceNumber }] };
        if (call === 2) throw new Error('relay crashed');
        return {};
      },
      { batchSize: 10 },
    );
    conditions.pauseStream();
    const written = [await answered(), await answered(), await answered()];
    await dynamodb.captured();
    conditions.resumeStream();
    await idle();
    expect(events.map(ids)).toEqual([written, written.slice(1), written.slice(1)]);
  });

  it('holds a partial batch for the batching window until the batch fills', async () => {
    const events = await mapping(() => ({}), { batchSize: 2, maximumBatchingWindowMs: 60_000 });
    const first = await answered();
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toHaveLength(0);
    const second = await answered();
    await idle();
    expect(events.map(ids)).toEqual([[first, second]]);
  });

  it('takes the patterns as FilterCriteria strings too, and refuses a malformed one at creation', async () => {
    const events = await mapping(() => ({}), { filterPatterns: ANSWER_FILTER_PATTERN_STRINGS });
    const id = await answered();
    await idle();
    expect(events.flatMap(ids)).toEqual([id]);
    expect(() => new EventSourceMapping({ stream: dynamodb.stream(table), invoke: async () => ({}), filterPatterns: ['{not json'] })).toThrow(/not JSON/);
  });

  it('delivers every record when there is no filter', async () => {
    const events = await mapping(() => ({}), { filterPatterns: [] });
    await answered();
    await idle();
    expect(events.flatMap((e) => e.Records.map((r) => r.eventName))).toEqual(['INSERT', 'MODIFY']);
  });

  it('gives up after maximumRetryAttempts and moves on', async () => {
    const events = await mapping((event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.dynamodb.SequenceNumber })) }), { maximumRetryAttempts: 2 });
    await answered();
    await idle();
    expect(events).toHaveLength(3);
    expect(esm?.stats.discardedRecords).toBe(1);
  });

  it('holds records for the stream delay and while paused, losing none', async () => {
    conditions.streamDelayMs = 60_000;
    const events = await mapping(() => ({}));
    const first = await answered();
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toHaveLength(0);
    conditions.pauseStream();
    conditions.streamDelayMs = 0;
    const second = await answered();
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toHaveLength(0);
    await dynamodb.captured();
    conditions.resumeStream();
    await idle();
    expect(events.flatMap(ids)).toEqual([first, second]);
  });
});
