import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { Attr, Status, readAnswer } from '../../protocol/index.js';
import { DynamoDbItemStore } from '../../runtime/src/aws/item-store.js';
import { startDynamo, type LocalDynamo } from '../support/dynalite.js';

const TABLE = 'PLLDBDebugger';

describe("the runtime's poll of the request item", () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startDynamo(TABLE);
  });
  afterAll(async () => {
    await dynamo.close();
  });

  const put = (item: Record<string, unknown>) => dynamo.client.send(new PutItemCommand({ TableName: TABLE, Item: marshall(item) }));
  const base = { RequestId: 'req-1', SessionId: 's', ConnectionId: 'c', Request: JSON.stringify({ event: { blob: 'x'.repeat(300_000) } }), QueueName: 'plldb-req-1', Status: Status.Pending };

  it('reads the answer attributes only, never the request it already has', async () => {
    const store = new DynamoDbItemStore(dynamo.client, TABLE);
    await put(base);
    const pending = (await store.get('req-1')) ?? {};
    expect(Object.keys(pending)).toEqual([]);
    expect(readAnswer(pending)).toBeUndefined();
    await put({ ...base, Status: Status.Responded, [Attr.ResponseCode]: 200, [Attr.Response]: '{"ok":true}' });
    const item = await store.get('req-1');
    expect(item).toEqual({ [Attr.ResponseCode]: 200, [Attr.Response]: '{"ok":true}' });
    expect(readAnswer(item ?? {})).toEqual({ kind: 'response', statusCode: 200, body: '{"ok":true}' });
  });

  it("still reads an answer written in the original PLLDB's attribute names", async () => {
    const store = new DynamoDbItemStore(dynamo.client, TABLE);
    await put({ ...base, [Attr.StatusCode]: 500, [Attr.ErrorMessage]: 'boom' });
    expect(readAnswer((await store.get('req-1')) ?? {})).toMatchObject({ kind: 'error', statusCode: 500, error: { errorMessage: 'boom' } });
  });
});
