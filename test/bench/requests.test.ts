import { describe, expect, it } from '@jest/globals';
import { requestsBeforeNotify, requestsPerInvocation, requestsPerMinuteWaiting, routeRequestsPerAnswer } from '../../bench/measure/requests.js';
import type { InvocationSample, PhaseResult } from '../../bench/phase.js';

function sample(functionName: string, deliveredAt: number, receivedAt: number, sentAt: number): InvocationSample {
  return { requestId: `${functionName}-${deliveredAt}`, functionName, ok: true, invokedAt: deliveredAt - 1, returnedAt: sentAt + 50, deliveredAt, answeredAt: sentAt + 40, receivedAt, sentAt, winner: 'fastPath' };
}

function phase(samples: InvocationSample[], requests: PhaseResult['requests'], route: PhaseResult['route'] = { handlerMs: [], requests: [] }): PhaseResult {
  return { spec: { scenario: 'test', strategy: 'plldb', invocations: samples.length, parallel: 2 }, samples, requests, route, startedAt: 0, endedAt: 100_000, problems: [] };
}

describe('bench request counts', () => {
  it('counts per invocation by API and in total', () => {
    const p = phase([sample('f', 0, 30, 40), sample('f', 100, 130, 140)], [
      { api: 'DynamoDB.PutItem', at: 5, functionName: 'f' },
      { api: 'DynamoDB.PutItem', at: 105, functionName: 'f' },
      { api: 'STS.AssumeRole', at: 101 },
    ]);
    expect(requestsPerInvocation(p)).toEqual({ total: 1.5, 'DynamoDB.PutItem': 1, 'STS.AssumeRole': 0.5 });
  });

  it('counts only requests between /next and the debugger receiving the request as before notification', () => {
    const p = phase([sample('f', 0, 30, 40)], [
      { api: 'STS.GetCallerIdentity', at: 2 },
      { api: 'DynamoDB.PutItem', at: 12, functionName: 'f' },
      { api: 'DynamoDB.GetItem', at: 35, functionName: 'f' },
    ]);
    expect(requestsBeforeNotify(p)).toEqual({ total: 2, 'STS.GetCallerIdentity': 1, 'DynamoDB.PutItem': 1 });
  });

  it('rates waiting requests per minute, each function only within its own waits', () => {
    // Two functions each wait 30 s (one minute in all); g's read at 5 s falls in f's wait only.
    const p = phase([sample('f', 0, 0, 30_000), sample('g', 40_000, 40_000, 70_000)], [
      { api: 'DynamoDB.GetItem', at: 1_000, functionName: 'f' },
      { api: 'DynamoDB.GetItem', at: 2_000, functionName: 'f' },
      { api: 'DynamoDB.GetItem', at: 5_000, functionName: 'g' },
      { api: 'SQS.ReceiveMessage', at: 41_000, functionName: 'g' },
    ]);
    expect(requestsPerMinuteWaiting(p)).toEqual({ total: 3, 'DynamoDB.GetItem': 2, 'SQS.ReceiveMessage': 1 });
  });

  it("counts the route handler's requests per answer it passed", () => {
    const p = phase([], [], { handlerMs: [20, 22], requests: ['DynamoDB.UpdateItem', 'SQS.SendMessage', 'DynamoDB.UpdateItem', 'SQS.SendMessage', 'SQS.GetQueueUrl'] });
    expect(routeRequestsPerAnswer(p)).toEqual({ total: 2.5, 'DynamoDB.UpdateItem': 1, 'SQS.SendMessage': 1, 'SQS.GetQueueUrl': 0.5 });
  });
});
