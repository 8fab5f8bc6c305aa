import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { randomUUID } from 'node:crypto';
import {
  ANSWER_FILTER_PATTERNS,
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_ROLE_NAME,
  DEFAULT_TABLE_NAME,
  EXEC_WRAPPER_PATH,
  Env,
  StackOutput,
} from '../protocol/index.js';
import { DynamoDbService } from './dynamodb/dynamodb-service.js';
import { createPlldbTable } from './dynamodb/plldb-table.js';
import { WebSocketApi } from './apigateway/websocket-api.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_CREDENTIALS, SANDBOX_LAYERS, SANDBOX_REGION, SANDBOX_ROLE_IDS, SANDBOX_STACK_NAME, SANDBOX_USER_ID } from './constants.js';
import { ControlPlaneServer } from './control-plane/control-plane-server.js';
import { EventSourceMapping, type EventSourceMappingStats, type BatchResponse } from './event-source-mapping.js';
import { FunctionHost } from './lambda/function-host.js';
import type { FunctionDefinition, InvokeOptions, InvokeResult, LogEntry, LogHook } from './lambda/types.js';
import { SandboxConditions } from './latency.js';
import { SandboxMetrics, type MetricsSnapshot } from './metrics.js';
import { SqsService } from './sqs/sqs-service.js';
import { StsService } from './sts/sts-service.js';
import { RELAY_FUNCTION_NAME, RELAY_MAPPING, ROUTES_FUNCTION_NAME, invokeSystem, relayFunction, routesFunction } from './system-functions.js';

export interface SandboxOptions {
  /** Delay before every AWS call is answered (e.g. 10 to look like a region). Default 0. */
  callDelayMs?: number;
  /** How long a stream record takes to reach the relay's mapping (e.g. 250). Default 0. */
  streamDelayMs?: number;
  /** How long SQS refuses to re-create a deleted queue's name. Default 60 000, as SQS. */
  queueRecreateCooldownMs?: number;
  /** Execution environments per function at most (your functions). Default 10. */
  concurrency?: number;
  /** Execution environments of the WebSocket route handlers at most. Default 4. */
  routesConcurrency?: number;
  /** Every line any function writes (yours, the relay, the route handlers). */
  onLog?: LogHook;
  /** The sandbox's own structured events (event source mapping failures and discards). */
  log?: (entry: Record<string, unknown>) => void;
  /** Python interpreter for python* functions. Default: the one behind `python3`. */
  pythonCommand?: string;
  /** WebSocket connections close this long after they opened. Default API Gateway's 2 hours; tests shorten it. */
  webSocketMaxConnectionMs?: number;
  /** WebSocket connections that send nothing for this long close. Default API Gateway's 10 minutes. */
  webSocketIdleTimeoutMs?: number;
  /** Fixed ports: DynamoDB on basePort, SQS +1, STS +2, the WebSocket API +3, Lambda/IAM/CloudFormation +4. Default: free ones. */
  basePort?: number;
  /** Layer ARN -> folder, instead of the build's dist/ folders (an installed package assembles the standalone layers). */
  layers?: Record<string, string>;
}

/** Where each stand-in listens. */
export interface SandboxEndpoints {
  dynamodb: string;
  sqs: string;
  sts: string;
  /** Lambda, IAM and CloudFormation share the control plane's endpoint. */
  lambda: string;
  iam: string;
  cloudformation: string;
  /** `ws://127.0.0.1:{port}/{stage}`: where a debugger connects. */
  webSocketUrl: string;
  /** `http://127.0.0.1:{port}/{stage}`: DEBUGGER_WEBSOCKET_API_ENDPOINT. */
  managementEndpoint: string;
}

/** Switches the stream relay's event source mapping off and on (records wait meanwhile, as for a disabled mapping). */
export interface RelayControls {
  stop(): void;
  start(): void;
  readonly running: boolean;
  /** Resolves once every stream record so far has been delivered, filtered out or discarded. */
  whenIdle(): Promise<void>;
  readonly stats: EventSourceMappingStats;
}

/** Switches the `$default` route's fast path (SendMessage to the invocation's queue) off and on: it gets AccessDenied, as without the permission. */
export interface FastPathControls {
  stop(): void;
  start(): void;
}

