import type { IncomingHttpHeaders } from 'node:http';
import type { InvocationContextData } from '../../protocol/index.js';
import type { RuntimeConfig } from './config.js';

/** Used when the deadline header is missing: Lambda's longest timeout. */
const LAMBDA_MAX_TIMEOUT_MS = 15 * 60 * 1000;

/** The invocation context from the /next headers; sets `_X_AMZN_TRACE_ID` as Lambda's own runtimes do. */
export function invocationContext(requestId: string, headers: IncomingHttpHeaders, fn: RuntimeConfig['function']): InvocationContextData {
  const traceId = header(headers, 'lambda-runtime-trace-id');
  if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
  else delete process.env._X_AMZN_TRACE_ID;
  const clientContext = parsed(header(headers, 'lambda-runtime-client-context'));
  const identity = parsed(header(headers, 'lambda-runtime-cognito-identity'));
  const tenantId = header(headers, 'lambda-runtime-aws-tenant-id');
  return {
    awsRequestId: requestId,
    invokedFunctionArn: header(headers, 'lambda-runtime-invoked-function-arn') ?? '',
    functionName: fn.name,
    functionVersion: fn.version,
    memoryLimitInMB: fn.memoryMb,
    logGroupName: fn.logGroupName,
    logStreamName: fn.logStreamName,
    deadlineMs: Number(header(headers, 'lambda-runtime-deadline-ms')) || Date.now() + LAMBDA_MAX_TIMEOUT_MS,
    ...(traceId ? { traceId } : {}),
    ...(clientContext !== undefined ? { clientContext } : {}),
    ...(identity !== undefined ? { identity } : {}),
    ...(tenantId ? { tenantId } : {}),
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The Runtime API sends these as JSON; a malformed one is kept as the raw string rather than lost. */
function parsed(value: string | undefined): unknown {
  if (value === undefined || value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
