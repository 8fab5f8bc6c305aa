import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueSender } from './types.js';

export function sqsQueueSender(client: SQSClient): QueueSender {
  return {
    async getQueueUrl(name) {
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
      if (QueueUrl === undefined) throw new Error(`GetQueueUrl answered without a QueueUrl for queue ${name}`);
      return QueueUrl;
    },
    async sendMessage(url, body) {
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    },
  };
}
