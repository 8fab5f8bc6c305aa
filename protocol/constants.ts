/**
 * Every name the runtime, relay, stack, CLI and sandbox share (see shared/DESIGN.md).
 * Nothing outside protocol/ spells these strings.
 */

export const DEFAULT_TABLE_NAME = 'PLLDBDebugger';
export const DEFAULT_ROLE_NAME = 'PLLDBDebuggerRole';
export const DEFAULT_WEBSOCKET_API_NAME = 'PLLDBWebSocket';
export const DEFAULT_STACK_NAME = 'PLLDB';
export const DEFAULT_QUEUE_PREFIX = 'plldb-';

/** Sent by the runtime and the CLI on AssumeRole; the role's trust policy requires it. */
export const ROLE_EXTERNAL_ID = 'plldb-debugger';

export const GSI_SESSION_ID = 'GSI-SessionId';
export const GSI_CONNECTION_ID = 'GSI-ConnectionId';

/** Attribute names of the request item. */
export const Attr = {
  RequestId: 'RequestId',
  SessionId: 'SessionId',
  ConnectionId: 'ConnectionId',
  Request: 'Request',
  /** The `Request` JSON gzip-compressed (B), written instead of `Request` when that would not fit the item limit. */
  RequestGzip: 'RequestGzip',
  EnvironmentVariables: 'EnvironmentVariables',
  QueueName: 'QueueName',
  QueueUrl: 'QueueUrl',
  Status: 'Status',
  CreatedAt: 'CreatedAt',
  ExpiresAt: 'ExpiresAt',
  ResponseCode: 'ResponseCode',
  Response: 'Response',
  Error: 'Error',
  DeliveredAt: 'DeliveredAt',
  DeliveredVia: 'DeliveredVia',
  /** Upstream (original Python PLLDB) name for ResponseCode. */
  StatusCode: 'StatusCode',
  /** Upstream (original Python PLLDB) name for Error. */
  ErrorMessage: 'ErrorMessage',
  /** Session item only (protocol/session-item.ts): the connection the session's debugger uses now. */
  CurrentConnectionId: 'CurrentConnectionId',
} as const;
export type AttrName = (typeof Attr)[keyof typeof Attr];

export const Status = {
  Pending: 'PENDING',
  Responded: 'RESPONDED',
  Delivered: 'DELIVERED',
  TimedOut: 'TIMED_OUT',
  Failed: 'FAILED',
} as const;
export type StatusValue = (typeof Status)[keyof typeof Status];

/** Statuses after which nothing more happens to an invocation. */
export const FINISHED_STATUSES: readonly StatusValue[] = [Status.Delivered, Status.TimedOut, Status.Failed];

export const DeliveredVia = {
  Sqs: 'sqs',
  Poll: 'poll',
} as const;
export type DeliveredViaValue = (typeof DeliveredVia)[keyof typeof DeliveredVia];

/** Environment variables (contract and tuning knobs). */
export const Env = {
  SessionId: 'DEBUGGER_SESSION_ID',
  ConnectionId: 'DEBUGGER_CONNECTION_ID',
  WebSocketApiEndpoint: 'DEBUGGER_WEBSOCKET_API_ENDPOINT',
  DebuggerRoleArn: 'PLLDB_DEBUGGER_ROLE_ARN',
  TableName: 'PLLDB_TABLE_NAME',
  QueuePrefix: 'PLLDB_QUEUE_PREFIX',
  ForwardCredentials: 'PLLDB_FORWARD_CREDENTIALS',
  PollFastMs: 'PLLDB_POLL_FAST_MS',
  PollFastForMs: 'PLLDB_POLL_FAST_FOR_MS',
  PollMaxMs: 'PLLDB_POLL_MAX_MS',
  PollWithQueueMs: 'PLLDB_POLL_WITH_QUEUE_MS',
  DeadlineMarginMs: 'PLLDB_DEADLINE_MARGIN_MS',
  ItemTtlSeconds: 'PLLDB_ITEM_TTL_SECONDS',
  ExecWrapper: 'AWS_LAMBDA_EXEC_WRAPPER',
  /** Management endpoint the `$default` route replies through; default: the API the message came in on. */
  WebSocketManagementEndpoint: 'PLLDB_WEBSOCKET_MANAGEMENT_ENDPOINT',
  /** Who answers when the debugger's connection is gone: `error` or `passthrough` (WhenDisconnected). */
  WhenDisconnected: 'PLLDB_WHEN_DISCONNECTED',
  /** EventBridge event pattern: matching invocations go to the debugger, the others to the deployed code. */
  RouteFilter: 'PLLDB_ROUTE_FILTER',
  /** `debug` or `observe` (RuntimeMode). */
  Mode: 'PLLDB_MODE',
  /** Observe mode: at most one copy to the debugger per this many ms per execution environment (0: every one). */
  ObserveSampleMs: 'PLLDB_OBSERVE_SAMPLE_MS',
  /** Pass-through: how often (ms) the runtime checks whether a debugger is connected again. */
  ReconnectCheckMs: 'PLLDB_RECONNECT_CHECK_MS',
  /**
   * Set by attach on the function: JSON AttachmentRecord (protocol/attachment.ts), what PLLDB added and who
   * holds the function, so detach and status work from any machine.
   */
  Attachment: 'PLLDB_ATTACHMENT',
  /**
   * Comma-separated IAM role ids (`AROA...`) of the `$default` route handler and the relay: the
   * only senders whose queue messages the runtime believes (SQS reports `SenderId` as
   * `{role id}:{session name}` for a role). Unset: every queue message only prompts a read of the item.
   */
  AnswerSenderIds: 'PLLDB_ANSWER_SENDER_IDS',
} as const;

