import { DEFAULT_QUEUE_PREFIX, DEFAULT_TABLE_NAME, Env, raiseTimeoutHint, readAttachment } from '../../protocol/index.js';
import { ConfigError } from './errors.js';
import { loadTrafficConfig, type TrafficConfig } from './traffic/config.js';

export interface PollTuning {
  /** Interval of the poll arm while the invocation is young. */
  fastMs: number;
  /** How long the fast interval lasts before it backs off. */
  fastForMs: number;
  /** Ceiling of the backed-off interval. */
  maxMs: number;
  /** Interval while the queue's long-poll is listening: the poll is then only a safety net. */
  withQueueMs: number;
}

export interface RuntimeConfig {
  runtimeApi: string;
  sessionId: string;
  connectionId: string;
  websocketEndpoint: string;
  /** Unset: derived from the account of the invoked function ARN. */
  roleArn?: string;
  tableName: string;
  queuePrefix: string;
  forwardCredentials: boolean;
  /** AWS_REGION: the region of the session policy's connection ARN. */
  region: string;
  /** Role ids whose queue messages are believed (the `$default` route and the relay); empty: none. */
  answerSenderIds: string[];
  poll: PollTuning;
  deadlineMarginMs: number;
  /** How to raise the timeout, naming the command that attached the function (timeout errors end with it). */
  timeoutHint: string;
  itemTtlSeconds: number;
  concurrency: number;
  /** Who answers which invocation: the debugger or the function's deployed code. */
  traffic: TrafficConfig;
  function: {
    name: string;
    version: string;
    memoryMb: string;
    logGroupName: string;
    logStreamName: string;
    handler: string;
    runtime: string;
  };
}

type Environment = Record<string, string | undefined>;

/** Reads and checks the environment; throws ConfigError naming the variable and the expected form. */
export function loadConfig(env: Environment): RuntimeConfig {
  const runtimeApi = env.AWS_LAMBDA_RUNTIME_API;
  if (!runtimeApi) throw new ConfigError('AWS_LAMBDA_RUNTIME_API is not set: the PLLDB runtime runs only inside Lambda (or a Runtime API emulator)');
  const queuePrefix = env[Env.QueuePrefix] ?? DEFAULT_QUEUE_PREFIX;
  if (!/^[A-Za-z0-9_-]{0,40}$/.test(queuePrefix)) {
    throw new ConfigError(`${Env.QueuePrefix} is "${queuePrefix}": use at most 40 letters, digits, "-" or "_" (default "${DEFAULT_QUEUE_PREFIX}")`);
  }
  const roleArn = env[Env.DebuggerRoleArn];
  if (roleArn !== undefined && roleArn !== '' && !/^arn:[\w-]+:iam::\d{12}:role\/.+$/.test(roleArn)) {
    throw new ConfigError(`${Env.DebuggerRoleArn} is "${roleArn}": expected a role ARN such as arn:aws:iam::123456789012:role/PLLDBDebuggerRole`);
  }
  return {
    runtimeApi,
    sessionId: required(env, Env.SessionId),
    connectionId: required(env, Env.ConnectionId),
    websocketEndpoint: websocketEndpoint(env[Env.WebSocketApiEndpoint]),
    ...(roleArn ? { roleArn } : {}),
    tableName: env[Env.TableName] || DEFAULT_TABLE_NAME,
    queuePrefix,
    forwardCredentials: env[Env.ForwardCredentials] === 'true',
    region: env.AWS_REGION ?? '',
    answerSenderIds: (env[Env.AnswerSenderIds] ?? '').split(',').map((id) => id.trim()).filter((id) => id !== ''),
    poll: {
      fastMs: positiveInt(env, Env.PollFastMs, 100),
      fastForMs: positiveInt(env, Env.PollFastForMs, 3000),
      maxMs: positiveInt(env, Env.PollMaxMs, 1000),
      withQueueMs: positiveInt(env, Env.PollWithQueueMs, 2000),
    },
    deadlineMarginMs: positiveInt(env, Env.DeadlineMarginMs, 1000),
    timeoutHint: raiseTimeoutHint(readAttachment(env)?.command),
    itemTtlSeconds: positiveInt(env, Env.ItemTtlSeconds, 86400),
    concurrency: positiveInt(env, 'AWS_LAMBDA_MAX_CONCURRENCY', 1),
    traffic: loadTrafficConfig(env),
    function: {
      name: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
      version: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
      memoryMb: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '',
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
      handler: env._HANDLER ?? '',
      runtime: env.AWS_EXECUTION_ENV ?? '',
    },
  };
}

function required(env: Environment, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set: attach the function with \`plldb attach\`, or remove AWS_LAMBDA_EXEC_WRAPPER to run it normally`);
  return value;
}

function websocketEndpoint(value: string | undefined): string {
  const example = 'https://{api-id}.execute-api.{region}.amazonaws.com/{stage}';
  if (!value) {
    throw new ConfigError(`${Env.WebSocketApiEndpoint} is not set: set it to the WebSocket API's management endpoint, ${example} (\`plldb attach\` does this)`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${Env.WebSocketApiEndpoint} is "${value}", which is not a URL: expected ${example}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${Env.WebSocketApiEndpoint} is "${value}": expected an https URL such as ${example} (not the wss:// client URL)`);
  }
  return value.replace(/\/+$/, '');
}

function positiveInt(env: Environment, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new ConfigError(`${name} is "${raw}": expected a whole number of at least 1 (default ${fallback})`);
  return Number(raw);
}
