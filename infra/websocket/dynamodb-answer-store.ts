import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Attr, GSI_CONNECTION_ID, Status } from '../../protocol/index.js';
import { DynamoDbAnswerWriter } from '../../protocol/answer-write.js';
import type { AnswerStore, StoreOutcome } from './ports.js';

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
}
