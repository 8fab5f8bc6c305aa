import http from 'node:http';
import type { LambdaError } from '../../../protocol/index.js';

const BASE = '/2018-06-01/runtime';
const ERROR_CONTENT_TYPE = 'application/vnd.aws.lambda.error+json';

export interface NextInvocation {
  requestId: string;
  headers: http.IncomingHttpHeaders;
  /** The event exactly as the Runtime API sent it. */
  body: string;
}

/** A Runtime API answer other than the one expected (e.g. 413 for a response over 6 MB). */
export class RuntimeApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    body: string,
  ) {
    super(`Runtime API answered ${status} to ${path}: ${body.slice(0, 500)}`);
    this.name = 'RuntimeApiError';
  }
}

/** The Lambda Runtime API over keep-alive HTTP. No client timeout: Lambda freezes the process during /next. */
export class RuntimeApiClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  private readonly host: string;
  private readonly port: number;

  constructor(endpoint: string) {
    const [host = '127.0.0.1', port = '80'] = endpoint.split(':');
    this.host = host;
    this.port = Number(port);
  }

  /** `onSent` runs once the request is handed to the socket: the wait for an invocation has begun. */
  async next(onSent?: () => void): Promise<NextInvocation> {
    const res = await this.request('GET', `${BASE}/invocation/next`, 200, undefined, {}, onSent);
    const requestId = res.headers['lambda-runtime-aws-request-id'];
    if (typeof requestId !== 'string' || requestId === '') {
      throw new RuntimeApiError(res.status, `${BASE}/invocation/next`, 'no Lambda-Runtime-Aws-Request-Id header');
    }
    return { requestId, headers: res.headers, body: res.body };
  }

  async postResponse(requestId: string, body: string): Promise<void> {
    await this.request('POST', `${BASE}/invocation/${encodeURIComponent(requestId)}/response`, 202, body, { 'content-type': 'application/json' });
  }

  async postError(requestId: string, error: LambdaError): Promise<void> {
    await this.request('POST', `${BASE}/invocation/${encodeURIComponent(requestId)}/error`, 202, JSON.stringify(error), errorHeaders(error));
  }

  async postInitError(error: LambdaError): Promise<void> {
    await this.request('POST', `${BASE}/init/error`, 202, JSON.stringify(error), errorHeaders(error));
  }

  close(): void {
    this.agent.destroy();
  }

  private request(method: string, path: string, expected: number, body?: string, headers: Record<string, string> = {}, onSent?: () => void) {
    return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
      const req = http.request(
        { host: this.host, port: this.port, method, path, agent: this.agent, headers: payload ? { ...headers, 'content-length': payload.length } : headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status !== expected) reject(new RuntimeApiError(status, path, text));
            else resolve({ status, headers: res.headers, body: text });
          });
        },
      );
      req.on('error', reject);
      if (onSent) req.once('finish', onSent);
      req.end(payload);
    });
  }
}

function errorHeaders(error: LambdaError): Record<string, string> {
  return { 'content-type': ERROR_CONTENT_TYPE, 'lambda-runtime-function-error-type': error.errorType };
}
