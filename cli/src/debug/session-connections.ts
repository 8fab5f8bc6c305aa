import { ConditionalCheckFailedException, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Attr, GSI_SESSION_ID, Status, sessionItem } from '../../../protocol/index.js';
import { explainAwsError } from '../errors.js';

/** The session's connections as the table keeps them (the session item and the request items' ConnectionId). */
export interface SessionConnections {
  /** Records `connectionId` as the session's current connection. */
  record(connectionId: string): Promise<void>;
  /** Moves the session's PENDING invocations on other connections to `connectionId`; returns their request ids. */
  movePending(connectionId: string): Promise<string[]>;
  /** Moves one PENDING invocation to `connectionId`; false when it no longer waits. */
  move(requestId: string, connectionId: string): Promise<boolean>;
}

/** SessionConnections on the stack's table, with the user's own credentials. */
export function dynamoSessionConnections(client: DynamoDBClient, tableName: string, sessionId: string): SessionConnections {
  const move = async (requestId: string, connectionId: string): Promise<boolean> => {
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall({ [Attr.RequestId]: requestId }),
          UpdateExpression: 'SET #conn = :to',
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#conn': Attr.ConnectionId, '#s': Attr.Status },
          ExpressionAttributeValues: marshall({ ':to': connectionId, ':pending': Status.Pending }),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw explainAwsError(err, `move request ${requestId} to connection ${connectionId} in table ${tableName}`);
    }
  };
  return {
    async record(connectionId) {
      try {
        await client.send(new PutItemCommand({ TableName: tableName, Item: marshall(sessionItem(sessionId, connectionId, Date.now())) }));
      } catch (err) {
        throw explainAwsError(err, `record connection ${connectionId} of session ${sessionId} in table ${tableName}`);
      }
    },
    async movePending(connectionId) {
      const waiting: string[] = [];
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        let page;
        try {
          page = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: GSI_SESSION_ID,
              KeyConditionExpression: '#sid = :sid',
              FilterExpression: '#s = :pending AND #conn <> :conn',
              ProjectionExpression: '#rid',
              ExpressionAttributeNames: { '#sid': Attr.SessionId, '#s': Attr.Status, '#conn': Attr.ConnectionId, '#rid': Attr.RequestId },
              ExpressionAttributeValues: marshall({ ':sid': sessionId, ':pending': Status.Pending, ':conn': connectionId }),
              ExclusiveStartKey: startKey,
            }),
          );
        } catch (err) {
          throw explainAwsError(err, `list the waiting invocations of session ${sessionId} in table ${tableName}`);
        }
        for (const item of page.Items ?? []) {
          const id = unmarshall(item)[Attr.RequestId];
          if (typeof id === 'string') waiting.push(id);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      const moved = await Promise.all(waiting.map(async (id) => ((await move(id, connectionId)) ? id : undefined)));
      return moved.filter((id): id is string => id !== undefined);
    },
    move,
  };
}
