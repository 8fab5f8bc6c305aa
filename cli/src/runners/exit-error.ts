import type { LambdaError } from '../../../protocol/index.js';
import { runtimeError } from './lambda-error.js';

/**
 * How Lambda reports an invocation whose runtime process ended under it (process.exit, a crash,
 * the out-of-memory kill): `Runtime.ExitError`, "RequestId: ... Error: Runtime exited with error: exit status 1".
 */
export function exitError(requestId: string | undefined, how: string, why?: string): LambdaError {
  return runtimeError('Runtime.ExitError', `RequestId: ${requestId ?? '-'} Error: Runtime exited with error: ${how}${why ? ` (${why})` : ''}`);
}

/** Lambda's words for a runtime ended by a signal (its runtime manager prints Go's: "signal: killed", "signal: segmentation fault"). */
const SIGNAL_WORDS: Record<string, string> = {
  SIGHUP: 'hangup',
  SIGINT: 'interrupt',
  SIGQUIT: 'quit',
  SIGILL: 'illegal instruction',
  SIGTRAP: 'trace/breakpoint trap',
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGKILL: 'killed',
  SIGUSR1: 'user defined signal 1',
  SIGSEGV: 'segmentation fault',
  SIGUSR2: 'user defined signal 2',
  SIGPIPE: 'broken pipe',
  SIGALRM: 'alarm clock',
  SIGTERM: 'terminated',
};

/** "signal: killed" for SIGKILL, as `exitError`'s `how`. */
export function signalExit(signal: string): string {
  return `signal: ${SIGNAL_WORDS[signal] ?? signal}`;
}
