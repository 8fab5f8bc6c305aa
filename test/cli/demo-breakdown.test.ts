import { describe, expect, it } from '@jest/globals';
import type { AwsRequestRecord, MetricsSnapshot } from '../../sandbox/index.js';
import { latencyRows, type InvocationTrace } from '../../cli/src/demo/breakdown.js';
import { summary } from '../../cli/src/demo/report.js';

const send = (at: number, caller: string): AwsRequestRecord => ({ service: 'SQS', operation: 'SendMessage', accessKeyId: undefined, at, caller });

function trace(requestId: string, times: Partial<InvocationTrace>): InvocationTrace {
  return { functionName: 'fn', event: {}, requestId, invokedAt: 0, returnedAt: 0, ok: true, summary: 'ok', ...times };
}

describe('the demo\'s latency breakdown', () => {
  const metrics: MetricsSnapshot = {
    requests: {},
    requestsByCaller: {},
    requestLog: [send(150, 'relay'), send(152, 'websocket-routes'), send(1150, 'websocket-routes'), send(1160, 'relay'), send(2300, 'relay')],
    invocations: [
      { requestId: 'cold', functionName: 'fn', queuedAt: 1, deliveredAt: 80 },
      { requestId: 'warm', functionName: 'fn', queuedAt: 1001, deliveredAt: 1002 },
    ],
    instances: [{ instanceId: 'i-1', functionName: 'fn', pid: 1, spawnedAt: 5 }],
  };
  const traces = [
    trace('cold', { invokedAt: 0, requestReceivedAt: 90, answerSentAt: 140, returnedAt: 170, arm: 'sqs' }),
    trace('warm', { invokedAt: 1000, requestReceivedAt: 1010, answerSentAt: 1100, returnedAt: 1200, arm: 'sqs' }),
    trace('polled', { invokedAt: 2000, requestReceivedAt: 2010, answerSentAt: 2100, returnedAt: 2200, arm: 'poll' }),
  ];

  it('splits each invocation at the debugger\'s request and answer, and names the first feeder of the queue', () => {
    const rows = latencyRows(traces, metrics);
    expect(rows.map(({ trace: _t, ...r }) => r)).toEqual([
      { toDebuggerMs: 90, coldStartMs: 80, handlerMs: 50, pickupMs: 30, queueFedBy: 'stream relay' },
      { toDebuggerMs: 10, handlerMs: 90, pickupMs: 100, queueFedBy: '$default fast path' },
      { toDebuggerMs: 10, handlerMs: 90, pickupMs: 100 },
    ]);
    expect(summary(rows)).toBe('arm: sqs 2, poll 1; queue fed by: stream relay 1, $default fast path 1; warm invocations (median): to debugger 10 ms, answer pickup 100 ms');
  });

  it('leaves out what was not seen', () => {
    const [row] = latencyRows([trace('lost', { invokedAt: 3000, returnedAt: 3100 })], metrics);
    expect(row).toEqual({ trace: expect.anything() });
  });
});
