import { gunzipSync } from 'node:zlib';
import type { StatusValue, DeliveredViaValue } from './constants.js';

/** The invocation context the runtime records and forwards to the debugger. */
export interface InvocationContextData {
  awsRequestId: string;
  invokedFunctionArn: string;
  functionName: string;
  functionVersion: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  /** Epoch milliseconds at which Lambda stops the invocation. */
  deadlineMs: number;
  traceId?: string;
  /** Parsed `Lambda-Runtime-Client-Context` header, when present. */
  clientContext?: unknown;
  /** Parsed `Lambda-Runtime-Cognito-Identity` header, when present. */
  identity?: unknown;
  /** `Lambda-Runtime-Aws-Tenant-Id`: the tenant of a function with tenant isolation (handlers see it as context.tenantId / context.tenant_id). */
  tenantId?: string;
}

/** The `Request` attribute: a JSON string of this. */
export interface RequestPayload {
  event: unknown;
  context: InvocationContextData;
}

/** The request item as the runtime writes it (plain object; marshall with @aws-sdk/util-dynamodb). */
export interface RequestItem {
  RequestId: string;
  SessionId: string;
  ConnectionId: string;
  Request: string;
  /** The function's variable names, each mapped to "": values never rest in the table (they travel only in the request message). */
  EnvironmentVariables: Record<string, string>;
  QueueName: string;
  Status: StatusValue;
  CreatedAt: number;
  ExpiresAt: number;
  ResponseCode?: number;
  Response?: string;
  Error?: string;
  DeliveredAt?: number;
  DeliveredVia?: DeliveredViaValue;
}

/** Reads the `Request` JSON from an item, whether stored plain or gzip-compressed. */
export function readRequestJson(item: Record<string, unknown>): string | undefined {
  const plain = item['Request'];
  if (typeof plain === 'string') return plain;
  const gz = item['RequestGzip'];
  if (gz instanceof Uint8Array) return gunzipSync(gz).toString('utf8');
  return undefined;
}
