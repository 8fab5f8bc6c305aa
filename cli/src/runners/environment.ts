import { Env, REDACTED } from '../../../protocol/index.js';

/**
 * The function's environment as the local handler gets it: redacted credentials are left out
 * so the handler falls back to the developer's own credentials, and the wrapper variable,
 * which means nothing here, is dropped.
 */
export function localEnvironment(forwarded: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(forwarded).filter(([key, value]) => value !== REDACTED && key !== Env.ExecWrapper));
}
