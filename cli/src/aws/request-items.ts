import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Attr, readRequestJson } from '../../../protocol/index.js';
import { explainAwsError } from '../errors.js';

/** Reads an invocation's `Request` JSON from the table, for events too big to travel inline. */
export interface RequestItemReader {
  requestJson(requestId: string): Promise<string | undefined>;
}

/** GetItem with the user's own credentials (the developer who deployed the stack can read its table). */
export function dynamoRequestItemReader(client: DynamoDBClient, tableName: string): RequestItemReader {
  return {
    async requestJson(requestId) {
      try {
        const out = await client.send(new GetItemCommand({ TableName: tableName, Key: { [Attr.RequestId]: { S: requestId } }, ConsistentRead: true }));
        return out.Item ? readRequestJson(unmarshall(out.Item)) : undefined;
      } catch (err) {
        throw explainAwsError(err, `read request ${requestId} from table ${tableName}`);
      }
    },
  };
}
