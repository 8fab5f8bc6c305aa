import { Env, REDACTED } from '../../../protocol/index.js';

/**
 * The function's environment as the local handler gets it: redacted credentials are left out
 * so the handler falls back to the developer's own credentials, the wrapper variable (which
 * means nothing here) is dropped, and LAMBDA_TASK_ROOT points at the local code folder.
 */
export function localEnvironment(forwarded: Record<string, string>, codeDir: string): Record<string, string> {
  const env = Object.fromEntries(Object.entries(forwarded).filter(([key, value]) => value !== REDACTED && key !== Env.ExecWrapper));
  return { ...env, LAMBDA_TASK_ROOT: codeDir };
}
