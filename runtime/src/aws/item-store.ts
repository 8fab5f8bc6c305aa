import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ANSWER_ATTRIBUTES, Attr, Status, currentConnectionIn, currentConnectionRequest, type DeliveredViaValue } from '../../../protocol/index.js';
import type { ItemStore } from './ports.js';

export class DynamoDbItemStore implements ItemStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async put(item: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    // No condition: Lambda retries an invocation with the same request id, and the retry replaces the finished item.
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: marshall(item, { removeUndefinedValues: true }) }), { abortSignal: signal });
  }

  async get(requestId: string, signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
    // Only the answer: the item also holds the request (up to ~384 KB), which each poll would otherwise
    // download and parse. (DynamoDB still charges a GetItem by the whole item's size, rounded up to 4 KB.)
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ [Attr.RequestId]: requestId }),
        ConsistentRead: true,
        ProjectionExpression: ANSWER_ATTRIBUTES.map((_a, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(ANSWER_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
      }),
      { abortSignal: signal },
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  async markDelivered(requestId: string, via: DeliveredViaValue, at: number): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall({ [Attr.RequestId]: requestId }),
        UpdateExpression: 'SET #s = :s, #at = :at, #via = :via',
        ExpressionAttributeNames: { '#s': Attr.Status, '#at': Attr.DeliveredAt, '#via': Attr.DeliveredVia },
        ExpressionAttributeValues: marshall({ ':s': Status.Delivered, ':at': at, ':via': via }),
      }),
    );
  }

  async finishUnanswered(requestId: string, status: typeof Status.TimedOut | typeof Status.Failed, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [Attr.RequestId]: requestId }),
          UpdateExpression: 'SET #s = :s',
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': Attr.Status },
          ExpressionAttributeValues: marshall({ ':s': status, ':pending': Status.Pending }),
        }),
        { abortSignal: signal },
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async currentConnection(sessionId: string, signal?: AbortSignal): Promise<string | undefined> {
    const out = await this.client.send(new GetItemCommand(currentConnectionRequest(this.tableName, sessionId)), { abortSignal: signal });
    return currentConnectionIn(out.Item);
  }

  async repoint(requestId: string, from: string, to: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [Attr.RequestId]: requestId }),
          UpdateExpression: 'SET #conn = :to',
          ConditionExpression: '#conn = :from AND #s = :pending',
          ExpressionAttributeNames: { '#conn': Attr.ConnectionId, '#s': Attr.Status },
          ExpressionAttributeValues: marshall({ ':to': to, ':from': from, ':pending': Status.Pending }),
        }),
        { abortSignal: signal },
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
