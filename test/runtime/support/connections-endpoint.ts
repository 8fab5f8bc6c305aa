import { sendJson, startServer, type TestServer } from './http.js';

/** A minimal API Gateway management API: PostToConnection on `/{stage}/@connections/{id}`. */
export class ConnectionsEndpoint {
  readonly gone = new Set<string>();
  private server?: TestServer;

  constructor(
    private readonly stage: string,
    /** Called with each message posted to a live connection. */
    private readonly onMessage: (connectionId: string, data: string) => void,
  ) {}

  /** The value for DEBUGGER_WEBSOCKET_API_ENDPOINT. */
  get endpoint(): string {
    return `${this.server?.url}/${this.stage}`;
  }

  async start(): Promise<this> {
    this.server = await startServer((req, body, res) => {
      const match = new RegExp(`^/${this.stage}/@connections/([^/]+)$`).exec(req.url ?? '');
      if (req.method !== 'POST' || !match) return sendJson(res, 404, { message: 'Not Found' });
      const connectionId = decodeURIComponent(match[1] as string);
      if (this.gone.has(connectionId)) return sendJson(res, 410, { message: 'Gone' }, { 'x-amzn-errortype': 'GoneException' });
      sendJson(res, 200, {});
      this.onMessage(connectionId, body);
    });
    return this;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }
}