/** Access key ids of the sandbox's own callers, so request counts can tell them apart. */
const CALLER_KEYS = {
  relay: 'AKIASANDBOXRELAY0000',
  'websocket-routes': 'AKIASANDBOXROUTES000',
  functions: 'AKIASANDBOXFUNCTIONS',
} as const;
const callerCredentials = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: SANDBOX_CREDENTIALS.secretAccessKey });
/** What SQS reports as SenderId for the sandbox's own callers: their execution role's session, named after the function. */
const CALLER_SENDER_IDS: Record<string, string> = {
  [CALLER_KEYS.relay]: `${SANDBOX_ROLE_IDS.relay}:${RELAY_FUNCTION_NAME}`,
  [CALLER_KEYS['websocket-routes']]: `${SANDBOX_ROLE_IDS.routes}:${ROUTES_FUNCTION_NAME}`,
  [CALLER_KEYS.functions]: `${SANDBOX_ROLE_IDS.functions}:sandbox-function`,
};
/** PLLDB_ANSWER_SENDER_IDS / the AnswerSenderIds output: the route handlers' and the relay's role ids. */
const ANSWER_SENDER_IDS = `${SANDBOX_ROLE_IDS.routes},${SANDBOX_ROLE_IDS.relay}`;

/**
 * The whole PLLDB world on 127.0.0.1: DynamoDB with the request table and its stream, SQS, STS,
 * the WebSocket API, the Lambda / IAM / CloudFormation control plane, and a function host. The
 * real relay and route handler bundles run as functions; your functions get the sandbox's
 * endpoints in their environment, so one attached with the layer debugs against the sandbox.
 */
export class Sandbox {
  readonly conditions: SandboxConditions;
  /** Your functions (the control plane's Lambda API serves these). */
  readonly functions: FunctionHost;
  readonly tableName = DEFAULT_TABLE_NAME;
  readonly stackName = SANDBOX_STACK_NAME;
  readonly roleArn = `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/${DEFAULT_ROLE_NAME}`;
  readonly region = SANDBOX_REGION;
  readonly relay: RelayControls;
  readonly fastPath: FastPathControls;
  readonly services: {
    dynamodb: DynamoDbService;
    sqs: SqsService;
    sts: StsService;
    webSocket: WebSocketApi;
    controlPlane: ControlPlaneServer;
  };
  private readonly systemHosts: { relay: FunctionHost; routes: FunctionHost };
  private readonly mapping: EventSourceMapping;
  private readonly metricsCollector: SandboxMetrics;
  /** Variables every function gets (the endpoints), filled in once the services listen. */
  private readonly extraEnv: Record<string, string>;
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(options: SandboxOptions = {}) {
    this.conditions = new SandboxConditions({ callDelayMs: options.callDelayMs ?? 0, streamDelayMs: options.streamDelayMs ?? 0 });
    this.metricsCollector = new SandboxMetrics((key) => this.callerOf(key));
    const common = { conditions: this.conditions, onRequest: this.metricsCollector.recordRequest.bind(this.metricsCollector) };
    const onRuntimeEvent = this.metricsCollector.recordRuntimeEvent.bind(this.metricsCollector);
    const port = (offset: number) => (options.basePort !== undefined ? { port: options.basePort + offset } : {});
    const dynamodb = new DynamoDbService({ ...common, ...port(0) });
    const sqs = new SqsService({ ...common, ...port(1), senderIdOf: (key) => this.senderIdOf(key), ...(options.queueRecreateCooldownMs !== undefined ? { recreateCooldownMs: options.queueRecreateCooldownMs } : {}) });
    const sts = new StsService({ ...common, ...port(2) });
    const hostOptions = { onRuntimeEvent, ...(options.onLog ? { onLog: options.onLog } : {}), ...(options.pythonCommand ? { pythonCommand: options.pythonCommand } : {}) };
    // Endpoints are known only once the services listen: hosts read the environment at each start.
    const extraEnv: Record<string, string> = {};
    this.extraEnv = extraEnv;
    this.functions = new FunctionHost({ ...hostOptions, ...(options.layers ? { layers: options.layers } : {}), extraEnv, credentials: callerCredentials(CALLER_KEYS.functions), maxConcurrency: options.concurrency ?? 10 });
    this.systemHosts = {
      relay: new FunctionHost({ ...hostOptions, extraEnv, credentials: callerCredentials(CALLER_KEYS.relay), maxConcurrency: 1 }),
      routes: new FunctionHost({ ...hostOptions, extraEnv, credentials: callerCredentials(CALLER_KEYS['websocket-routes']), maxConcurrency: options.routesConcurrency ?? 4 }),
    };
    const webSocket = new WebSocketApi({
      ...common,
      ...(options.webSocketMaxConnectionMs !== undefined ? { maxConnectionMs: options.webSocketMaxConnectionMs } : {}),
      ...(options.webSocketIdleTimeoutMs !== undefined ? { idleTimeoutMs: options.webSocketIdleTimeoutMs } : {}),
      ...port(3),
      invokeRoute: (_routeKey, event) => invokeSystem(this.systemHosts.routes, ROUTES_FUNCTION_NAME, event),
    });
    const controlPlane = new ControlPlaneServer({ functions: this.functions, roles: [DEFAULT_ROLE_NAME], conditions: this.conditions, onRequest: common.onRequest, ...port(4) });
    this.services = { dynamodb, sqs, sts, webSocket, controlPlane };
    this.mapping = new EventSourceMapping({
      stream: dynamodb.stream(this.tableName),
      invoke: async (event) => (await invokeSystem(this.systemHosts.relay, RELAY_FUNCTION_NAME, event)) as BatchResponse | undefined,
      filterPatterns: ANSWER_FILTER_PATTERNS,
      ...RELAY_MAPPING,
      conditions: this.conditions,
      ...(options.log ? { log: options.log } : {}),
    });
    const conditions = this.conditions;
    const mapping = this.mapping;
    this.relay = {
      stop: () => conditions.pauseStream(),
      start: () => conditions.resumeStream(),
      get running() {
        return !conditions.streamPaused;
      },
      // A write's stream record is appended just after the write answers: wait for those first.
      whenIdle: async () => {
        await dynamodb.captured();
        await mapping.whenIdle();
      },
      stats: mapping.stats,
    };
    this.fastPath = {
      stop: () => conditions.denySqs(CALLER_KEYS['websocket-routes'], ['SendMessage']),
      start: () => conditions.denySqs(CALLER_KEYS['websocket-routes'], undefined),
    };
  }

