import type { Context } from 'aws-lambda';
import type { InvocationContextData } from '../../../protocol/index.js';

/** The `context` argument a Node.js handler gets, built from the invocation's forwarded context. */
export function nodeContext(data: InvocationContextData, now: () => number = Date.now): Context {
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is not supported by plldb: return a value or throw instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: data.functionName,
    functionVersion: data.functionVersion,
    invokedFunctionArn: data.invokedFunctionArn,
    memoryLimitInMB: data.memoryLimitInMB,
    awsRequestId: data.awsRequestId,
    logGroupName: data.logGroupName,
    logStreamName: data.logStreamName,
    ...(data.identity !== undefined ? { identity: data.identity as Context['identity'] } : {}),
    ...(data.clientContext !== undefined ? { clientContext: data.clientContext as Context['clientContext'] } : {}),
    ...(data.tenantId !== undefined ? { tenantId: data.tenantId } : {}),
    getRemainingTimeInMillis: () => Math.max(0, data.deadlineMs - now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
