import type { InvocationContextData, LambdaError } from '../../../protocol/index.js';
import type { Outcome } from './types.js';

/** What a Node.js environment's worker thread starts with. */
export interface WorkerSetup {
  /** file: URL of the module to import (the handler's file, or its compiled copy). */
  moduleUrl: string;
  /** The handler setting's module path and export, for messages. */
  modulePath: string;
  exportName: string;
}

export interface InvokeMessage {
  type: 'invoke';
  id: string;
  event: unknown;
  context: InvocationContextData;
  /** The function's variables for this invocation: process.env becomes exactly these. */
  env: Record<string, string>;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: LambdaError }
  | { type: 'result'; id: string; outcome: Outcome }
  /** An uncaught exception or unhandled rejection: the environment is ended. */
  | { type: 'fault'; error: LambdaError }
  /** The handler signalled its own process (process.kill(process.pid, ...), process.abort()): the environment is ended. */
  | { type: 'signal'; signal: string };
