import type { InvocationContextData, LambdaError } from '../../../protocol/index.js';

/** One invocation to run locally. */
export interface Invocation {
  functionName: string;
  /** The function's handler setting, e.g. `index.handler` or `app.lambda_handler`. */
  handler: string;
  runtime: string;
  event: unknown;
  context: InvocationContextData;
  /** The environment the handler sees, from functionEnvironment (the function's configuration, never a request message). */
  environment: Record<string, string>;
}

export type Outcome = { ok: true; response: string } | { ok: false; error: LambdaError };

/** Runs a function's handler on this machine. */
export interface HandlerRunner {
  run(invocation: Invocation): Promise<Outcome>;
  close(): Promise<void>;
}
