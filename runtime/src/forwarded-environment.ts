import { REDACTED, isCredentialVariable } from '../../protocol/index.js';

/** The function's environment as forwarded to the debugger: credentials redacted unless forwarding is on. */
export function forwardedEnvironment(env: Record<string, string | undefined>, forwardCredentials: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    out[name] = !forwardCredentials && isCredentialVariable(name) ? REDACTED : value;
  }
  return out;
}
