import type { LambdaError } from '../../../protocol/index.js';
import { runtimeError } from './lambda-error.js';

/**
 * How Lambda reports an invocation whose runtime process ended under it (process.exit, a crash,
 * the out-of-memory kill): `Runtime.ExitError`, "RequestId: ... Error: Runtime exited with error: exit status 1".
 */
export function exitError(requestId: string | undefined, how: string, why?: string): LambdaError {
  return runtimeError('Runtime.ExitError', `RequestId: ${requestId ?? '-'} Error: Runtime exited with error: ${how}${why ? ` (${why})` : ''}`);
}
