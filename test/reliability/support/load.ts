import { randomUUID } from 'node:crypto';
import type { InvokeResult } from '../../../sandbox/index.js';
import type { Rig } from './rig.js';

export interface LoadOptions {
  invocations: number;
  /** Callers at once (Lambda's concurrency: one per environment). */
  concurrency: number;
  /** Called after every completed invocation (e.g. to sample memory). */
  onProgress?: (done: number) => void;
  /** Every invocation's result as the caller got it. */
  onResult?: (result: InvokeResult) => void;
}

export interface LoadResult {
  invocations: number;
  /** The caller got the echo of its own event. */
  delivered: number;
  /** The caller got an answer meant for another invocation. */
  wrongAnswers: number;
  /** The caller got an error (function error or a thrown invoke). */
  errors: number;
  /** Error messages seen, with counts (for the figures). */
  errorMessages: Record<string, number>;
  durationMs: number;
  /** Per invocation latency, ms, sorted. */
  latenciesMs: number[];
}

/**
 * Invokes `name` `invocations` times, `concurrency` callers at once, each with a unique event, and
 * checks each caller got exactly its own echo back (the scripted debugger echoes the event).
 */
export async function runLoad(rig: Rig, name: string, { invocations, concurrency, onProgress, onResult }: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { invocations, delivered: 0, wrongAnswers: 0, errors: 0, errorMessages: {}, durationMs: 0, latenciesMs: [] };
  const started = Date.now();
  let next = 0;
  let done = 0;
  const caller = async (): Promise<void> => {
    while (next < invocations) {
      const token = `${next++}-${randomUUID()}`;
      const t0 = Date.now();
      let outcome: InvokeResult | Error;
      try {
        outcome = await rig.invoke(name, { token });
      } catch (err) {
        outcome = err as Error;
      }
      result.latenciesMs.push(Date.now() - t0);
      if (!(outcome instanceof Error)) onResult?.(outcome);
      classify(result, token, outcome);
      onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  result.durationMs = Date.now() - started;
  result.latenciesMs.sort((a, b) => a - b);
  return result;
}

function classify(result: LoadResult, token: string, outcome: InvokeResult | Error): void {
  if (outcome instanceof Error || outcome.functionError) {
    result.errors += 1;
    const message = outcome instanceof Error ? outcome.message : errorMessageOf(outcome.payload);
    result.errorMessages[message] = (result.errorMessages[message] ?? 0) + 1;
    return;
  }
  const echo = (JSON.parse(outcome.payload) as { echo?: { token?: string } }).echo;
  if (echo?.token === token) result.delivered += 1;
  else result.wrongAnswers += 1;
}

/** A Lambda error document's message, shortened to its first sentence for counting. */
export function errorMessageOf(payload: string): string {
  try {
    const doc = JSON.parse(payload) as { errorType?: string; errorMessage?: string };
    return `${doc.errorType}: ${(doc.errorMessage ?? '').split(/[.:]\s/)[0]}`;
  } catch {
    return payload.slice(0, 120);
  }
}

/** The latency at a percentile of a sorted list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
