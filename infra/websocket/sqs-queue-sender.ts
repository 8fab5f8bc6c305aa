import { GetQueueUrlCommand, QueueDoesNotExist, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { queueUrlFor } from '../../protocol/index.js';
import type { QueueRef, QueueSender } from './ports.js';

/** Where the route's queues live: its own region and account (the runtime creates them in the stack's account). */
export interface QueueHome {
  region: string;
  /** Unknown (no invoked function ARN): every send looks the URL up first. */
  accountId: string | undefined;
}

/**
 * Sends with one SendMessage to the URL SQS gives the queue (built from its name, no GetQueueUrl).
 * Only when SQS says no such queue at a built URL does it ask SQS for the URL and send once more,
 * so a URL form this code does not know still works, at the cost of a lookup.
 */
export class SqsQueueSender implements QueueSender {
  constructor(
    private readonly client: SQSClient,
    private readonly home: QueueHome,
  ) {}

  async send(queue: QueueRef, body: string): Promise<void> {
    if (queue.url !== undefined) return this.sendTo(queue.url, body);
    const name = queue.name;
    if (name === undefined) throw new Error('the queue has neither a URL nor a name');
    if (this.home.accountId === undefined || this.home.region === '') return this.sendTo(await this.lookUp(name), body);
    const built = queueUrlFor(this.home.region, this.home.accountId, name);
    try {
      await this.sendTo(built, body);
    } catch (err) {
      if (!isQueueMissing(err)) throw err;
      const url = await this.lookUp(name);
      if (url === built) throw err;
      await this.sendTo(url, body);
    }
  }

  private async lookUp(QueueName: string): Promise<string> {
    const { QueueUrl } = await this.client.send(new GetQueueUrlCommand({ QueueName }));
    if (QueueUrl === undefined) throw new Error(`GetQueueUrl answered without a QueueUrl for queue ${QueueName}`);
    return QueueUrl;
  }

  private async sendTo(QueueUrl: string, body: string): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
  }
}

function isQueueMissing(err: unknown): boolean {
  return err instanceof QueueDoesNotExist || (err as { name?: string }).name === 'AWS.SimpleQueueService.NonExistentQueue';
}
