import type { DebuggerRequestMessage, DebuggerResponseMessage, InvocationContextData, LambdaError, RequestPayload } from '../../../protocol/index.js';
import type { RequestItemReader } from '../aws/request-items.js';
import { functionEnvironment, type TrustedFunctionConfig } from '../runners/environment.js';
import { modulePathInside } from '../runners/handler-ref.js';
import { runtimeError } from '../runners/lambda-error.js';
import type { RunnerPool } from '../runners/runner-pool.js';
import type { Outcome } from '../runners/types.js';
import type { AttachedFunctions } from './attached-functions.js';

/** What happened to one invocation, for the one-line report. */
export interface InvocationRecord {
  startedAt: Date;
  functionName: string;
  requestId: string;
  durationMs: number;
  outcome: Outcome;
  event?: unknown;
}

export interface RequestHandlerDeps {
  runners: Pick<RunnerPool, 'runnerFor'>;
  items: RequestItemReader;
  /** The functions this session attached, with their configuration as read from Lambda. */
  functions: Pick<AttachedFunctions, 'trust'>;
  /** The folder handler settings are relative to (--code). */
  codeDir: string;
  warn(line: string): void;
  now?: () => number;
}

/**
 * Runs a request's handler locally and builds the answer message (never throws: failures become
 * error answers). The handler, runtime and environment come from the function's configuration,
 * never from the message; a request this session does not serve is ignored (undefined) with a warning.
 */
export async function handleRequest(msg: DebuggerRequestMessage, deps: RequestHandlerDeps): Promise<{ answer: DebuggerResponseMessage; record: InvocationRecord } | undefined> {
  const now = deps.now ?? Date.now;
  const trust = await deps.functions.trust(msg);
  if (trust.kind === 'ignore') {
    deps.warn(`ignored request ${msg.requestId}: ${trust.reason}`);
    return undefined;
  }
  const { fn } = trust;
  const startedAt = new Date(now());
  let outcome: Outcome;
  let event: unknown;
  try {
    const request = await requestPayload(msg, deps.items);
    event = request.event;
    outcome = await run(fn, request, deps);
  } catch (err) {
    outcome = { ok: false, error: runtimeError('PLLDB.RequestUnreadable', (err as Error).message) };
  }
  return {
    answer: answerMessage(msg.requestId, outcome),
    record: { startedAt, functionName: fn.name, requestId: msg.requestId, durationMs: now() - startedAt.getTime(), outcome, event },
  };
}

async function run(fn: TrustedFunctionConfig, request: RequestPayload, deps: RequestHandlerDeps): Promise<Outcome> {
  const runner = deps.runners.runnerFor(fn.name, fn.runtime);
  if (!runner) return { ok: false, error: runtimeError('PLLDB.UnsupportedRuntime', `plldb debug runs Node.js and Python handlers locally; ${fn.name} uses ${fn.runtime || 'a container image'}`) };
  try {
    modulePathInside(deps.codeDir, fn.handler);
  } catch (err) {
    deps.warn(`function ${fn.name}: ${(err as Error).message}; not run`);
    return { ok: false, error: runtimeError('PLLDB.HandlerOutsideCode', (err as Error).message) };
  }
  return runner.run({ functionName: fn.name, handler: fn.handler, runtime: fn.runtime, event: request.event, context: request.context, environment: functionEnvironment(fn, request.context, deps.codeDir) });
}

export function answerMessage(requestId: string, outcome: Outcome): DebuggerResponseMessage {
  if (outcome.ok) return { action: 'response', requestId, statusCode: 200, response: outcome.response };
  const { errorMessage, errorType, stackTrace }: LambdaError = outcome.error;
  return { action: 'response', requestId, statusCode: 500, errorMessage, errorType, stackTrace };
}

/** The event and context: inline in the message, or from the item when it was too big to travel inline. */
async function requestPayload(msg: DebuggerRequestMessage, items: RequestItemReader): Promise<RequestPayload> {
  if (msg.eventInline !== false && msg.event !== undefined) {
    return { event: JSON.parse(msg.event) as unknown, context: msg.context ?? contextFromMessage(msg) };
  }
  const json = await items.requestJson(msg.requestId);
  if (json === undefined) throw new Error(`request ${msg.requestId} is not in the table (expired or deleted); its event cannot be read`);
  return JSON.parse(json) as RequestPayload;
}

function contextFromMessage(msg: DebuggerRequestMessage): InvocationContextData {
  return {
    awsRequestId: msg.requestId,
    invokedFunctionArn: msg.invokedFunctionArn,
    functionName: msg.lambdaFunctionName,
    functionVersion: msg.lambdaFunctionVersion,
    memoryLimitInMB: '128',
    logGroupName: `/aws/lambda/${msg.lambdaFunctionName}`,
    logStreamName: '',
    deadlineMs: msg.deadlineMs,
  };
}