/** Values of PLLDB_WHEN_DISCONNECTED. */
export const WhenDisconnected = {
  Error: 'error',
  Passthrough: 'passthrough',
} as const;
export type WhenDisconnectedValue = (typeof WhenDisconnected)[keyof typeof WhenDisconnected];

/** Values of PLLDB_MODE. */
export const RuntimeMode = {
  Debug: 'debug',
  Observe: 'observe',
} as const;
export type RuntimeModeValue = (typeof RuntimeMode)[keyof typeof RuntimeMode];

export const DEFAULT_OBSERVE_SAMPLE_MS = 1000;

/** The traffic-control variables `plldb attach` may set (and `plldb detach` removes). */
export const TRAFFIC_ENV_VARS: readonly string[] = [Env.WhenDisconnected, Env.RouteFilter, Env.Mode, Env.ObserveSampleMs];

/** The function's own credentials: redacted from the forwarded environment unless forwarding is on. */
export const CREDENTIAL_ENV_VARS: readonly string[] = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
/** Variable names that carry credentials (CREDENTIAL_ENV_VARS and their kin, e.g. the container credentials endpoint). */
const CREDENTIAL_ENV_PATTERNS: readonly RegExp[] = [/^AWS_.*ACCESS_KEY/, /^AWS_SECRET/, /^AWS_SESSION_TOKEN$/, /^AWS_SECURITY_TOKEN$/, /^AWS_CONTAINER_/];
export function isCredentialVariable(name: string): boolean {
  return CREDENTIAL_ENV_PATTERNS.some((pattern) => pattern.test(name));
}
export const REDACTED = '[redacted by PLLDB; set PLLDB_FORWARD_CREDENTIALS=true to forward]';

/**
 * The wrapper moves variables that load code into Node.js (NODE_OPTIONS, NODE_REPL_EXTERNAL_MODULE)
 * to this prefix + their name before it starts PLLDB's runtime, which puts them back at start
 * (runtime/bin/bootstrap spells the same prefix: a shell script cannot import it).
 */
export const HELD_ENV_PREFIX = 'PLLDB_HELD_';

/** Where the layer puts the wrapper; the value of AWS_LAMBDA_EXEC_WRAPPER. */
export const EXEC_WRAPPER_PATH = '/opt/bin/bootstrap';

/** API Gateway WebSocket: PostToConnection payload limit (128 KB). */
export const WEBSOCKET_MESSAGE_LIMIT_BYTES = 128 * 1024;
/** The per-invocation queue's MaximumMessageSize, set explicitly at CreateQueue. */
export const QUEUE_MAX_MESSAGE_BYTES = 256 * 1024;
/** DynamoDB's item size limit. */
export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;
/** SQS queue names: 1-80 characters of [A-Za-z0-9_-]. */
export const QUEUE_NAME_MAX_LENGTH = 80;
/** Long-poll wait of the SQS arm (the SQS maximum). */
export const SQS_WAIT_TIME_SECONDS = 20;

/** errorType the caller sees when the debugger's error is a plain message. */
export const DEBUGGER_ERROR_TYPE = 'DebuggerError';
/** errorType the caller sees when the debugger disconnects while the invocation waits. */
export const DEBUGGER_DISCONNECTED_ERROR_TYPE = 'PLLDB.DebuggerDisconnected';
/** errorType the caller sees when the debugger's answer does not fit the request item (DynamoDB's 400 KB). */
export const RESULT_TOO_LARGE_ERROR_TYPE = 'PLLDB.ResultTooLarge';
/** errorType for answers PLLDB cannot read (wrong attribute types from a foreign writer). */
export const INVALID_ANSWER_ERROR_TYPE = 'PLLDBInvalidAnswer';

/** CloudFormation output keys of the helper stack; the CLI finds everything through these. */
export const StackOutput = {
  NodeLayerArn: 'NodeLayerArn',
  StandaloneLayerX8664Arn: 'StandaloneLayerX8664Arn',
  StandaloneLayerArm64Arn: 'StandaloneLayerArm64Arn',
  WebSocketUrl: 'WebSocketUrl',
  WebSocketManagementEndpoint: 'WebSocketManagementEndpoint',
  DebuggerRoleArn: 'DebuggerRoleArn',
  TableName: 'TableName',
  QueuePrefix: 'QueuePrefix',
  /** Env.AnswerSenderIds's value: the role ids of the `$default` route handler and the relay. */
  AnswerSenderIds: 'AnswerSenderIds',
} as const;

/** Inline policy `plldb attach` puts on a function's execution role (sts:AssumeRole on the debugger role). */
export const ATTACH_POLICY_NAME = 'PLLDBAssumeDebuggerRole';

/**
 * Tag attach puts on a function's execution role while any function using that role is attached (the last
 * detach removes it); the debugger role's trust policy admits only principals carrying it.
 */
export const ATTACHED_ROLE_TAG = { key: 'plldb:attached', value: 'true' } as const;

/**
 * What each index projects besides its keys: only what its queries read (`$disconnect` filters
 * GSI-ConnectionId on Status and reads SessionId; `plldb debug`'s connection switch filters
 * GSI-SessionId on Status and ConnectionId), so no request or environment is copied into an index.
 */
export const GSI_PROJECTED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  [GSI_SESSION_ID]: [Attr.Status, Attr.ConnectionId],
  [GSI_CONNECTION_ID]: [Attr.Status, Attr.SessionId],
};
