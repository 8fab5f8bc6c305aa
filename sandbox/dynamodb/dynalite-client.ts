import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends DynamoDB JSON-protocol requests to the in-process dynalite, keeping connections alive. */
export class DynaliteClient {
  private readonly agent = new Agent({ keepAlive: true });

  constructor(private readonly endpoint: string) {}

  /** Passes a client's request through unchanged (its own signature headers included). */
  forward(headers: IncomingHttpHeaders, body: Buffer): Promise<RawResponse> {
    const { host: _host, connection: _connection, ...rest } = headers;
    return this.post({ ...rest, 'content-length': String(body.length) }, body);
  }

  /** The front's own calls; dynalite wants a SigV4-looking Authorization but checks no signature. */
  async call(operation: string, input: unknown): Promise<{ status: number; output: Record<string, unknown> }> {
    const body = Buffer.from(JSON.stringify(input), 'utf8');
    const response = await this.post(
      {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        'x-amz-date': new Date().toISOString().replace(/[-:]|\.\d{3}/g, ''),
        authorization: 'AWS4-HMAC-SHA256 Credential=sandbox/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'content-length': String(body.length),
      },
      body,
    );
    return { status: response.status, output: JSON.parse(response.body.toString('utf8') || '{}') as Record<string, unknown> };
  }

  close(): void {
    this.agent.destroy();
  }

  private post(headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<RawResponse> {
    const url = new URL(this.endpoint);
    return new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}
