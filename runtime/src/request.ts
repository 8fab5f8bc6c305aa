import { gzipSync } from 'node:zlib';
import {
  Attr,
  DYNAMODB_ITEM_LIMIT_BYTES,
  Status,
  WEBSOCKET_MESSAGE_LIMIT_BYTES,
  itemSize,
  type DebuggerRequestMessage,
  type InvocationContextData,
} from '../../protocol/index.js';
import type { RuntimeConfig } from './config.js';
import { PlldbError, PlldbErrorType } from './errors.js';

/** Room left in the item for the debugger's answer and the runtime's bookkeeping attributes. */
const ITEM_SLACK_BYTES = 16 * 1024;

export interface Invocation {
  requestId: string;
  /** The event exactly as the Runtime API sent it. */
  body: string;
  context: InvocationContextData;
}

/** The `Request` JSON: the event is spliced in as sent, so the debugger gets it byte for byte. */
function requestJson(inv: Invocation): string {
  const event = isJson(inv.body) ? inv.body : JSON.stringify(inv.body);
  return `{"event":${event},"context":${JSON.stringify(inv.context)}}`;
}

/**
 * The request item. `Request` is stored gzip-compressed (`RequestGzip`) when the item would not
 * fit DynamoDB's limit otherwise; an event too large even then fails the invocation, saying so.
 */
export function requestItem(
  config: RuntimeConfig,
  inv: Invocation,
  environment: Record<string, string>,
  queueName: string,
  nowMs: number,
): Record<string, unknown> {
  const base = {
    [Attr.RequestId]: inv.requestId,
    [Attr.SessionId]: config.sessionId,
    [Attr.ConnectionId]: config.connectionId,
    // Names only: a value (a database password, an API key) would rest in the table, its stream and its backups.
    [Attr.EnvironmentVariables]: Object.fromEntries(Object.keys(environment).map((name) => [name, ''])),
    [Attr.QueueName]: queueName,
    [Attr.Status]: Status.Pending,
    [Attr.CreatedAt]: Math.round(nowMs),
    [Attr.ExpiresAt]: Math.floor(nowMs / 1000) + config.itemTtlSeconds,
  };
  const limit = DYNAMODB_ITEM_LIMIT_BYTES - ITEM_SLACK_BYTES;
  const json = requestJson(inv);
  const plain = { ...base, [Attr.Request]: json };
  if (itemSize(plain) <= limit) return plain;
  const compressed = { ...base, [Attr.RequestGzip]: gzipSync(json) };
  if (itemSize(compressed) <= limit) return compressed;
  throw new PlldbError(
    `The event is too large to debug with PLLDB: it is ${Buffer.byteLength(inv.body)} bytes, and even compressed the request item would be ${itemSize(compressed)} bytes, over the ${limit} bytes PLLDB can store in DynamoDB (400 KB item limit). Invoke the function with a smaller event while debugging.`,
    PlldbErrorType.TooLarge,
    'event_too_large',
  );
}

/**
 * The PostToConnection payload; the event is left out when the message would pass the WebSocket limit.
 * `observation`: a copy of an invocation the deployed code answers (observe mode).
 */
export function debuggerMessage(config: RuntimeConfig, inv: Invocation, environment: Record<string, string>, observation = false): string {
  const message: DebuggerRequestMessage = {
    type: 'request',
    requestId: inv.requestId,
    sessionId: config.sessionId,
    connectionId: config.connectionId,
    lambdaFunctionName: config.function.name,
    lambdaFunctionVersion: config.function.version,
    event: inv.body,
    eventInline: true,
    environmentVariables: environment,
    invokedFunctionArn: inv.context.invokedFunctionArn,
    deadlineMs: inv.context.deadlineMs,
    handler: config.function.handler,
    runtime: config.function.runtime,
    context: inv.context,
    ...(observation ? { observation: true as const } : {}),
    ...(inv.context.tenantId !== undefined ? { tenantId: inv.context.tenantId } : {}),
  };
  const full = JSON.stringify(message);
  if (Buffer.byteLength(full) <= WEBSOCKET_MESSAGE_LIMIT_BYTES) return full;
  const { event: _event, ...rest } = message;
  return JSON.stringify({ ...rest, eventInline: false });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
