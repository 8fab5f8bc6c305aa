import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DebuggerResponseMessage } from '../../protocol/index.js';

/** Plays the WebSocket API: whoami, response messages, and what the test tells it to send. */
export class FakeApi {
  readonly server: WebSocketServer;
  readonly sockets = new Map<string, WebSocket>();
  readonly answers: (DebuggerResponseMessage & { from: string })[] = [];
  readonly urls: string[] = [];
  whoamis = 0;
  refuseWith?: number;
  /** How many coming answers fail to store (the API asks for them again). */
  failStores = 0;
  /** Answers refused with this reason (as the route refuses an answer that comes too late). */
  refuseAnswers?: string;
  private count = 0;

  constructor() {
    this.server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (_info, done) => (this.refuseWith ? done(false, this.refuseWith) : done(true)),
    });
    this.server.on('connection', (ws, req) => {
      const id = `conn-${++this.count}`;
      this.urls.push(req.url ?? '');
      this.sockets.set(id, ws);
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as DebuggerResponseMessage | { action: 'whoami' };
        if (msg.action === 'whoami') this.whoamis++;
        if (msg.action === 'whoami') ws.send(JSON.stringify({ type: 'whoami', connectionId: id }));
        if (msg.action === 'response' && this.failStores > 0) {
          this.failStores--;
          ws.send(JSON.stringify({ type: 'error', requestId: msg.requestId, message: 'could not store the answer (ThrottlingException); nothing was stored, send it again', retry: true }));
        } else if (msg.action === 'response' && this.refuseAnswers) {
          ws.send(JSON.stringify({ type: 'error', requestId: msg.requestId, message: this.refuseAnswers }));
        } else if (msg.action === 'response') {
          this.answers.push({ ...msg, from: id });
          ws.send(JSON.stringify({ type: 'response-accepted', requestId: msg.requestId }));
        }
      });
    });
  }

  static async start(): Promise<FakeApi> {
    const api = new FakeApi();
    await once(api.server, 'listening');
    return api;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/prod`;
  }

  send(connectionId: string, message: unknown): void {
    this.sockets.get(connectionId)!.send(JSON.stringify(message));
  }

  close(): Promise<void> {
    for (const ws of this.sockets.values()) ws.terminate();
    return new Promise((r) => this.server.close(() => r()));
  }
}

