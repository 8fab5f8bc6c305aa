import type { InvocationContextData } from '../../protocol/index.js';
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
