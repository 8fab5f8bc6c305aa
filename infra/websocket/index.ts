import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda';
import { DEFAULT_TABLE_NAME, Env, accountOfArn } from '../../protocol/index.js';
import { jsonLogger } from '../shared/log.js';
import { handleDefaultRoute } from './default-route.js';
import { handleDisconnect } from './disconnect-route.js';
import { DynamoDbAnswerStore } from './dynamodb-answer-store.js';
import { DynamoDbSessionDirectory } from './dynamodb-session-directory.js';
import { ManagementApiReplier, managementClient, managementEndpoint } from './management-replier.js';
import { SqsQueueSender } from './sqs-queue-sender.js';

const dynamo = new DynamoDBClient({});
const tableName = process.env[Env.TableName] || DEFAULT_TABLE_NAME;
const store = new DynamoDbAnswerStore(dynamo, tableName);
const sessions = new DynamoDbSessionDirectory(dynamo, tableName);
// The URLs the sender builds are SQS's own (the regional endpoint's host); a local stand-in set
// through AWS_ENDPOINT_URL_SQS must still get the call, not the host in the URL.
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

/** The queues live in this function's region and account (the invoked ARN's). */
function queuesOf(context: Context | undefined): SqsQueueSender {
  return new SqsQueueSender(sqs, { region: process.env.AWS_REGION ?? '', accountId: accountOfArn(context?.invokedFunctionArn) });
}

/** The WebSocket API's `$connect`, `$disconnect` (fails the connection's waiting invocations) and `$default` routes. */
export const handler = async (event: APIGatewayProxyWebsocketEventV2, context?: Context): Promise<APIGatewayProxyResultV2> => {
  const { routeKey, connectionId, domainName, stage } = event.requestContext;
  if (routeKey === '$connect') {
    // Already authorized by IAM; there is no per-connection state to keep.
    jsonLogger('info', 'connected', { connectionId });
    return { statusCode: 200 };
  }
  if (routeKey === '$disconnect') {
    await handleDisconnect({ store, sessions, queues: queuesOf(context), log: jsonLogger }, connectionId);
    return { statusCode: 200 };
  }
  const body = event.body !== undefined && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const endpoint = managementEndpoint(process.env[Env.WebSocketManagementEndpoint], domainName, stage);
  const replier = new ManagementApiReplier(managementClient(endpoint));
  await handleDefaultRoute({ store, queues: queuesOf(context), replier, log: jsonLogger }, { connectionId, body });
  return { statusCode: 200 };
};
