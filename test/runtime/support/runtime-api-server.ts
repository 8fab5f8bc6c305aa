import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { sendJson, startServer, type TestServer } from './http.js';

export interface PostedResult {
  kind: 'response' | 'error';
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface InvokeOptions {
  requestId?: string;
  deadlineMs?: number;
  headers?: Record<string, string>;
}

/** The Lambda Runtime API, enough of it for a runtime under test: invoke() hands an event to the next /next. */
export class RuntimeApiServer {
  readonly initErrors: PostedResult[] = [];
  /** Epoch ms of each /next request. */
  readonly nextAt: number[] = [];
  readonly requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  private server?: TestServer;
  private readonly waiting: http.ServerResponse[] = [];
  private readonly queued: { body: string; headers: Record<string, string> }[] = [];
  private readonly pending = new Map<string, (r: PostedResult) => void>();
  private initErrorListener?: () => void;

  get address(): string {
    return `127.0.0.1:${this.server?.port}`;
  }

  async start(): Promise<this> {
    this.server = await startServer((req, body, res) => this.route(req, body, res));
    return this;
  }

  invoke(event: string, opts: InvokeOptions = {}): Promise<PostedResult> {
    const requestId = opts.requestId ?? randomUUID();
    const headers = {
      'lambda-runtime-aws-request-id': requestId,
      'lambda-runtime-deadline-ms': String(opts.deadlineMs ?? Date.now() + 30_000),
      'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:123456789012:function:demo',
      'lambda-runtime-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1',
      ...opts.headers,
    };
    const result = new Promise<PostedResult>((resolve) => this.pending.set(requestId, resolve));
    const res = this.waiting.shift();
    if (res) this.sendNext(res, event, headers);
    else this.queued.push({ body: event, headers });
    return result;
  }

  /** Resolves at the first init error posted. */
  initError(): Promise<PostedResult> {
    if (this.initErrors[0]) return Promise.resolve(this.initErrors[0]);
    return new Promise((resolve) => {
      this.initErrorListener = () => resolve(this.initErrors[0] as PostedResult);
    });
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private route(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = req.url ?? '';
    this.requests.push({ method: req.method ?? '', url, headers: req.headers });
    if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      this.nextAt.push(Date.now());
      const item = this.queued.shift();
      if (item) this.sendNext(res, item.body, item.headers);
      else this.waiting.push(res);
      return;
    }
    const posted = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === 'POST' && posted) {
      const requestId = decodeURIComponent(posted[1] as string);
      const resolve = this.pending.get(requestId);
      if (!resolve) return sendJson(res, 400, { errorMessage: 'unknown request id', errorType: 'InvalidRequestID' });
      this.pending.delete(requestId);
      resolve({ kind: posted[2] as 'response' | 'error', body, headers: req.headers });
      return sendJson(res, 202, { status: 'OK' });
    }
    if (req.method === 'POST' && url === '/2018-06-01/runtime/init/error') {
      this.initErrors.push({ kind: 'error', body, headers: req.headers });
      this.initErrorListener?.();
      return sendJson(res, 202, { status: 'OK' });
    }
    sendJson(res, 404, { errorMessage: `no route ${req.method} ${url}` });
  }

  private sendNext(res: http.ServerResponse, body: string, headers: Record<string, string>): void {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }
}
