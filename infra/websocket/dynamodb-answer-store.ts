import { ConditionalCheckFailedException, GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Attr, GSI_CONNECTION_ID, Status, itemSize } from '../../protocol/index.js';
import type { AnswerStore, QueueRef, StoreOutcome } from './ports.js';

/** AnswerStore on the request table: one conditional UpdateItem, and a GetItem only to explain a refusal. */
export class DynamoDbAnswerStore implements AnswerStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async storeAnswer(requestId: string, connectionId: string, attributes: Record<string, string | number>): Promise<StoreOutcome> {
    const entries = Object.entries(attributes);
    const names: Record<string, string> = { '#rid': Attr.RequestId, '#conn': Attr.ConnectionId, '#status': Attr.Status, '#queue': Attr.QueueName };
    const values: Record<string, unknown> = { ':conn': connectionId, ':pending': Status.Pending, ':responded': Status.Responded };
    entries.forEach(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
    });
    try {
      const result = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [Attr.RequestId]: requestId }),
          // `#queue = #queue` changes nothing; it only makes UPDATED_OLD return the queue name, so the
          // reply carries Status and QueueName instead of the whole item (ALL_NEW: the request too, up to 400 KB).
          UpdateExpression: `SET #status = :responded, #queue = #queue, ${entries.map((_e, i) => `#a${i} = :a${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(#rid) AND #conn = :conn AND #status = :pending',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values),
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return { kind: 'stored', queue: queueOf(unmarshall(result.Attributes ?? {})) };
    } catch (err) {
      if (isItemTooLarge(err)) return { kind: 'too-large', answerBytes: itemSize(attributes), itemBytes: await this.itemBytes(requestId) };
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return { kind: 'refused', current: await this.current(requestId) };
    }
  }

  async pendingRequestIds(connectionId: string): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI_CONNECTION_ID,
          KeyConditionExpression: '#conn = :conn',
          FilterExpression: '#status = :pending',
          ProjectionExpression: '#rid',
          ExpressionAttributeNames: { '#conn': Attr.ConnectionId, '#status': Attr.Status, '#rid': Attr.RequestId },
          ExpressionAttributeValues: marshall({ ':conn': connectionId, ':pending': Status.Pending }),
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const id = unmarshall(item)[Attr.RequestId];
        if (typeof id === 'string') ids.push(id);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return ids;
  }

  /** The item's size as DynamoDB counts it; read only to explain a refused answer, so the whole item is fine. */
  private async itemBytes(requestId: string): Promise<number> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ [Attr.RequestId]: requestId }), ConsistentRead: true }));
    return Item === undefined ? 0 : itemSize(unmarshall(Item));
  }

  private async current(requestId: string): Promise<{ connectionId?: string; status?: string } | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ [Attr.RequestId]: requestId }),
        ConsistentRead: true,
        ProjectionExpression: '#conn, #status',
        ExpressionAttributeNames: { '#conn': Attr.ConnectionId, '#status': Attr.Status },
      }),
    );
    if (Item === undefined) return undefined;
    const item = unmarshall(Item);
    return { connectionId: stringOrUndefined(item[Attr.ConnectionId]), status: stringOrUndefined(item[Attr.Status]) };
  }
}

/** DynamoDB's ValidationException for an update that would pass the 400 KB item limit. */
function isItemTooLarge(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'ValidationException' && /item size/i.test((err as Error).message);
}

function queueOf(item: Record<string, unknown>): QueueRef | undefined {
  const url = stringOrUndefined(item[Attr.QueueUrl]);
  const name = stringOrUndefined(item[Attr.QueueName]);
  if (url === undefined && name === undefined) return undefined;
  return { ...(url !== undefined ? { url } : {}), ...(name !== undefined ? { name } : {}) };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
