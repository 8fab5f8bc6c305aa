import { Env } from '../../../protocol/index.js';

/**
 * The function's original environment for its own runtime: what Lambda gave the wrapper, with
 * NODE_OPTIONS restored (the wrapper keeps it aside so PLLDB's own Node.js does not take it) and the
 * Runtime API pointed at PLLDB's proxy. `_X_AMZN_TRACE_ID` is per invocation: the runtime sets its own.
 */
export function deployedEnvironment(env: Record<string, string | undefined>, proxyEndpoint: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  delete out._X_AMZN_TRACE_ID;
  delete out[Env.FunctionNodeOptions];
  const nodeOptions = env[Env.FunctionNodeOptions];
  if (nodeOptions !== undefined) out.NODE_OPTIONS = nodeOptions;
  out.AWS_LAMBDA_RUNTIME_API = proxyEndpoint;
  return out;
}
