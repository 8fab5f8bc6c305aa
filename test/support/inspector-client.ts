import WebSocket from 'ws';

export interface InspectorEvent {
  method: string;
  params: Record<string, unknown>;
}

/**
 * A client of a Node.js inspector (Chrome DevTools protocol over its WebSocket) that debugs the
 * process's worker threads, as VS Code and Chrome DevTools do: each worker waits for it on start;
 * `onWorker` sends its first commands before the worker runs on.
 */
export class InspectorClient {
  readonly workerEvents: InspectorEvent[] = [];
  workerSession?: string;
  private id = 0;

  constructor(private readonly ws: WebSocket, private readonly onWorker: (client: InspectorClient) => void) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { method?: string; params?: Record<string, unknown> };
      if (msg.method === 'NodeWorker.attachedToWorker') {
        this.workerSession = msg.params!.sessionId as string;
        this.onWorker(this);
        this.toWorker('Runtime.runIfWaitingForDebugger');
      }
      if (msg.method === 'NodeWorker.receivedMessageFromWorker') {
        const inner = JSON.parse(msg.params!.message as string) as { method?: string; params: Record<string, unknown> };
        if (inner.method) this.workerEvents.push({ method: inner.method, params: inner.params });
      }
    });
  }

  /** Connects and asks to be attached to every worker (each waits for the debugger on start); by default each gets Debugger.enable. */
  static async connect(url: string, onWorker: (client: InspectorClient) => void = (c) => c.toWorker('Debugger.enable')): Promise<InspectorClient> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const client = new InspectorClient(ws, onWorker);
    client.send('NodeWorker.enable', { waitForDebuggerOnStart: true });
    return client;
  }

  send(method: string, params: unknown = {}): void {
    this.ws.send(JSON.stringify({ id: ++this.id, method, params }));
  }

  toWorker(method: string, params: unknown = {}): void {
    this.send('NodeWorker.sendMessageToWorker', { sessionId: this.workerSession, message: JSON.stringify({ id: ++this.id, method, params }) });
  }

  close(): void {
    this.ws.close();
  }
}
