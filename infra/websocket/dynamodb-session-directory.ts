import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { currentConnectionIn, currentConnectionRequest } from '../../protocol/index.js';
import type { SessionDirectory } from './ports.js';

/** SessionDirectory on the request table's session items (one consistent GetItem per session). */
export class DynamoDbSessionDirectory implements SessionDirectory {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async currentConnection(sessionId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetItemCommand(currentConnectionRequest(this.tableName, sessionId)));
    return currentConnectionIn(Item);
  }
}
