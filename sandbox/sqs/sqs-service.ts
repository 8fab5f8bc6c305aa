import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpService, closeSignal, readBody, send } from '../common/http-service.js';
import { accessKeyOf } from '../common/sigv4.js';
import { requestId } from '../common/ids.js';
import type { SandboxConditions } from '../latency.js';
import { resolveServiceOptions, type ServiceOptions } from '../common/service-options.js';
import { defaultAttributes, numericAttribute, validateAttributes } from './attributes.js';
import { SqsError, injectedError, invalidParameter, queueDoesNotExist } from './errors.js';
import { Queue, decodeReceiptHandle, type StoredMessage } from './queue.js';

/** `conditions.failSqs` fails this service's calls. */
export interface SqsServiceOptions extends ServiceOptions {
  /** How long a deleted queue's name stays refused (QueueDeletedRecently); SQS: 60 s. */
  recreateCooldownMs?: number;
  /** The SenderId SQS records for a caller's access key (default: the key itself). */
  senderIdOf?: (accessKeyId: string | undefined) => string;
}

type Input = Record<string, unknown>;
type Operation = (input: Input, signal: AbortSignal, senderId: string) => Input | Promise<Input>;

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/**
 * SQS over the JSON protocol SDK v3 speaks (POST /, `X-Amz-Target: AmazonSQS.<Op>`), with errors
 * in the query-compatible shape (`__type` plus `x-amzn-query-error`) the SDK maps to its named
 * exceptions. Queue URLs are `{endpoint}/{account}/{name}`.
 */
export class SqsService {
  readonly conditions: SandboxConditions;
  private readonly http: HttpService;
  private readonly queues = new Map<string, Queue>();
  private readonly deletedAt = new Map<string, number>();
  private readonly accountId: string;
  private readonly region: string;
  private readonly operations: Record<string, Operation> = {
    CreateQueue: (input) => this.createQueue(input),
    GetQueueUrl: (input) => ({ QueueUrl: this.byName(requiredString(input, 'QueueName')).url }),
    DeleteQueue: (input) => this.deleteQueue(input),
    ListQueues: (input) => this.listQueues(input),
    GetQueueAttributes: (input) => this.getQueueAttributes(input),
    SetQueueAttributes: (input) => this.setQueueAttributes(input),
    PurgeQueue: (input) => {
      this.byUrl(input).purge();
      return {};
    },
    SendMessage: (input, _signal, senderId) => this.sendMessage(input, senderId),
    ReceiveMessage: (input, signal) => this.receiveMessage(input, signal),
    DeleteMessage: (input) => this.deleteMessage(input),
  };

  constructor(private readonly options: SqsServiceOptions = {}) {
    ({ conditions: this.conditions, accountId: this.accountId, region: this.region } = resolveServiceOptions(options));
    this.http = new HttpService((req, res) => this.handle(req, res), options.port);
  }

