import { isCredentialVariable, type InvocationContextData } from '../../../protocol/index.js';

/** A function's configuration as `plldb debug` read it from Lambda (never from a request message). */
export interface TrustedFunctionConfig {
  name: string;
  /** Unqualified function ARN; its region becomes AWS_REGION. */
  arn: string;
  handler: string;
  /** Lambda runtime id, e.g. `nodejs22.x`. */
  runtime: string;
  memorySize: number;
  /** The variables the function has configured, without PLLDB's own. */
  environment: Record<string, string>;
}

/**
 * Variables that steer the interpreter, the loader or the Lambda runtime rather than the handler:
 * never handed to a local handler, even when the function has them configured.
 */
const DENIED: readonly RegExp[] = [
  /^PATH$/,
  /^LD_/,
  /^DYLD_/,
  /^NODE_OPTIONS$/,
  /^NODE_PATH$/,
  /^PYTHONPATH$/,
  /^PYTHONHOME$/,
  /^PYTHONSTARTUP$/,
  /^LAMBDA_/,
  /^AWS_LAMBDA_RUNTIME_API$/,
  /^AWS_LAMBDA_EXEC_WRAPPER$/,
  /^AWS_XRAY_/,
  /^_AWS_XRAY_/,
  /^DEBUGGER_/,
  /^PLLDB_/,
];

export function isDeniedVariable(name: string): boolean {
  return isCredentialVariable(name) || DENIED.some((pattern) => pattern.test(name));
}

/**
 * The environment one function's local handler sees: the variables the function has configured
 * (minus the denied ones) plus the identity variables Lambda defines for every function
 * (configuration-envvars, "Defined runtime environment variables"), computed from the
 * configuration and the invocation's context. Credentials are left out, so the handler uses the
 * developer's own; LAMBDA_TASK_ROOT is the local code folder. A pure function: whatever hosts the
 * handler (a worker, a child process) applies it to that host only.
 */
export function functionEnvironment(fn: TrustedFunctionConfig, context: InvocationContextData, codeDir: string): Record<string, string> {
  const configured = Object.fromEntries(Object.entries(fn.environment).filter(([name]) => !isDeniedVariable(name)));
  const region = fn.arn.split(':')[3] ?? '';
  return {
    ...configured,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: context.functionVersion,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: context.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: context.logStreamName,
    _HANDLER: fn.handler,
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: codeDir,
  };
}
