import type { DebuggerRequestMessage, DebuggerResponseMessage, InvocationContextData, LambdaError, RequestPayload } from '../../../protocol/index.js';
import type { RequestItemReader } from '../aws/request-items.js';
import { runtimeError } from '../runners/lambda-error.js';
import type { RunnerPool } from '../runners/runner-pool.js';
import type { Outcome } from '../runners/types.js';

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
  now?: () => number;
}

/** Runs a request's handler locally and builds the answer message (never throws: failures become error answers). */
export async function handleRequest(msg: DebuggerRequestMessage, deps: RequestHandlerDeps): Promise<{ answer: DebuggerResponseMessage; record: InvocationRecord }> {
  const now = deps.now ?? Date.now;
  const startedAt = new Date(now());
  let outcome: Outcome;
  let event: unknown;
  try {
    const request = await requestPayload(msg, deps.items);
    event = request.event;
    const runner = deps.runners.runnerFor(msg.lambdaFunctionName, msg.runtime);
    outcome = runner
      ? await runner.run({ functionName: msg.lambdaFunctionName, handler: msg.handler, runtime: msg.runtime, event, context: request.context, environment: msg.environmentVariables ?? {} })
      : { ok: false, error: runtimeError('PLLDB.UnsupportedRuntime', `plldb debug runs Node.js and Python handlers locally; ${msg.lambdaFunctionName} uses ${msg.runtime}`) };
  } catch (err) {
    outcome = { ok: false, error: runtimeError('PLLDB.RequestUnreadable', (err as Error).message) };
  }
  return {
    answer: answerMessage(msg.requestId, outcome),
    record: { startedAt, functionName: msg.lambdaFunctionName, requestId: msg.requestId, durationMs: now() - startedAt.getTime(), outcome, event },
  };
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
