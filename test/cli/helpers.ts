import type { DebuggerRequestMessage, InvocationContextData } from '../../protocol/index.js';
import type { Invocation } from '../../cli/src/runners/types.js';

export function contextData(requestId: string, overrides: Partial<InvocationContextData> = {}): InvocationContextData {
  return {
    awsRequestId: requestId,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:demo',
    functionName: 'demo',
    functionVersion: '$LATEST',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/demo',
    logStreamName: 'stream',
    deadlineMs: Date.now() + 60_000,
    ...overrides,
  };
}

export function invocation(handler: string, event: unknown, requestId = 'req-1', environment: Record<string, string> = {}): Invocation {
  return { functionName: 'demo', handler, runtime: 'python3.12', event, context: contextData(requestId), environment };
}

/** A request message as the runtime sends it (Python runtimes go to `py-fn`, others to `node-fn`). */
export function request(requestId: string, handler: string, runtime: string, event: unknown, extra: Partial<DebuggerRequestMessage> = {}): DebuggerRequestMessage {
  return {
    type: 'request',
    requestId,
    sessionId: 'session-x',
    connectionId: 'conn-1',
    lambdaFunctionName: runtime.startsWith('python') ? 'py-fn' : 'node-fn',
    lambdaFunctionVersion: '$LATEST',
    event: JSON.stringify(event),
    eventInline: true,
    environmentVariables: { GREETING: 'from the function' },
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
    deadlineMs: Date.now() + 60_000,
    handler,
    runtime,
    context: contextData(requestId),
    ...extra,
  };
}

/** Resolves with the probe's value once it is truthy. */
export async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 5));
  }
}
