import { DeleteQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, QueueDoesNotExist } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueInfo } from './select.js';

/** The account's queues, as far as the sweeper needs them. */
export interface QueueDirectory {
  list(prefix: string): Promise<QueueInfo[]>;
  /** Deletes a queue; a queue that is already gone counts as deleted. */
  delete(url: string): Promise<void>;
}

export class SqsQueueDirectory implements QueueDirectory {
  constructor(private readonly client: SQSClient) {}

  async list(prefix: string): Promise<QueueInfo[]> {
    const urls: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, NextToken }));
      urls.push(...(page.QueueUrls ?? []));
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    const infos = await Promise.all(urls.map((url) => this.describe(url)));
    return infos.filter((q): q is QueueInfo => q !== undefined);
  }

  async delete(url: string): Promise<void> {
    try {
      await this.client.send(new DeleteQueueCommand({ QueueUrl: url }));
    } catch (err) {
      if (!(err instanceof QueueDoesNotExist)) throw err;
    }
  }

  private async describe(url: string): Promise<QueueInfo | undefined> {
    try {
      const { Attributes } = await this.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['CreatedTimestamp'] }));
      const seconds = Number(Attributes?.CreatedTimestamp);
      return { url, name: url.slice(url.lastIndexOf('/') + 1), createdAtMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined };
    } catch (err) {
      // Deleted by its runtime between listing and describing: nothing to sweep.
      if (err instanceof QueueDoesNotExist) return undefined;
      throw err;
    }
  }
}
