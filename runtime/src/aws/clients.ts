import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import type { RuntimeConfig } from '../config.js';
import { SessionConnection } from '../session-connection.js';
import { DynamoDbItemStore } from './item-store.js';
import { RoleCredentials, StsRoleAssumer, roleSessionName } from './credentials.js';
import { WebSocketNotifier } from './notifier.js';
import type { ItemStore, Notifier, QueueService } from './ports.js';
import { CONNECT_TIMEOUT_MS } from './reachability.js';
import { SqsQueueService } from './queue-service.js';
import { sessionPolicy } from './session-policy.js';

export interface AwsEdges {
  credentials: RoleCredentials;
  store: ItemStore;
  queues: QueueService;
  notifier: Notifier;
  /** The debugger connection this environment notifies (follows the session across connections). */
  connection: SessionConnection;
}

/** Created once at init: keep-alive connections and the role credentials are reused across invocations. */
export function createAwsEdges(config: RuntimeConfig): AwsEdges {
  const requestHandler = { httpAgent: { keepAlive: true }, httpsAgent: { keepAlive: true }, connectionTimeout: CONNECT_TIMEOUT_MS };
  // STS signs with the function's own credentials (the default chain reads them from the environment).
  const sts = new STSClient({ requestHandler });
  // The session policy names the connection being notified; following the session re-assumes the role for the new one.
  let policyConnection = config.connectionId;
  const policyFor = (roleArn: string) => sessionPolicy(roleArn, config.region, policyConnection);
  const credentials = new RoleCredentials(new StsRoleAssumer(sts, roleSessionName(config.function.name), policyFor), config.roleArn);
  const common = { requestHandler, credentials: credentials.provide };
  const store = new DynamoDbItemStore(new DynamoDBClient(common), config.tableName);
  const notifier = new WebSocketNotifier(new ApiGatewayManagementApiClient({ ...common, endpoint: config.websocketEndpoint }));
  return {
    credentials,
    store,
    queues: new SqsQueueService(new SQSClient(common)),
    notifier,
    connection: new SessionConnection(config.sessionId, config.connectionId, notifier, store, (next) => {
      policyConnection = next;
      credentials.invalidate();
    }),
  };
}
