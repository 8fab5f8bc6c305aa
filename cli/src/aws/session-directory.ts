import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { currentConnectionIn, currentConnectionRequest } from '../../../protocol/index.js';
import { explainAwsError } from '../errors.js';

/** The sessions' current connections, as `plldb debug` records them in the request table (the session items). */
export interface SessionDirectory {
  /** The connection the session's debugger uses now; undefined when the table records none. */
  currentConnection(tableName: string, sessionId: string): Promise<string | undefined>;
}

export function dynamoSessionDirectory(client: DynamoDBClient): SessionDirectory {
  return {
    async currentConnection(tableName, sessionId) {
      try {
        const { Item } = await client.send(new GetItemCommand(currentConnectionRequest(tableName, sessionId)));
        return currentConnectionIn(Item);
      } catch (err) {
        throw explainAwsError(err, `read session ${sessionId}'s current connection from table ${tableName}`);
      }
    },
  };
}
