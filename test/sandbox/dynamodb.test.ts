import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GSI_SESSION_ID } from '../../protocol/index.js';
import { DynamoDbService } from '../../sandbox/dynamodb/dynamodb-service.js';
import { createPlldbTable } from '../../sandbox/dynamodb/plldb-table.js';
import { SandboxConditions } from '../../sandbox/latency.js';
import { sandboxClientConfig } from './sdk.js';

describe('sandbox DynamoDB with streams (real SDK v3 client)', () => {
  const conditions = new SandboxConditions();
  const service = new DynamoDbService({ conditions });
  let ddb: DynamoDBClient;
  const table = 'PLLDBDebugger';
  // Records are appended just after each write answers (as DynamoDB Streams captures after the write).
  const records = async () => {
    await service.captured();
    return service.stream(table).records();
  };

  beforeAll(async () => {
    await service.start();
    ddb = new DynamoDBClient(sandboxClientConfig(service.endpoint));
    await createPlldbTable(ddb, table);
  });

  afterAll(async () => {
    ddb.destroy();
    await service.stop();
  });

  it('describes the table with its stream and GSIs', async () => {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: table }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toBe(service.streamArn(table));
    expect(Table?.LatestStreamArn).toMatch(/^arn:aws:dynamodb:us-east-1:123456789012:table\/PLLDBDebugger\/stream\//);
    expect(Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(['GSI-ConnectionId', 'GSI-SessionId']);
  });

  it('records INSERT, MODIFY and REMOVE with the shape Lambda delivers, and nothing for no-ops', async () => {
    const start = (await records()).length;
    const key = { RequestId: { S: 'r1' } };
    await ddb.send(new PutItemCommand({ TableName: table, Item: { ...key, SessionId: { S: 's' }, ConnectionId: { S: 'c' }, Status: { S: 'PENDING' } } }));
    await ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET ResponseCode = :c, #s = :s',
        ExpressionAttributeNames: { '#s': 'Status' },
        ExpressionAttributeValues: { ':c': { N: '200' }, ':s': { S: 'RESPONDED' } },
      }),
    );
    await expect(
      ddb.send(new PutItemCommand({ TableName: table, Item: { ...key, Status: { S: 'X' } }, ConditionExpression: 'attribute_not_exists(RequestId)' })),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await ddb.send(new UpdateItemCommand({ TableName: table, Key: key, UpdateExpression: 'SET ResponseCode = :c', ExpressionAttributeValues: { ':c': { N: '200' } } }));
    await ddb.send(new DeleteItemCommand({ TableName: table, Key: key }));
    await ddb.send(new DeleteItemCommand({ TableName: table, Key: key }));

    const [insert, modify, remove, ...rest] = (await records()).slice(start);
    expect(rest).toEqual([]);
    expect(insert).toEqual({
      eventID: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: key,
        NewImage: { ...key, SessionId: { S: 's' }, ConnectionId: { S: 'c' }, Status: { S: 'PENDING' } },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: service.streamArn(table),
    });
    expect(insert?.dynamodb.ApproximateCreationDateTime).toBeLessThan(Date.now() / 1000 + 1);
    expect(modify?.eventName).toBe('MODIFY');
    expect(modify?.dynamodb.OldImage?.Status).toEqual({ S: 'PENDING' });
    expect(modify?.dynamodb.NewImage).toMatchObject({ Status: { S: 'RESPONDED' }, ResponseCode: { N: '200' } });
    expect(remove?.eventName).toBe('REMOVE');
    expect(remove?.dynamodb.NewImage).toBeUndefined();
    expect(remove?.dynamodb.OldImage?.Status).toEqual({ S: 'RESPONDED' });
    const sequence = [insert, modify, remove].map((r) => BigInt(r?.dynamodb.SequenceNumber ?? '0'));
    expect(sequence[0]! < sequence[1]! && sequence[1]! < sequence[2]!).toBe(true);
  });

  it('gives concurrent writes to one key each their own exact before and after', async () => {
    const start = (await records()).length;
    const key = { RequestId: { S: 'counter' } };
    await Promise.all(
      Array.from({ length: 10 }, () =>
        ddb.send(new UpdateItemCommand({ TableName: table, Key: key, UpdateExpression: 'ADD N :one', ExpressionAttributeValues: { ':one': { N: '1' } } })),
      ),
    );
    const changes = (await records())
      .slice(start)
      .map((r) => [r.dynamodb.OldImage?.N?.N ?? null, r.dynamodb.NewImage?.N?.N]);
    expect(changes).toEqual(Array.from({ length: 10 }, (_, i) => [i === 0 ? null : String(i), String(i + 1)]));
  });

  it('records the exact before image of items it has not seen written, and answers as the caller asked', async () => {
    const key = { RequestId: { S: 'unseen' } };
    await ddb.send(new PutItemCommand({ TableName: table, Item: { ...key, Status: { S: 'PENDING' } } }));
    // Any operation outside the captured writes makes the front forget what it knew of the items.
    await ddb.send(new CreateTableCommand({ TableName: 'Forget', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
    const start = (await records()).length;
    const put = await ddb.send(new PutItemCommand({ TableName: table, Item: { ...key, Status: { S: 'RESPONDED' } } }));
    expect(put.Attributes).toBeUndefined();
    const removed = await ddb.send(new DeleteItemCommand({ TableName: table, Key: key, ReturnValues: 'ALL_OLD' }));
    expect(removed.Attributes).toEqual({ ...key, Status: { S: 'RESPONDED' } });
    const [modify, remove] = (await records()).slice(start);
    expect([modify?.eventName, modify?.dynamodb.OldImage?.Status, modify?.dynamodb.NewImage?.Status]).toEqual(['MODIFY', { S: 'PENDING' }, { S: 'RESPONDED' }]);
    expect([remove?.eventName, remove?.dynamodb.OldImage?.Status]).toEqual(['REMOVE', { S: 'RESPONDED' }]);
  });

  it('lets dynalite refuse an invalid key (no record, no server error)', async () => {
    const start = (await records()).length;
    await expect(ddb.send(new PutItemCommand({ TableName: table, Item: { RequestId: { N: '1' } } }))).rejects.toMatchObject({ name: 'ValidationException' });
    expect((await records()).length).toBe(start);
  });

  it('records each item of a BatchWriteItem and honours the view type of other tables', async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: 'KeysOnly',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      }),
    );
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: { KeysOnly: [{ PutRequest: { Item: { pk: { S: 'a' }, v: { B: Buffer.from([0, 255]) } } } }, { PutRequest: { Item: { pk: { S: 'b' } } } }] },
      }),
    );
    await service.captured();
    const batch = service.stream('KeysOnly').records();
    expect(batch.map((r) => [r.eventName, r.dynamodb.Keys, r.dynamodb.NewImage, r.dynamodb.StreamViewType])).toEqual([
      ['INSERT', { pk: { S: 'a' } }, undefined, 'KEYS_ONLY'],
      ['INSERT', { pk: { S: 'b' } }, undefined, 'KEYS_ONLY'],
    ]);
  });

  it('keeps dynalite semantics: GSI queries and consistent reads', async () => {
    await ddb.send(new PutItemCommand({ TableName: table, Item: { RequestId: { S: 'q1' }, SessionId: { S: 'sess' }, ConnectionId: { S: 'c' } } }));
    const q = await ddb.send(
      new QueryCommand({ TableName: table, IndexName: GSI_SESSION_ID, KeyConditionExpression: 'SessionId = :s', ExpressionAttributeValues: { ':s': { S: 'sess' } } }),
    );
    expect(q.Items?.map((i) => i.RequestId?.S)).toEqual(['q1']);
    const got = await ddb.send(new GetItemCommand({ TableName: table, Key: { RequestId: { S: 'q1' } }, ConsistentRead: true }));
    expect(got.Item?.SessionId).toEqual({ S: 'sess' });
  });

  it('throttles the next N item calls on the fault switch', async () => {
    conditions.throttleDynamoDb(1);
    await expect(ddb.send(new GetItemCommand({ TableName: table, Key: { RequestId: { S: 'q1' } } }))).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
    await expect(ddb.send(new GetItemCommand({ TableName: table, Key: { RequestId: { S: 'q1' } } }))).resolves.toBeDefined();
    conditions.throttleDynamoDb(1, 'ThrottlingException');
    await expect(ddb.send(new GetItemCommand({ TableName: table, Key: { RequestId: { S: 'q1' } } }))).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
