/**
 * The function's original environment for its own runtime: what Lambda gave the wrapper (the variables
 * the wrapper held aside, NODE_OPTIONS included, are back since start: held-environment.ts), with the
 * Runtime API pointed at PLLDB's proxy. `_X_AMZN_TRACE_ID` is per invocation: the runtime sets its own.
 */
export function deployedEnvironment(env: Record<string, string | undefined>, proxyEndpoint: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  delete out._X_AMZN_TRACE_ID;
  out.AWS_LAMBDA_RUNTIME_API = proxyEndpoint;
  return out;
}
