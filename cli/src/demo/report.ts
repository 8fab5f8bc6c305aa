import type { LatencyRow } from './breakdown.js';

/** Lays out rows of cells in columns, left-aligned, two spaces apart. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export function ms(value: number | undefined): string {
  if (value === undefined) return '?';
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const DELIVERY_NOTES: Record<string, string> = { item: ' (written to the item)', 'too-large': ' (too large)' };

/** The invocation table: result and latency breakdown per invocation. */
export function invocationTable(rows: LatencyRow[]): string[] {
  return table(
    ['#', 'function', 'event', 'result', 'to debugger', 'handler', 'answer pickup', 'arm', 'queue fed by'],
    rows.map((row, i) => [
      String(i + 1),
      row.trace.functionName,
      clip(JSON.stringify(row.trace.event), 16),
      clip(`${row.trace.ok ? 'ok' : 'error'}  ${row.trace.summary}`, 46),
      `${ms(row.toDebuggerMs)}${row.coldStartMs !== undefined ? ` (cold start ${ms(row.coldStartMs)})` : ''}`,
      `${ms(row.handlerMs)}${DELIVERY_NOTES[row.trace.delivery ?? ''] ?? ''}`,
      ms(row.pickupMs),
      row.trace.arm ?? '?',
      row.queueFedBy ?? '-',
    ]),
  );
}

function counts(values: string[]): string {
  const tally = new Map<string, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  return [...tally].map(([value, n]) => `${value} ${n}`).join(', ');
}

function median(values: number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? undefined : sorted[Math.floor((sorted.length - 1) / 2)];
}

/** One line that sums the table up: arms, feeders, and the warm invocations' median latencies. */
export function summary(rows: LatencyRow[]): string {
  const warm = rows.filter((r) => r.coldStartMs === undefined);
  const defined = (values: (number | undefined)[]) => values.filter((v): v is number => v !== undefined);
  return [
    `arm: ${counts(rows.map((r) => r.trace.arm ?? '?'))}`,
    `queue fed by: ${counts(rows.flatMap((r) => (r.queueFedBy ? [r.queueFedBy] : []))) || 'none'}`,
    `warm invocations (median): to debugger ${ms(median(defined(warm.map((r) => r.toDebuggerMs))))}, answer pickup ${ms(median(defined(warm.map((r) => r.pickupMs))))}`,
  ].join('; ');
}

export const HEADER = [
  'PLLDB demo: two Lambda functions debugged from this machine, against a local sandbox (no AWS account used)',
  '',
  '  1. A sandbox starts on 127.0.0.1: DynamoDB (the request table and its stream), SQS, STS, the WebSocket API,',
  '     Lambda / IAM / CloudFormation, and the real stream relay and WebSocket route handlers built by npm run build.',
  '  2. Two sample functions from examples/ are created: a Python one and a Node.js one.',
  '  3. plldb debug (here, in this process) connects to the WebSocket API and attaches both functions: the PLLDB',
  '     layer, AWS_LAMBDA_EXEC_WRAPPER and the debugger variables (what plldb attach does).',
  '  4. Each function is invoked a few times. Its layer hands each invocation to plldb debug, which runs the',
  '     handler from examples/ locally (Node.js in this process, Python in a python3 subprocess) and answers.',
  '  5. plldb debug stops and detaches; the functions must be back to their configuration from before.',
  '',
];

export const LEGEND = [
  'to debugger    Invoke -> plldb debug received the request message (a cold start includes starting the environment)',
  'handler        the handler ran locally and the answer was sent over the WebSocket (or written to the item)',
  'answer pickup  answer sent -> Invoke returned the result',
  'arm            which arm of the runtime\'s wait got the answer first: sqs (queue long-poll) or poll (DynamoDB poll)',
  'queue fed by   who put the first message on the invocation\'s queue: the $default route\'s fast path or the stream relay',
];
