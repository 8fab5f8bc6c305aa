import type { DebuggerResponseMessage } from '../../../protocol/index.js';
import type { InvocationRecord } from './request-handler.js';

/**
 * What became of an answer: the API stored it, refused it (the reason), no answer was sent because
 * the deadline passed, or none was due (observe mode: the deployed code answered the caller).
 */
export type AnswerFate = { kind: 'accepted' } | { kind: 'refused'; reason: string } | { kind: 'unconfirmed' } | { kind: 'timed-out' } | { kind: 'observed' };

/** Longest error message on the one line (the whole error with --verbose). */
const MAX_MESSAGE = 160;

/**
 * `12:01:02  my-fn  <request id>  123 ms  ok` (or `error <type>: <message>`, `timed out ...`,
 * `refused ...`; an observation: `observed  123 ms  ok (answer discarded)`): one line whatever the
 * error's shape; verbose adds the event, the answer and the whole error.
 */
export function formatInvocation(record: InvocationRecord, answer: DebuggerResponseMessage | undefined, verbose: boolean, fate: AnswerFate = { kind: 'accepted' }): string[] {
  const time = record.startedAt.toISOString().slice(11, 19);
  const { outcome } = record;
  const result = outcome.ok ? 'ok' : `error ${oneLine(outcome.error.errorType, 60)}: ${oneLine(outcome.error.errorMessage, MAX_MESSAGE)}`;
  const ms = `${Math.round(record.durationMs)} ms`;
  const lines = [
    fate.kind === 'observed'
      ? `${time}  ${record.functionName}  ${record.requestId}  observed  ${ms}  ${result} (answer discarded)`
      : `${time}  ${record.functionName}  ${record.requestId}  ${ms}  ${describeFate(fate, result)}`,
  ];
  if (verbose) {
    lines.push(`  event:  ${JSON.stringify(record.event)}`);
    if (answer) lines.push(`  answer: ${JSON.stringify(answer)}`);
    if (!outcome.ok) lines.push(...[outcome.error.errorMessage, ...outcome.error.stackTrace].join('\n').split('\n').map((l) => `  | ${l}`));
  }
  return lines;
}

function describeFate(fate: Exclude<AnswerFate, { kind: 'observed' }>, result: string): string {
  switch (fate.kind) {
    case 'accepted':
      return result;
    case 'unconfirmed':
      return `${result} (sent; the API did not confirm it)`;
    case 'refused':
      return `refused: the function did not get this answer (${result}): ${oneLine(fate.reason, MAX_MESSAGE)}`;
    case 'timed-out':
      return `timed out: the deadline passed first, so the caller got the runtime's timeout error; the environment is recycled when the handler returns`;
  }
}

/** A message on one line: line breaks become ` | `, and a long one is cut (with its length). */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s*\r?\n\s*/g, ' | ');
  return flat.length <= max ? flat : `${flat.slice(0, max)}... (${flat.length} characters; --verbose shows all)`;
}
