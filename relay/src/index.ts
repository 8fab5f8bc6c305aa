import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_TABLE_NAME, Env } from '../../protocol/index.js';
import { dynamoInvocationLookup } from './aws-invocation-lookup.js';
import { sqsQueueSender } from './aws-queue-sender.js';
import { writeJsonLog } from './log.js';
import { createRelayHandler } from './relay.js';

// Created once per instance so warm invocations reuse connections and the queue URL cache.
const tableName = process.env[Env.TableName] || DEFAULT_TABLE_NAME;

export const handler = createRelayHandler({
  queues: sqsQueueSender(new SQSClient({})),
  invocations: dynamoInvocationLookup(new DynamoDBClient({}), tableName),
  log: writeJsonLog,
});
