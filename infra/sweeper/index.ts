import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_QUEUE_PREFIX, DEFAULT_TABLE_NAME, Env } from '../../protocol/index.js';
import { jsonLogger } from '../shared/log.js';
import { DynamoDbInvocationStatus } from './invocation-status.js';
import { SqsQueueDirectory } from './queue-directory.js';
import { sweep } from './sweep.js';

const directory = new SqsQueueDirectory(new SQSClient({}));
const invocations = new DynamoDbInvocationStatus(new DynamoDBClient({}), process.env[Env.TableName] || DEFAULT_TABLE_NAME);

/** Scheduled: deletes per-invocation queues left behind by runtimes that were killed mid-wait. */
export const handler = async (): Promise<void> => {
  const prefix = process.env[Env.QueuePrefix] || DEFAULT_QUEUE_PREFIX;
  const result = await sweep(directory, invocations, prefix, Date.now(), jsonLogger);
  jsonLogger('info', 'sweep-finished', { prefix, ...result });
};
