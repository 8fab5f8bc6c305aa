import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import type { RuntimeConfig } from '../config.js';
import { DynamoDbItemStore } from './item-store.js';
import { RoleCredentials, StsRoleAssumer, roleSessionName } from './credentials.js';
import { WebSocketNotifier } from './notifier.js';
import type { ItemStore, Notifier, QueueService } from './ports.js';
import { CONNECT_TIMEOUT_MS } from './reachability.js';
import { SqsQueueService } from './queue-service.js';

export interface AwsEdges {
  credentials: RoleCredentials;
  store: ItemStore;
  queues: QueueService;
  notifier: Notifier;
}

/** Created once at init: keep-alive connections and the role credentials are reused across invocations. */
export function createAwsEdges(config: RuntimeConfig): AwsEdges {
  const requestHandler = { httpAgent: { keepAlive: true }, httpsAgent: { keepAlive: true }, connectionTimeout: CONNECT_TIMEOUT_MS };
  // STS signs with the function's own credentials (the default chain reads them from the environment).
  const sts = new STSClient({ requestHandler });
  const credentials = new RoleCredentials(new StsRoleAssumer(sts, roleSessionName(config.function.name)), config.roleArn);
  const common = { requestHandler, credentials: credentials.provide };
  return {
    credentials,
    store: new DynamoDbItemStore(new DynamoDBClient(common), config.tableName),
    queues: new SqsQueueService(new SQSClient(common)),
    notifier: new WebSocketNotifier(new ApiGatewayManagementApiClient({ ...common, endpoint: config.websocketEndpoint })),
  };
}
