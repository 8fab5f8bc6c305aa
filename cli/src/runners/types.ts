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

/**
 * What a local run produced. `timedOut`: the deadline passed first, so the caller already got the
 * runtime's timeout error and nothing is to be sent.
 */
export type Outcome = { ok: true; response: string } | { ok: false; error: LambdaError; timedOut?: true };

/** Runs a function's handler on this machine. */
export interface HandlerRunner {
  run(invocation: Invocation): Promise<Outcome>;
  close(): Promise<void>;
}

/**
 * One execution environment of one function (a worker thread or a process), like a Lambda
 * execution environment: one invocation at a time, its own environment variables and modules.
 */
export interface ExecutionEnvironment {
  /** Runs one invocation: the handler's outcome, or the fault that ended the environment. */
  invoke(invocation: Invocation, env: Record<string, string>): Promise<Outcome>;
  /** True once the environment cannot run another invocation (it exited, crashed or was ended). */
  readonly ended: boolean;
  /** A project source file the handler loaded that changed since, if any (hot reload). */
  changedSource(): string | undefined;
  /** Ends the environment, killing whatever still runs in it. */
  dispose(): Promise<void>;
}

/** A handler that could not be loaded, reported as Lambda reports it (Runtime.ImportModuleError, ...). */
export class InitError extends Error {
  constructor(readonly error: LambdaError) {
    super(error.errorMessage);
  }
}
