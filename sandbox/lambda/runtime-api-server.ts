import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Lambda's limit on a synchronous response (6 MB, as the service counts it). */
export const RESPONSE_PAYLOAD_LIMIT_BYTES = 6_291_556;
/** Lambda's limit on an error document posted by a runtime. */
const ERROR_PAYLOAD_LIMIT_BYTES = 1024 * 1024;

const API_PREFIX = '/2018-06-01/runtime/';

/** One invocation as the Runtime API hands it to the runtime. */
export interface RuntimeInvocation {
  requestId: string;
  payload: string;
  timeoutMs: number;
  invokedFunctionArn: string;
  traceId?: string;
  clientContext?: string;
  cognitoIdentity?: string;
  /** The caller's tenant (Invoke's X-Amz-Tenant-Id), for a function with tenant isolation. */
  tenantId?: string;
}

export type RuntimeOutcome = { kind: 'response'; body: string } | { kind: 'error'; errorType?: string; body: string } | { kind: 'too-large' };

/** What the server tells its owner (the function instance). */
export interface RuntimeApiListener {
  /** The runtime called /next (before anything is handed out). */
  onNext?(): void;
  /** The runtime waits on /next with nothing to give it. */
  onReady(): void;
  /** /next handed out an invocation, due at `deadlineMs`. */
  onDelivered(requestId: string, deadlineMs: number): void;
  onOutcome(requestId: string, outcome: RuntimeOutcome): void;
  onInitError(errorType: string | undefined, body: string): void;
}

/**
 * The Lambda Runtime API (2018-06-01) for one execution environment: /next blocks until the owner
 * delivers an invocation; /response and /error answer the one in flight.
 */
export class RuntimeApiServer {
  private readonly server: Server;
  private waitingNext: ServerResponse | undefined;
  private queued: RuntimeInvocation | undefined;
  private inFlight: string | undefined;
  private readonly answered = new Set<string>();
  private initialized = false;
  private port = 0;

  constructor(private readonly listener: RuntimeApiListener) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: Error) => reply(res, 500, { errorType: 'ServiceException', errorMessage: err.message }));
    });
    this.server.keepAliveTimeout = 0;
  }

  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Hands an invocation to the runtime: now if it waits on /next, else at its next call. */
  deliver(invocation: RuntimeInvocation): void {
    if (this.queued || this.inFlight) throw new Error(`runtime API busy: cannot deliver ${invocation.requestId}`);
    this.queued = invocation;
    this.flush();
  }

  async stop(): Promise<void> {
    this.waitingNext?.destroy();
    this.waitingNext = undefined;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith(API_PREFIX)) return notFound(req, res);
    const rest = path.slice(API_PREFIX.length);
    if (rest === 'invocation/next' && req.method === 'GET') return this.next(req, res);
    if (rest === 'init/error' && req.method === 'POST') return this.initError(req, res);
    const match = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
    if (match && req.method === 'POST') return this.answer(req, res, decodeURIComponent(match[1] ?? ''), match[2] as 'response' | 'error');
    return notFound(req, res);
  }

  private next(req: IncomingMessage, res: ServerResponse): void {
    this.listener.onNext?.();
    if (this.inFlight) {
      return reply(res, 403, { errorType: 'InvalidStateTransition', errorMessage: `invocation ${this.inFlight} has no response or error yet` });
    }
    this.initialized = true;
    this.waitingNext?.destroy();
    this.waitingNext = res;
    req.socket.setTimeout(0);
    res.on('close', () => {
      if (this.waitingNext === res) this.waitingNext = undefined;
    });
    if (this.queued) this.flush();
    else this.listener.onReady();
  }

  private flush(): void {
    const res = this.waitingNext;
    const invocation = this.queued;
    if (!res || !invocation) return;
    this.waitingNext = undefined;
    this.queued = undefined;
    this.inFlight = invocation.requestId;
    const deadlineMs = Date.now() + invocation.timeoutMs;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': invocation.requestId,
      'lambda-runtime-deadline-ms': String(deadlineMs),
      'lambda-runtime-invoked-function-arn': invocation.invokedFunctionArn,
      'lambda-runtime-trace-id': invocation.traceId ?? `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${invocation.requestId.replace(/-/g, '').slice(0, 24)};Sampled=0`,
    };
    if (invocation.clientContext) headers['lambda-runtime-client-context'] = invocation.clientContext;
    if (invocation.cognitoIdentity) headers['lambda-runtime-cognito-identity'] = invocation.cognitoIdentity;
    if (invocation.tenantId) headers['lambda-runtime-aws-tenant-id'] = invocation.tenantId;
    res.writeHead(200, headers);
    res.end(invocation.payload);
    this.listener.onDelivered(invocation.requestId, deadlineMs);
  }

  private async answer(req: IncomingMessage, res: ServerResponse, requestId: string, kind: 'response' | 'error'): Promise<void> {
    const body = await readBody(req);
    if (requestId !== this.inFlight) {
      if (this.answered.has(requestId)) {
        return reply(res, 403, { errorType: 'InvalidStateTransition', errorMessage: `invocation ${requestId} is already answered` });
      }
      return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `invalid request id ${requestId}: no such invocation in flight` });
    }
    const limit = kind === 'response' ? RESPONSE_PAYLOAD_LIMIT_BYTES : ERROR_PAYLOAD_LIMIT_BYTES;
    this.inFlight = undefined;
    this.answered.add(requestId);
    if (body.length > limit) {
      this.listener.onOutcome(requestId, { kind: 'too-large' });
      return reply(res, 413, { errorType: 'RequestEntityTooLarge', errorMessage: `Exceeded maximum allowed payload size (${limit} bytes).` });
    }
    const text = body.toString('utf8');
    const outcome: RuntimeOutcome =
      kind === 'response' ? { kind, body: text } : { kind, errorType: header(req, 'lambda-runtime-function-error-type'), body: text };
    reply(res, 202, { status: 'OK' });
    this.listener.onOutcome(requestId, outcome);
  }

  private async initError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.initialized) {
      return reply(res, 403, { errorType: 'InvalidStateTransition', errorMessage: 'init/error after the runtime asked for an invocation' });
    }
    reply(res, 202, { status: 'OK' });
    this.listener.onInitError(header(req, 'lambda-runtime-function-error-type'), body.toString('utf8'));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function notFound(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  reply(res, 404, { errorType: 'NotFound', errorMessage: `no Runtime API route ${req.method ?? ''} ${req.url ?? ''}` });
}
