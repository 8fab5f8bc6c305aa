import { CreateQueueCommand, DeleteQueueCommand, QueueDoesNotExist, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QUEUE_MAX_MESSAGE_BYTES, SQS_WAIT_TIME_SECONDS } from '../../../protocol/index.js';
import { QueueMissingError, type QueueService, type ReceivedMessage } from './ports.js';

/** Answers are consumed once; an unread message is useless after the invocation. */
const RETENTION_SECONDS = 60;

export class SqsQueueService implements QueueService {
  constructor(private readonly client: SQSClient) {}

  async create(name: string): Promise<string> {
    const out = await this.client.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { MaximumMessageSize: String(QUEUE_MAX_MESSAGE_BYTES), MessageRetentionPeriod: String(RETENTION_SECONDS) },
      }),
    );
    if (!out.QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
    return out.QueueUrl;
  }

  async receive(queueUrl: string, signal: AbortSignal): Promise<ReceivedMessage[]> {
    try {
      const out = await this.client.send(
        // SenderId comes with the message itself: telling who sent it costs no extra call.
        new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: SQS_WAIT_TIME_SECONDS, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['SenderId'] }),
        { abortSignal: signal },
      );
      return (out.Messages ?? []).flatMap((m) => (m.Body === undefined ? [] : [{ body: m.Body, ...(m.Attributes?.SenderId ? { senderId: m.Attributes.SenderId } : {}) }]));
    } catch (err) {
      if (err instanceof QueueDoesNotExist || (err as { name?: string }).name === 'AWS.SimpleQueueService.NonExistentQueue') throw new QueueMissingError(queueUrl);
      throw err;
    }
  }

  async delete(queueUrl: string): Promise<void> {
    await this.client.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  }
}
