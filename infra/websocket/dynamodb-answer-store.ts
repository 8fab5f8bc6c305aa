import { ConditionalCheckFailedException, GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Attr, GSI_CONNECTION_ID, Status } from '../../protocol/index.js';
import type { AnswerStore, PendingRequest, QueueRef, StoreOutcome } from './ports.js';

/**
 * AnswerStore on the request table: one conditional UpdateItem, and a GetItem only to explain a refusal.
 * The write rewrites QueueName with itself so that UPDATED_OLD hands back just Status and QueueName:
 * the route needs the queue's name, not the whole item (whose request can be most of 400 KB).
 */
export class DynamoDbAnswerStore implements AnswerStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async storeAnswer(requestId: string, connectionId: string, attributes: Record<string, string | number>): Promise<StoreOutcome> {
    const entries = Object.entries(attributes);
    const names: Record<string, string> = { '#rid': Attr.RequestId, '#conn': Attr.ConnectionId, '#status': Attr.Status, '#queue': Attr.QueueName };
    const values: Record<string, unknown> = { ':conn': connectionId, ':pending': Status.Pending, ':responded': Status.Responded, ':noqueue': '' };
    entries.forEach(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
    });
    try {
      const result = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [Attr.RequestId]: requestId }),
          UpdateExpression: `SET #status = :responded, #queue = if_not_exists(#queue, :noqueue), ${entries.map((_e, i) => `#a${i} = :a${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(#rid) AND #conn = :conn AND #status = :pending',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values),
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return { kind: 'stored', queue: queueOf(unmarshall(result.Attributes ?? {})) };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return { kind: 'refused', current: await this.current(requestId) };
    }
  }

  async pendingRequests(connectionId: string): Promise<PendingRequest[]> {
    const pending: PendingRequest[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI_CONNECTION_ID,
          KeyConditionExpression: '#conn = :conn',
          FilterExpression: '#status = :pending',
          ProjectionExpression: '#rid, #sid',
          ExpressionAttributeNames: { '#conn': Attr.ConnectionId, '#status': Attr.Status, '#rid': Attr.RequestId, '#sid': Attr.SessionId },
          ExpressionAttributeValues: marshall({ ':conn': connectionId, ':pending': Status.Pending }),
          ExclusiveStartKey: startKey,
        }),
      );
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        const requestId = stringOrUndefined(item[Attr.RequestId]);
        const sessionId = stringOrUndefined(item[Attr.SessionId]);
        if (requestId !== undefined) pending.push({ requestId, ...(sessionId !== undefined ? { sessionId } : {}) });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return pending;
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

function queueOf(item: Record<string, unknown>): QueueRef | undefined {
  const name = stringOrUndefined(item[Attr.QueueName]);
  return name !== undefined ? { name } : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
