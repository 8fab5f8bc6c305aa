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
} as const;

/** The function's own credentials: redacted from the forwarded environment unless forwarding is on. */
export const CREDENTIAL_ENV_VARS: readonly string[] = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
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
} as const;

/** Inline policy `plldb attach` puts on a function's execution role (sts:AssumeRole on the debugger role). */
export const ATTACH_POLICY_NAME = 'PLLDBAssumeDebuggerRole';
