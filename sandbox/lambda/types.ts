/** A function as the sandbox hosts it (the fields CreateFunction would take). */
export interface FunctionDefinition {
  name: string;
  /** Lambda runtime identifier: `nodejs22.x`, `nodejs24.x`, `python3.12`, ... */
  runtime: string;
  /** `file.export` (Node.js) or `module.function` (Python). */
  handler: string;
  /** The function's code: becomes LAMBDA_TASK_ROOT. */
  codeDir: string;
  environment?: Record<string, string>;
  /** Seconds (1-900). Default 3, as Lambda. */
  timeout?: number;
  /** MB (128-10240). Default 128, as Lambda. */
  memorySize?: number;
  architectures?: Architecture[];
  /** Layer version ARNs, in order (later layers overwrite earlier ones under /opt). */
  layers?: string[];
  /** Execution role ARN. Default `arn:aws:iam::{account}:role/{name}-role`. */
  role?: string;
  description?: string;
  /** Runs the function in a VPC without a NAT gateway: AWS's public endpoints are out of its reach. */
  vpc?: VpcSettings;
}

/** A function's VpcConfig, and what its VPC offers. */
export interface VpcSettings {
  subnetIds: string[];
  securityGroupIds: string[];
  /**
   * Interface (or gateway) VPC endpoints with private DNS the VPC has: those services stay reachable;
   * `execute-api` answers 403 to PostToConnection for a public API. Every other endpoint is out of reach.
   */
  endpoints?: VpcEndpointService[];
}

export type VpcEndpointService = 'sts' | 'dynamodb' | 'sqs' | 'execute-api';

export type Architecture = 'x86_64' | 'arm64';

/** What UpdateFunctionConfiguration can change. */
export type FunctionConfigurationPatch = Partial<
  Pick<FunctionDefinition, 'runtime' | 'handler' | 'environment' | 'timeout' | 'memorySize' | 'layers' | 'role' | 'description'>
>;

export interface InvokeOptions {
  invocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  /** `Tail`: the result carries the last 4 KB of the invocation's log, base64. */
  logType?: 'None' | 'Tail';
  /** Base64 JSON, passed to the runtime as Lambda-Runtime-Client-Context. */
  clientContext?: string;
  /** Invoke's X-Amz-Tenant-Id, passed to the runtime as Lambda-Runtime-Aws-Tenant-Id. */
  tenantId?: string;
}

export interface InvokeResult {
  /** 200 (RequestResponse), 202 (Event), 204 (DryRun). */
  statusCode: number;
  /** The function's result or Lambda's error document (empty for Event / DryRun). */
  payload: string;
  functionError?: 'Unhandled';
  /** Base64 log tail, when asked for with logType Tail. */
  logResult?: string;
  requestId: string;
  /** The REPORT line's "Max Memory Used": peak resident memory of the environment's runtime process (MB), where the host can read it. */
  maxMemoryUsedMb?: number;
}

/** Called for every line a function instance writes. */
export type LogHook = (functionName: string, instanceId: string, line: string, stream: 'stdout' | 'stderr') => void;

export interface LogEntry {
  functionName: string;
  instanceId: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface InstanceInfo {
  id: string;
  pid: number | undefined;
  /** The executable started: the exec wrapper (mapped from /opt) or the runtime. */
  command: string | undefined;
  state: InstanceState;
  /** Request id of the invocation it is running, if any. */
  requestId?: string;
}

/** A step of an invocation or an execution environment, stamped with `preciseNow()`. */
export type RuntimeEvent = { functionName: string; at: number } & (
  | { kind: 'queued'; requestId: string }
  | { kind: 'spawned'; instanceId: string; pid: number | undefined }
  /** The runtime called /next. */
  | { kind: 'next'; instanceId: string }
  /** /next handed the invocation to the runtime. */
  | { kind: 'delivered'; instanceId: string; requestId: string }
  /** The runtime posted the invocation's response or error. */
  | { kind: 'answered'; instanceId: string; requestId: string; outcome: 'response' | 'error' | 'too-large' }
);

export type RuntimeEventHook = (event: RuntimeEvent) => void;

export type InstanceState = 'starting' | 'idle' | 'busy' | 'stopping';
