import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Attr, GSI_CONNECTION_ID, Status } from '../../protocol/index.js';
import { DynamoDbAnswerWriter } from '../../protocol/answer-write.js';
import type { AnswerStore, PendingRequest, StoreOutcome } from './ports.js';

/** AnswerStore on the request table: the shared conditional answer write, and the connection's pending invocations. */
export class DynamoDbAnswerStore implements AnswerStore {
  private readonly writer: DynamoDbAnswerWriter;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.writer = new DynamoDbAnswerWriter(client, tableName);
  }

  storeAnswer(requestId: string, connectionId: string, attributes: Record<string, string | number>): Promise<StoreOutcome> {
    return this.writer.storeAnswer(requestId, connectionId, attributes);
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
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
