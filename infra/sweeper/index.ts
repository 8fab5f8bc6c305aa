import { SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_QUEUE_PREFIX, Env } from '../../protocol/index.js';
import { jsonLogger } from '../shared/log.js';
import { SqsQueueDirectory } from './queue-directory.js';
import { sweep } from './sweep.js';

const directory = new SqsQueueDirectory(new SQSClient({}));

/** Scheduled: deletes per-invocation queues left behind by runtimes that were killed mid-wait. */
export const handler = async (): Promise<void> => {
  const prefix = process.env[Env.QueuePrefix] || DEFAULT_QUEUE_PREFIX;
  const result = await sweep(directory, prefix, Date.now(), jsonLogger);
  jsonLogger('info', 'sweep-finished', { prefix, ...result });
};
