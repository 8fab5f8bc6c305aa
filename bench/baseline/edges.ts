import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Agent } from 'node:http';
import { StsRoleAssumer, roleSessionName } from '../../runtime/src/aws/credentials.js';
import { DynamoDbItemStore } from '../../runtime/src/aws/item-store.js';
import { WebSocketNotifier } from '../../runtime/src/aws/notifier.js';
import type { ItemStore, Notifier, TemporaryCredentials } from '../../runtime/src/aws/ports.js';
import type { RuntimeConfig } from '../../runtime/src/config.js';

/** The AWS calls of the original design: who am I, assume the role, then clients built with those credentials. */
export interface BaselineEdges {
  /** GetCallerIdentity: the account of the function's own credentials. */
  account(): Promise<string>;
  assumeRole(roleArn: string): Promise<TemporaryCredentials>;
  /** Item store and notifier signed with one invocation's credentials. */
  withCredentials(credentials: TemporaryCredentials): { store: ItemStore; notifier: Notifier };
}

export function createBaselineEdges(config: RuntimeConfig): BaselineEdges {
  // One keep-alive agent for every client, so the per-invocation clients do not pay new connections.
  const requestHandler = { httpAgent: new Agent({ keepAlive: true }) };
  const sts = new STSClient({ requestHandler });
  const assumer = new StsRoleAssumer(sts, roleSessionName(config.function.name));
  return {
    async account() {
      const out = await sts.send(new GetCallerIdentityCommand({}));
      if (!out.Account) throw new Error('GetCallerIdentity returned no account');
      return out.Account;
    },
    assumeRole: (roleArn) => assumer.assume(roleArn),
    withCredentials(credentials) {
      const common = { requestHandler, credentials };
      return {
        store: new DynamoDbItemStore(new DynamoDBClient(common), config.tableName),
        notifier: new WebSocketNotifier(new ApiGatewayManagementApiClient({ ...common, endpoint: config.websocketEndpoint })),
      };
    },
  };
}
