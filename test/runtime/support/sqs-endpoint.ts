import type http from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import { sendJson, startServer, type TestServer } from './http.js';

/** The role id of the one sender the tests' runtime believes (PLLDB_ANSWER_SENDER_IDS), as the `$default` route's. */
export const ANSWER_SENDER_ROLE_ID = 'AROATESTROUTESROLE000';

interface Queue {
  attributes: Record<string, string>;
  messages: { body: string; senderId: string }[];
  waiters: (() => void)[];
}

/** A minimal SQS (JSON protocol, `X-Amz-Target: AmazonSQS.*`): queues, long-polled ReceiveMessage, SendMessage. */
export class SqsEndpoint {
  readonly queues = new Map<string, Queue>();
  readonly created: { name: string; attributes: Record<string, string> }[] = [];
  readonly deleted: string[] = [];
  private server?: TestServer;

  get url(): string {
    return this.server?.url ?? '';
  }

  async start(): Promise<this> {
    this.server = await startServer((req, body, res) => this.route(req, body, res));
    return this;
  }

  async close(): Promise<void> {
    for (const q of this.queues.values()) for (const wake of q.waiters.splice(0)) wake();
    await this.server?.close();
  }

  /** Puts a message on a queue as `senderId` (SQS's SenderId); by default as the `$default` route's role session. */
  send(queueUrl: string, body: string, senderId = `${ANSWER_SENDER_ROLE_ID}:routes`): void {
    const q = this.queues.get(queueUrl);
    if (!q) throw new Error(`no queue ${queueUrl}`);
    q.messages.push({ body, senderId });
    for (const wake of q.waiters.splice(0)) wake();
  }

  private route(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const action = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
    const input = JSON.parse(body || '{}') as Record<string, unknown>;
    if (action === 'CreateQueue') {
      const name = String(input.QueueName);
      const queueUrl = `${this.url}/123456789012/${name}`;
      const attributes = (input.Attributes ?? {}) as Record<string, string>;
      this.created.push({ name, attributes });
      if (!this.queues.has(queueUrl)) this.queues.set(queueUrl, { attributes, messages: [], waiters: [] });
      return sendJson(res, 200, { QueueUrl: queueUrl });
    }
    const queueUrl = String(input.QueueUrl);
    const q = this.queues.get(queueUrl);
    if (!q) {
      return sendJson(res, 400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' }, {
        'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender',
      });
    }
    if (action === 'SendMessage') {
      this.send(queueUrl, String(input.MessageBody));
      return sendJson(res, 200, { MessageId: randomUUID(), MD5OfMessageBody: md5(String(input.MessageBody)) });
    }
    if (action === 'DeleteQueue') {
      this.queues.delete(queueUrl);
      this.deleted.push(queueUrl);
      for (const wake of q.waiters.splice(0)) wake();
      return sendJson(res, 200, {});
    }
    if (action === 'ReceiveMessage') return this.receive(q, Number(input.WaitTimeSeconds ?? 0), ((input.MessageSystemAttributeNames ?? []) as string[]).includes('SenderId'), res);
    sendJson(res, 400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `unsupported ${action}` });
  }

  private receive(q: Queue, waitSeconds: number, withSender: boolean, res: http.ServerResponse): void {
    const reply = () => {
      if (res.writableEnded || res.destroyed) return;
      const taken = q.messages.splice(0, 10);
      const wire = ({ body, senderId }: { body: string; senderId: string }) => ({
        MessageId: randomUUID(),
        ReceiptHandle: randomUUID(),
        MD5OfBody: md5(body),
        Body: body,
        ...(withSender ? { Attributes: { SenderId: senderId } } : {}),
      });
      sendJson(res, 200, taken.length ? { Messages: taken.map(wire) } : {});
    };
    if (q.messages.length > 0 || waitSeconds === 0) return reply();
    const stopWaiting = () => {
      clearTimeout(timer);
      q.waiters = q.waiters.filter((w) => w !== wake);
    };
    const wake = () => {
      stopWaiting();
      reply();
    };
    const timer = setTimeout(wake, waitSeconds * 1000);
    q.waiters.push(wake);
    res.on('close', stopWaiting);
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