  get endpoint(): string {
    return this.http.endpoint;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  async stop(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    for (const queue of queues) queue.close();
    await this.http.stop();
  }

  /** Receives waiting in a long-poll now, across all queues. */
  waitingReceiveCount(): number {
    return [...this.queues.values()].reduce((sum, q) => sum + q.waiterCount, 0);
  }

  /** Names of the queues that exist now (for tests that check nothing is left behind). */
  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const signal = closeSignal(res);
    const raw = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const [service, name = ''] = target.split('.');
    const accessKeyId = accessKeyOf(req);
    const input = parseInput(raw);
    this.options.onRequest?.({ service: 'SQS', operation: name, accessKeyId, ...queueNameIn(input) });
    await this.conditions.delayCall(signal);
    try {
      const operation = this.operations[name];
      if (req.method !== 'POST' || service !== 'AmazonSQS' || !operation) {
        throw new SqsError('InvalidAction', `The sandbox SQS speaks the JSON protocol (POST / with X-Amz-Target AmazonSQS.<Operation>); "${target}" is not an operation it knows.`);
      }
      const injected = this.conditions.sqsFailureFor(name, accessKeyId);
      if (injected) throw injectedError(injected);
      if (input === undefined) throw new SqsError('SerializationException', 'The request body must be a JSON object.');
      const senderId = this.options.senderIdOf?.(accessKeyId) ?? accessKeyId ?? 'anonymous';
      const output = await operation(input, signal, senderId);
      send(res, 200, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId() }, JSON.stringify(output));
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      send(
        res,
        error.status,
        { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId(), 'x-amzn-query-error': error.queryError },
        JSON.stringify({ __type: error.type, message: error.message }),
      );
    }
  }

  private createQueue(input: Input): Input {
    const name = requiredString(input, 'QueueName');
    if (!QUEUE_NAME.test(name)) {
      throw invalidParameter('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    }
    const given = validateAttributes(input.Attributes as Record<string, string> | undefined);
    const existing = this.queues.get(name);
    if (existing) {
      const differing = Object.keys(given).find((key) => existing.attributes[key] !== given[key]);
      if (differing) throw new SqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${differing}`);
      return { QueueUrl: existing.url };
    }
    const deletedAt = this.deletedAt.get(name);
    if (deletedAt !== undefined && Date.now() - deletedAt < (this.options.recreateCooldownMs ?? 60_000)) {
      throw injectedError('QueueDeletedRecently');
    }
    const queue = new Queue(
      name,
      `${this.endpoint}/${this.accountId}/${name}`,
      `arn:aws:sqs:${this.region}:${this.accountId}:${name}`,
      { ...defaultAttributes(), ...given },
    );
    this.queues.set(name, queue);
    return { QueueUrl: queue.url };
  }

  private deleteQueue(input: Input): Input {
    const queue = this.byUrl(input);
    this.queues.delete(queue.name);
    this.deletedAt.set(queue.name, Date.now());
    queue.close();
    return {};
  }

  private listQueues(input: Input): Input {
    const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
    const max = typeof input.MaxResults === 'number' ? input.MaxResults : 1000;
    const start = typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64').toString('utf8')) : 0;
    const urls = [...this.queues.values()].filter((q) => q.name.startsWith(prefix)).map((q) => q.url);
    const page = urls.slice(start, start + max);
    if (page.length === 0) return {};
    const more = typeof input.MaxResults === 'number' && start + max < urls.length;
    return { QueueUrls: page, ...(more ? { NextToken: Buffer.from(String(start + max), 'utf8').toString('base64') } : {}) };
  }

  private getQueueAttributes(input: Input): Input {
    const queue = this.byUrl(input);
    const wanted = Array.isArray(input.AttributeNames) ? (input.AttributeNames as string[]) : [];
    const counts = queue.counts();
    const all: Record<string, string> = {
      ...queue.attributes,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.lastModifiedAt / 1000)),
      QueueArn: queue.arn,
    };
    const unknown = wanted.find((name) => name !== 'All' && !(name in all));
    if (unknown) throw new SqsError('InvalidAttributeName', `Unknown Attribute ${unknown}.`);
    const picked = wanted.includes('All') ? all : Object.fromEntries(wanted.filter((n) => n in all).map((n) => [n, all[n] as string]));
    return Object.keys(picked).length > 0 ? { Attributes: picked } : {};
  }

  private setQueueAttributes(input: Input): Input {
    const queue = this.byUrl(input);
    queue.attributes = { ...queue.attributes, ...validateAttributes(input.Attributes as Record<string, string> | undefined) };
    queue.lastModifiedAt = Date.now();
    return {};
  }

  private sendMessage(input: Input, senderId: string): Input {
    const queue = this.byUrl(input);
    const body = input.MessageBody;
    if (typeof body !== 'string' || body === '') throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    const bad = firstInvalidCodePoint(body);
    if (bad !== undefined) {
      const code = bad.toString(16).toUpperCase();
      throw new SqsError(
        'InvalidMessageContents',
        `Invalid binary character '#x${code}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
      );
    }
    const attributes = input.MessageAttributes as Record<string, unknown> | undefined;
    const size = Buffer.byteLength(body, 'utf8') + (attributes ? Buffer.byteLength(JSON.stringify(attributes), 'utf8') : 0);
    const limit = numericAttribute(queue.attributes, 'MaximumMessageSize');
    if (size > limit) throw invalidParameter(`Message must be shorter than ${limit} bytes.`);
    const delay = typeof input.DelaySeconds === 'number' ? input.DelaySeconds : undefined;
    const message = queue.send(body, delay, senderId, attributes);
    return { MessageId: message.id, MD5OfMessageBody: message.md5 };
  }

  private async receiveMessage(input: Input, signal: AbortSignal): Promise<Input> {
    const queue = this.byUrl(input);
    const max = optionalInt(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
    const wait = optionalInt(input, 'WaitTimeSeconds', 0, 20) ?? numericAttribute(queue.attributes, 'ReceiveMessageWaitTimeSeconds');
    const visibility = optionalInt(input, 'VisibilityTimeout', 0, 43_200);
    const deadline = Date.now() + wait * 1000;
    let messages = queue.receive(max, visibility);
    while (messages.length === 0 && Date.now() < deadline && !signal.aborted && this.queues.get(queue.name) === queue) {
      await queue.waitForMessage(deadline - Date.now(), signal);
      messages = queue.receive(max, visibility);
    }
    if (messages.length === 0) return {};
    const systemNames = [
      ...(Array.isArray(input.AttributeNames) ? (input.AttributeNames as string[]) : []),
      ...(Array.isArray(input.MessageSystemAttributeNames) ? (input.MessageSystemAttributeNames as string[]) : []),
    ];
    return { Messages: messages.map((m) => toWireMessage(m, systemNames)) };
  }

  private deleteMessage(input: Input): Input {
    const queue = this.byUrl(input);
    const handle = requiredString(input, 'ReceiptHandle');
    const decoded = decodeReceiptHandle(handle);
    if (!decoded || decoded.queueName !== queue.name) {
      throw new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
    }
    queue.delete(decoded.messageId, handle);
    return {};
  }

  private byName(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  private byUrl(input: Input): Queue {
    const url = requiredString(input, 'QueueUrl');
    let segments: string[];
    try {
      segments = new URL(url).pathname.split('/').filter(Boolean);
    } catch {
      throw new SqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
    }
    if (segments.length !== 2 || segments[0] !== this.accountId) throw queueDoesNotExist();
    return this.byName(segments[1] as string);
  }
}

function toWireMessage(m: StoredMessage, systemNames: string[]): Input {
  const system: Record<string, string> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
  };
  const all = systemNames.includes('All');
  const attributes = Object.fromEntries(Object.entries(system).filter(([name]) => all || systemNames.includes(name)));
  return {
    MessageId: m.id,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: m.md5,
    Body: m.body,
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(m.messageAttributes ? { MessageAttributes: m.messageAttributes } : {}),
  };
}

/** The first code point SQS refuses in a message body (allowed: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF). */
function firstInvalidCodePoint(body: string): number | undefined {
  for (const char of body) {
    const c = char.codePointAt(0) as number;
    const allowed = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (!allowed) return c;
  }
  return undefined;
}

/** The queue a request names (for request records). */
function queueNameIn(input: Input | undefined): { resource?: string } {
  const name = typeof input?.QueueName === 'string' ? input.QueueName : typeof input?.QueueUrl === 'string' ? input.QueueUrl.split('/').pop() : undefined;
  return name ? { resource: name } : {};
}

/** The request's JSON object (empty body: no parameters), or undefined when the body is not one. */
function parseInput(raw: Buffer): Input | undefined {
  if (raw.length === 0) return {};
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Input;
  } catch {
    // not JSON
  }
  return undefined;
}

function requiredString(input: Input, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') throw new SqsError('MissingParameter', `The request must contain the parameter ${name}.`);
  return value;
}

function optionalInt(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(`${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
}
