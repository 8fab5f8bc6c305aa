import type { DebuggerResponseMessage } from '../../../protocol/index.js';
import type { InvocationRecord } from './request-handler.js';

/**
 * `12:01:02  my-fn  <request id>  123 ms  ok` (or `error <type>: <message>`), plus event and answer when verbose.
 * An observation (observe mode: the deployed code answered the caller) says so: `observed ... (answer discarded)`.
 */
export function formatInvocation(record: InvocationRecord, answer: DebuggerResponseMessage, verbose: boolean, observation = false): string[] {
  const time = record.startedAt.toISOString().slice(11, 19);
  const result = record.outcome.ok ? 'ok' : `error ${record.outcome.error.errorType}: ${record.outcome.error.errorMessage}`;
  const lines = [
    observation
      ? `${time}  ${record.functionName}  ${record.requestId}  observed  ${Math.round(record.durationMs)} ms  ${result} (answer discarded)`
      : `${time}  ${record.functionName}  ${record.requestId}  ${Math.round(record.durationMs)} ms  ${result}`,
  ];
  if (verbose) {
    lines.push(`  event:  ${JSON.stringify(record.event)}`);
    lines.push(`  answer: ${JSON.stringify(answer)}`);
  }
  return lines;
}
