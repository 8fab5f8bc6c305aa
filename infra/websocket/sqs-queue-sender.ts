import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueRef, QueueSender } from './ports.js';

export class SqsQueueSender implements QueueSender {
  constructor(private readonly client: SQSClient) {}

  async send(queue: QueueRef, body: string): Promise<void> {
    const QueueUrl = queue.url ?? (await this.client.send(new GetQueueUrlCommand({ QueueName: queue.name }))).QueueUrl;
    await this.client.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
  }
}
