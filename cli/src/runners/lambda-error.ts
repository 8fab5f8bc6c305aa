import type { LambdaError } from '../../../protocol/index.js';

/** A thrown value as Lambda's Node.js runtime reports it (errorType, errorMessage, stack lines). */
export function toLambdaError(thrown: unknown): LambdaError {
  if (thrown instanceof Error) {
    return { errorType: thrown.name || thrown.constructor.name, errorMessage: thrown.message, stackTrace: (thrown.stack ?? '').split('\n') };
  }
  return { errorType: typeof thrown, errorMessage: String(thrown), stackTrace: [] };
}

export function runtimeError(errorType: string, errorMessage: string): LambdaError {
  return { errorType, errorMessage, stackTrace: [] };
}
