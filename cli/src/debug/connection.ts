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
            ws.send(JSON.stringify(message), (err) => (err ? rej(err) : res()));
          }),
        close: () => ws.close(1000, 'plldb debug stopped'),
      });
    });
  });
}
