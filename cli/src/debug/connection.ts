import WebSocket from 'ws';
import type { DebuggerMessage } from '../../../protocol/index.js';
import { CliError } from '../errors.js';

/** An open WebSocket to the debugger API. */
export interface DebuggerConnection {
  send(message: DebuggerMessage): Promise<void>;
  close(): void;
}

export interface ConnectionEvents {
  /** Every message the API sends, as text. */
  onMessage(text: string): void;
  /** The connection closed (by either side, or lost). */
  onClose(code: number, reason: string): void;
}

/** Opens a connection; rejects with a CliError that says what to do when the API refuses. */
export type Connect = (events: ConnectionEvents) => Promise<DebuggerConnection>;

/** API Gateway closes a connection that sends a frame over 32 KB; larger messages go as continuation frames. */
export const MAX_FRAME_BYTES = 32 * 1024;

function sendFragmented(ws: WebSocket, text: string): Promise<void> {
  const data = Buffer.from(text, 'utf8');
  const sends: Promise<void>[] = [];
  for (let offset = 0; offset === 0 || offset < data.length; offset += MAX_FRAME_BYTES) {
    const chunk = data.subarray(offset, offset + MAX_FRAME_BYTES);
    const fin = offset + MAX_FRAME_BYTES >= data.length;
    sends.push(new Promise<void>((res, rej) => ws.send(chunk, { binary: false, fin }, (err) => (err ? rej(err) : res()))));
  }
  return Promise.all(sends).then(() => undefined);
}

/** Opens `url` (already presigned) with `ws`. */
export function openWebSocket(url: string, events: ConnectionEvents): Promise<DebuggerConnection> {
  const where = url.split('?')[0];
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let opened = false;
    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      ws.terminate();
      reject(
        status === 403 || status === 401
          ? new CliError(`the WebSocket API ${where} refused the connection (${status})`, 'use credentials allowed execute-api:Invoke on the PLLDB WebSocket API (check --profile / --region); expired credentials fail the same way')
          : new CliError(`the WebSocket API ${where} answered ${status} instead of opening a connection`, 'check that the helper stack is deployed and healthy (npx cdk deploy)'),
      );
    });
    ws.on('error', (err) => {
      if (!opened) reject(new CliError(`cannot connect to the WebSocket API ${where}: ${err.message}`, 'check your network and that the helper stack is deployed (npx cdk deploy)'));
    });
    ws.on('open', () => {
      opened = true;
      ws.on('message', (data) => events.onMessage(data.toString()));
      ws.on('close', (code, reason) => events.onClose(code, reason.toString()));
      resolve({
        send: (message) =>
          new Promise<void>((res, rej) => {
            if (ws.readyState !== WebSocket.OPEN) return rej(new Error('the WebSocket connection is closed'));
            sendFragmented(ws, JSON.stringify(message)).then(res, rej);
          }),
        close: () => ws.close(1000, 'plldb debug stopped'),
      });
    });
  });
}
