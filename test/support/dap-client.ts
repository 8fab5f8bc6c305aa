import { connect, type Socket } from 'node:net';

/** A Debug Adapter Protocol message (https://microsoft.github.io/debug-adapter-protocol/specification). */
export interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  success?: boolean;
  message?: string;
  body?: Record<string, unknown>;
  request_seq?: number;
}

/**
 * A small DAP client, as an IDE speaks to debugpy: Content-Length framed JSON over TCP. Requests
 * resolve with their response; events are kept, and `nextEvent` waits for one.
 */
export class DapClient {
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (response: DapMessage) => void>();
  private readonly events: DapMessage[] = [];
  private readonly waiters: { name: string; wake: (event: DapMessage) => void }[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  /** Connects to a debug adapter, trying again while its port is not open yet. */
  static async connect(port: number, host = '127.0.0.1', attempts = 600): Promise<DapClient> {
    for (let attempt = 1; ; attempt++) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(port, host);
          s.once('connect', () => resolve(s)).once('error', reject);
        });
        return new DapClient(socket);
      } catch (err) {
        if (attempt >= attempts) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Sends a request; its response once it arrives (rejected when it failed). */
  request(command: string, args: Record<string, unknown> = {}): Promise<DapMessage> {
    const seq = ++this.seq;
    const text = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.socket.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    return new Promise((resolve, reject) => {
      this.pending.set(seq, (response) => (response.success ? resolve(response) : reject(new Error(`${command}: ${response.message ?? 'failed'}`))));
    });
  }

  /** The first event of that name not taken yet, waiting for it if needed. */
  nextEvent(name: string): Promise<DapMessage> {
    const index = this.events.findIndex((e) => e.event === name);
    if (index >= 0) return Promise.resolve(this.events.splice(index, 1)[0]!);
    return new Promise((wake) => this.waiters.push({ name, wake }));
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.subarray(start, start + length).toString()) as DapMessage;
      this.buffer = this.buffer.subarray(start + length);
      this.dispatch(message);
    }
  }

  private dispatch(message: DapMessage): void {
    if (message.type === 'response') {
      const settle = this.pending.get(message.request_seq!);
      this.pending.delete(message.request_seq!);
      settle?.(message);
    } else if (message.type === 'event') {
      const index = this.waiters.findIndex((w) => w.name === message.event);
      if (index >= 0) this.waiters.splice(index, 1)[0]!.wake(message);
      else this.events.push(message);
    }
  }
}

/**
 * Attaches as VS Code does to a debugpy that listens: initialize, attach, the breakpoints once
 * `initialized` arrives, configurationDone; the attach response comes last.
 */
export async function attachDebugpy(client: DapClient, breakpoints: { path: string; lines: number[] }[]): Promise<void> {
  await client.request('initialize', { clientID: 'plldb-test', adapterID: 'debugpy', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const attached = client.request('attach', { justMyCode: true });
  await client.nextEvent('initialized');
  for (const { path, lines } of breakpoints) {
    await client.request('setBreakpoints', { source: { path }, breakpoints: lines.map((line) => ({ line })) });
  }
  await client.request('configurationDone');
  await attached;
}