  /** Starts every service, creates the table, hosts the relay and route handlers, registers the stack. */
  async start(): Promise<void> {
    if (this.started) throw new Error('this sandbox is already started: create a new one with startSandbox()');
    this.started = true;
    const { dynamodb, sqs, sts, webSocket, controlPlane } = this.services;
    try {
      await Promise.all([dynamodb.start(), sqs.start(), sts.start(), webSocket.start(), controlPlane.start()]);
      Object.assign(this.extraEnv, this.endpointEnv());
      const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: this.region, credentials: { ...SANDBOX_CREDENTIALS } });
      try {
        await createPlldbTable(client, this.tableName);
      } finally {
        client.destroy();
      }
      this.systemHosts.relay.createFunction(relayFunction(this.tableName));
      this.systemHosts.routes.createFunction(routesFunction(this.tableName, webSocket.managementEndpoint));
      controlPlane.cloudFormation.setStack({ stackName: this.stackName, outputs: this.stackOutputs() });
      await this.mapping.start();
      // A warm relay, so the first answer does not pay a cold start.
      await invokeSystem(this.systemHosts.relay, RELAY_FUNCTION_NAME, { Records: [] });
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  get endpoints(): SandboxEndpoints {
    const { dynamodb, sqs, sts, webSocket, controlPlane } = this.services;
    return {
      dynamodb: dynamodb.endpoint,
      sqs: sqs.endpoint,
      sts: sts.endpoint,
      lambda: controlPlane.endpoint,
      iam: controlPlane.endpoint,
      cloudformation: controlPlane.endpoint,
      webSocketUrl: webSocket.url,
      managementEndpoint: webSocket.managementEndpoint,
    };
  }

  /** Everything a client process (CLI, test, benchmark) needs: endpoint overrides, region, dummy credentials. */
  get env(): Record<string, string> {
    return {
      ...this.endpointEnv(),
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
    };
  }

  /** The helper stack's outputs, as DescribeStacks returns them. */
  stackOutputs(): Record<string, string> {
    return {
      [StackOutput.NodeLayerArn]: SANDBOX_LAYERS.node.arn,
      [StackOutput.StandaloneLayerX8664Arn]: SANDBOX_LAYERS.standaloneX8664.arn,
      [StackOutput.StandaloneLayerArm64Arn]: SANDBOX_LAYERS.standaloneArm64.arn,
      [StackOutput.WebSocketUrl]: this.services.webSocket.url,
      [StackOutput.WebSocketManagementEndpoint]: this.services.webSocket.managementEndpoint,
      [StackOutput.DebuggerRoleArn]: this.roleArn,
      [StackOutput.TableName]: this.tableName,
      [StackOutput.QueuePrefix]: DEFAULT_QUEUE_PREFIX,
      [StackOutput.AnswerSenderIds]: ANSWER_SENDER_IDS,
    };
  }

