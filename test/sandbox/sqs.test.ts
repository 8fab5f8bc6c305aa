import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  QueueDeletedRecently,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SandboxConditions } from '../../sandbox/latency.js';
import { SqsService } from '../../sandbox/sqs/sqs-service.js';
import { sandboxClientConfig } from './sdk.js';

describe('sandbox SQS (real SDK v3 client)', () => {
  const conditions = new SandboxConditions();
  const service = new SqsService({ conditions, recreateCooldownMs: 300 });
  let sqs: SQSClient;

  beforeAll(async () => {
    await service.start();
    sqs = new SQSClient(sandboxClientConfig(service.endpoint));
  });

  afterAll(async () => {
    sqs.destroy();
    await service.stop();
  });

  const create = async (name: string, attributes: Record<string, string> = {}): Promise<string> =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl as string;

  it('creates queues idempotently, refuses different attributes, finds and lists them', async () => {
    const url = await create('plldb-a', { MaximumMessageSize: '262144' });
    expect(url).toBe(`${service.endpoint}/123456789012/plldb-a`);
    expect(await create('plldb-a', { MaximumMessageSize: '262144' })).toBe(url);
    await expect(create('plldb-a', { MaximumMessageSize: '2048' })).rejects.toBeInstanceOf(QueueNameExists);
    await create('other-b');
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'plldb-a' }))).QueueUrl).toBe(url);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'plldb-' }))).QueueUrls).toEqual([url]);
    const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
    expect(attrs).toMatchObject({ MaximumMessageSize: '262144', ApproximateNumberOfMessages: '0', QueueArn: 'arn:aws:sqs:us-east-1:123456789012:plldb-a' });
    expect(Number(attrs.CreatedTimestamp)).toBeGreaterThan(1_600_000_000);
  });

  it('surfaces QueueDoesNotExist as the named exception', async () => {
    const missing = `${service.endpoint}/123456789012/nope`;
    const error = await sqs.send(new SendMessageCommand({ QueueUrl: missing, MessageBody: 'x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect((error as QueueDoesNotExist).$metadata.httpStatusCode).toBe(400);
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('refuses to re-create a name deleted within the cooldown, then allows it', async () => {
    const url = await create('plldb-recreate');
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await expect(create('plldb-recreate')).rejects.toBeInstanceOf(QueueDeletedRecently);
    await new Promise((r) => setTimeout(r, 350));
    expect(await create('plldb-recreate')).toBe(url);
  });

  it('long-poll returns as soon as a message is sent, with a valid MD5 and a working receipt handle', async () => {
    const url = await create('plldb-longpoll');
    const started = Date.now();
    const receiving = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MessageSystemAttributeNames: ['All'] }));
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'héllo ✓ 😀' })), 50);
    const received = await receiving;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(received.Messages?.[0]?.Body).toBe('héllo ✓ 😀');
    expect(received.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: received.Messages?.[0]?.ReceiptHandle }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(attrs.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('long-poll with no message ends empty after WaitTimeSeconds', async () => {
    const url = await create('plldb-empty');
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
    expect(received.Messages).toBeUndefined();
  });

  it('an aborted long-poll leaves no waiter behind', async () => {
    const url = await create('plldb-abort');
    const controller = new AbortController();
    const receiving = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }), { abortSignal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    expect(service.waitingReceiveCount()).toBe(1);
    controller.abort();
    await expect(receiving).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 100));
    expect(service.waitingReceiveCount()).toBe(0);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'kept' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(received.Messages?.[0]?.Body).toBe('kept');
  });

  it('hides a received message for the visibility timeout, then delivers it again', async () => {
    const url = await create('plldb-visibility', { VisibilityTimeout: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toHaveLength(1);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('enforces MaximumMessageSize and the allowed characters', async () => {
    const url = await create('plldb-size', { MaximumMessageSize: '1024' });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1025) }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a\u0001b' }))).rejects.toMatchObject({ name: 'InvalidMessageContents' });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1024) }))).resolves.toBeDefined();
  });

  it('fails calls on the fault switch, per operation, until healed', async () => {
    const url = await create('plldb-fault');
    conditions.failSqs('ServiceUnavailable', ['SendMessage']);
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).rejects.toMatchObject({
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503 },
    });
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).resolves.toBeDefined();
    conditions.failSqs(undefined);
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).resolves.toBeDefined();
  });
});
