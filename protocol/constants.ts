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
  /**
   * Comma-separated IAM role ids (`AROA...`) of the `$default` route handler and the relay: the
   * only senders whose queue messages the runtime believes (SQS reports `SenderId` as
   * `{role id}:{session name}` for a role). Unset: every queue message only prompts a read of the item.
   */
  AnswerSenderIds: 'PLLDB_ANSWER_SENDER_IDS',
} as const;

/** The function's own credentials: redacted from the forwarded environment unless forwarding is on. */
export const CREDENTIAL_ENV_VARS: readonly string[] = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
/** Variable names that carry credentials (CREDENTIAL_ENV_VARS and their kin, e.g. the container credentials endpoint). */
const CREDENTIAL_ENV_PATTERNS: readonly RegExp[] = [/^AWS_.*ACCESS_KEY/, /^AWS_SECRET/, /^AWS_SESSION_TOKEN$/, /^AWS_SECURITY_TOKEN$/, /^AWS_CONTAINER_/];
export function isCredentialVariable(name: string): boolean {
  return CREDENTIAL_ENV_PATTERNS.some((pattern) => pattern.test(name));
}
export const REDACTED = '[redacted by PLLDB; set PLLDB_FORWARD_CREDENTIALS=true to forward]';

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
 * Tag `plldb attach` keeps on an execution role while any function using that role is attached;
 * the debugger role's trust policy admits only principals carrying it (aws:PrincipalTag).
 */
export const ATTACHED_ROLE_TAG = { key: 'plldb:attached', value: 'true' } as const;

/**
 * What each index projects besides its keys: only what its queries read (`$disconnect` filters
 * GSI-ConnectionId on Status), so no request or environment is copied into an index.
 */
export const GSI_PROJECTED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  [GSI_SESSION_ID]: [],
  [GSI_CONNECTION_ID]: [Attr.Status],
};