  /** What `plldb attach` sets on a function: the layer's wrapper and the debugger variables for one connection. */
  debugEnvironment(connectionId: string, sessionId: string = randomUUID()): Record<string, string> {
    return {
      [Env.ExecWrapper]: EXEC_WRAPPER_PATH,
      [Env.SessionId]: sessionId,
      [Env.ConnectionId]: connectionId,
      [Env.WebSocketApiEndpoint]: this.services.webSocket.managementEndpoint,
      [Env.AnswerSenderIds]: ANSWER_SENDER_IDS,
    };
  }

  createFunction(def: FunctionDefinition): FunctionConfiguration {
    return this.functions.createFunction(def);
  }

  /** Invokes a function with `event` as JSON. */
  invoke(name: string, event: unknown, options?: InvokeOptions): Promise<InvokeResult> {
    return this.functions.invoke(name, JSON.stringify(event), options);
  }

  /** Invokes a function with a payload exactly as given (for byte-for-byte checks). */
  invokeRaw(name: string, payload: string, options?: InvokeOptions): Promise<InvokeResult> {
    return this.functions.invoke(name, payload, options);
  }

  /** Fault switch: cuts a WebSocket connection without a close frame. */
  dropConnection(connectionId: string): boolean {
    return this.services.webSocket.dropConnection(connectionId);
  }

  /** Names of the queues that exist now. */
  queueNames(): string[] {
    return this.services.sqs.queueNames();
  }

  /** Request counts by API and caller, and the Runtime API's timestamps per invocation, since start or the last reset. */
  metrics(): MetricsSnapshot {
    return this.metricsCollector.snapshot();
  }

  resetMetrics(): void {
    this.metricsCollector.reset();
  }

  /** Lines functions wrote (each host keeps its last 2000): yours, the relay's, the route handlers'; optionally of one function. */
  logs(functionName?: string): LogEntry[] {
    return [this.functions, this.systemHosts.relay, this.systemHosts.routes].flatMap((host) => host.logs(functionName));
  }

  /**
   * Who sent a request, from its access key: 'relay', 'websocket-routes', 'functions' (your
   * functions' own credentials), 'debugger-role' (credentials from AssumeRole on the debugger
   * role), 'assumed-role' (any other role), else 'client'.
   */
  callerOf(accessKeyId: string | undefined): string {
    if (accessKeyId === undefined) return 'anonymous';
    const known = Object.entries(CALLER_KEYS).find(([, key]) => key === accessKeyId)?.[0];
    if (known) return known;
    const session = this.services.sts.sessionArn(accessKeyId);
    if (session) return session.includes(`:assumed-role/${DEFAULT_ROLE_NAME}/`) ? 'debugger-role' : 'assumed-role';
    return 'client';
  }

  /**
   * SQS's SenderId for an access key, as AWS reports it: `{role id}:{session name}` for a role
   * session (the sandbox's own callers, credentials from STS), an IAM user's id otherwise.
   */
  senderIdOf(accessKeyId: string | undefined): string {
    if (accessKeyId === undefined) return 'anonymous';
    return CALLER_SENDER_IDS[accessKeyId] ?? this.services.sts.sessionUserId(accessKeyId) ?? SANDBOX_USER_ID;
  }

  /** Ends every server, function process and timer the sandbox started. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const { dynamodb, sqs, sts, webSocket, controlPlane } = this.services;
    // Your functions first (they call everything), then the mapping and the API whose
    // $disconnect still runs on the route handlers, then the system functions, then the services.
    await this.functions.stop();
    await this.mapping.stop();
    await webSocket.stop();
    await Promise.all([this.systemHosts.relay.stop(), this.systemHosts.routes.stop()]);
    await Promise.all([controlPlane.stop(), sqs.stop(), sts.stop(), dynamodb.stop()]);
  }

  private endpointEnv(): Record<string, string> {
    const { dynamodb, sqs, sts, controlPlane } = this.services;
    return {
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: controlPlane.endpoint,
      AWS_ENDPOINT_URL_IAM: controlPlane.endpoint,
      AWS_ENDPOINT_URL_CLOUDFORMATION: controlPlane.endpoint,
    };
  }
}

/** Starts a sandbox; `stop()` it when done. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = new Sandbox(options);
  await sandbox.start();
  return sandbox;
}
