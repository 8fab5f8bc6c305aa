import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Attr, DEBUGGER_ERROR_TYPE, DeliveredVia, encodeQueueMessage, readAnswer, type Answer } from '../../protocol/index.js';
import { QueueMissingError, type ReceivedMessage } from '../../runtime/src/aws/ports.js';
import type { Logger } from '../../runtime/src/logger.js';
import { isBelievedSender, waitForAnswer, type AnswerSources, type WaitResult } from '../../runtime/src/waiter.js';

const POLL = { fastMs: 100, fastForMs: 3000, maxMs: 1000, withQueueMs: 2000 };
const OK: Answer = { kind: 'response', statusCode: 200, body: '{"ok":true}' };
const QUEUE_URL = 'http://sqs/123456789012/plldb-req-x';
/** The `$default` route's role id, and a SenderId of its role session. */
const ROUTE_ROLE_ID = 'AROAROUTESROLE0000000';
const ROUTE_SENDER = `${ROUTE_ROLE_ID}:PLLDBWebSocketRoutes`;

/** Fake sources: the item's answer appears at `itemAnsweredAt`; queue messages are delivered on demand. */
function fakeSources(opts: { itemAnsweredAt?: number; item?: Record<string, unknown>; queueUrl?: Promise<string | undefined>; queued?: string } = {}) {
  const signals: AbortSignal[] = [];
  let reads = 0;
  let pendingReceive: ((messages: ReceivedMessage[]) => void) | undefined;
  const start = Date.now();
  const sources: AnswerSources = {
    readAnswer: async (signal) => {
      signals.push(signal);
      reads++;
      const answered = opts.itemAnsweredAt !== undefined && Date.now() - start >= opts.itemAnsweredAt;
      return answered ? readAnswer(opts.item ?? { [Attr.ResponseCode]: 200, [Attr.Response]: '{"ok":true}' }) : undefined;
    },
    queueUrl: opts.queueUrl ?? Promise.resolve(QUEUE_URL),
    receive: (_url, signal) =>
      new Promise<ReceivedMessage[]>((resolve, reject) => {
        signals.push(signal);
        if (opts.queued !== undefined) return resolve([{ body: opts.queued, senderId: ROUTE_SENDER }]);
        const longPoll = setTimeout(() => resolve([]), 20_000);
        pendingReceive = (messages) => {
          clearTimeout(longPoll);
          resolve(messages);
        };
        signal.addEventListener('abort', () => {
          clearTimeout(longPoll);
          reject(new Error('aborted'));
        });
      }),
    answerSenderIds: [ROUTE_ROLE_ID],
  };
  return {
    sources,
    signals,
    reads: () => reads,
    deliver: (body: string, senderId: string = ROUTE_SENDER) => pendingReceive?.([{ body, senderId }]),
  };
}

function recordingLogger() {
  const events: { event: string; fields?: object }[] = [];
  const logger: Logger = { log: (_level, event, fields) => events.push({ event, fields }) };
  return { logger, events };
}

/** Subscribes and collects every emission (take(1) must allow only one). */
function collect(sources: AnswerSources, logger: Logger, deadlineInMs = 60_000) {
  const results: WaitResult[] = [];
  let done = false;
  const subscription = waitForAnswer({ requestId: 'req-x', sources, poll: POLL, deadlineInMs, logger }).subscribe({
    next: (r) => results.push(r),
    complete: () => (done = true),
  });
  return { results, isDone: () => done, subscription };
}

describe('waitForAnswer', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('takes an answer from the queue first, then aborts the poll and leaves no timer', async () => {
    const fake = fakeSources();
    const { logger } = recordingLogger();
    const run = collect(fake.sources, logger);
    await jest.advanceTimersByTimeAsync(250);
    fake.deliver(encodeQueueMessage({ type: 'answer', requestId: 'req-x', answer: OK }));
    await jest.advanceTimersByTimeAsync(0);
    expect(run.results).toEqual([{ kind: 'answer', answer: OK, via: DeliveredVia.Sqs }]);
    expect(run.isDone()).toBe(true);
    expect(fake.signals.every((s) => s.aborted)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('takes an answer that never reaches the queue from the safety-net poll and aborts the long poll', async () => {
    const fake = fakeSources({ itemAnsweredAt: 450 });
    const run = collect(fake.sources, recordingLogger().logger);
    await jest.advanceTimersByTimeAsync(1900);
    expect(run.results).toEqual([]);
    await jest.advanceTimersByTimeAsync(300);
    expect(run.results).toEqual([{ kind: 'answer', answer: OK, via: DeliveredVia.Poll }]);
    expect(fake.signals.every((s) => s.aborted)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('emits one answer when both arms have it at once', async () => {
    const fake = fakeSources({ itemAnsweredAt: 0, queued: encodeQueueMessage({ type: 'answer', requestId: 'req-x', answer: OK }) });
    const run = collect(fake.sources, recordingLogger().logger);
    await jest.advanceTimersByTimeAsync(500);
    expect(run.results).toHaveLength(1);
    expect(fake.reads()).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ends with the deadline when neither arm answers, leaving nothing running', async () => {
    const fake = fakeSources();
    const run = collect(fake.sources, recordingLogger().logger, 5000);
    await jest.advanceTimersByTimeAsync(4999);
    expect(run.results).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(run.results).toEqual([{ kind: 'deadline' }]);
    expect(fake.signals.every((s) => s.aborted)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('passes an error answer through', async () => {
    const fake = fakeSources({ itemAnsweredAt: 0, item: { [Attr.ResponseCode]: 500, [Attr.Error]: 'boom' } });
    const run = collect(fake.sources, recordingLogger().logger);
    await jest.advanceTimersByTimeAsync(0);
    expect(run.results[0]).toMatchObject({ via: DeliveredVia.Poll, answer: { kind: 'error', error: { errorMessage: 'boom', errorType: DEBUGGER_ERROR_TYPE } } });
  });

  it('accepts an upstream-named answer (StatusCode, ErrorMessage) read through a pointer message', async () => {
    const fake = fakeSources({ itemAnsweredAt: 1000, item: { [Attr.StatusCode]: 500, [Attr.ErrorMessage]: 'upstream failure' } });
    const run = collect(fake.sources, recordingLogger().logger);
    await jest.advanceTimersByTimeAsync(1000);
    fake.deliver(encodeQueueMessage({ type: 'pointer', requestId: 'req-x' }));
    await jest.advanceTimersByTimeAsync(0);
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ answer: { kind: 'error', error: { errorMessage: 'upstream failure' } } });
  });

  it('ignores queue messages that are not ours or not for this request', async () => {
    const fake = fakeSources();
    const { logger, events } = recordingLogger();
    const run = collect(fake.sources, logger);
    await jest.advanceTimersByTimeAsync(10);
    fake.deliver('not json');
    await jest.advanceTimersByTimeAsync(10);
    fake.deliver(encodeQueueMessage({ type: 'answer', requestId: 'someone-else', answer: OK }));
    await jest.advanceTimersByTimeAsync(10);
    expect(run.results).toEqual([]);
    expect(events.filter((e) => e.event === 'queue_message_ignored')).toHaveLength(2);
    fake.deliver(encodeQueueMessage({ type: 'answer', requestId: 'req-x', answer: OK }));
    await jest.advanceTimersByTimeAsync(0);
    expect(run.results).toEqual([{ kind: 'answer', answer: OK, via: DeliveredVia.Sqs }]);
  });

  it('does not believe an answer from any other sender (the debugger role): it reads the item instead', async () => {
    const fake = fakeSources();
    const { logger, events } = recordingLogger();
    const run = collect(fake.sources, logger);
    await jest.advanceTimersByTimeAsync(10);
    const readsBefore = fake.reads();
    fake.deliver(encodeQueueMessage({ type: 'answer', requestId: 'req-x', answer: { kind: 'response', statusCode: 200, body: '"forged"' } }), 'AROADEBUGGERROLE00000:plldb-fn');
    await jest.advanceTimersByTimeAsync(10);
    expect(run.results).toEqual([]);
    expect(fake.reads()).toBe(readsBefore + 1);
    expect(events.filter((e) => e.event === 'queue_message_ignored')).toEqual([
      { event: 'queue_message_ignored', fields: expect.objectContaining({ requestId: 'req-x', senderId: 'AROADEBUGGERROLE00000:plldb-fn' }) },
    ]);
    fake.deliver(encodeQueueMessage({ type: 'answer', requestId: 'req-x', answer: OK }));
    await jest.advanceTimersByTimeAsync(0);
    expect(run.results).toEqual([{ kind: 'answer', answer: OK, via: DeliveredVia.Sqs }]);
  });

  it.each([
    [ROUTE_SENDER, true],
    [`${ROUTE_ROLE_ID}`, true],
    ['AROADEBUGGERROLE00000:plldb-fn', false],
    ['AIDASANDBOXUSER00000', false],
    [`x${ROUTE_ROLE_ID}:s`, false],
    [undefined, false],
    ['', false],
  ])('sender %p is believed: %p', (senderId, believed) => {
    expect(isBelievedSender(senderId, [ROUTE_ROLE_ID])).toBe(believed);
  });

  it('degrades to the poll arm when the SQS arm fails, logging it once', async () => {
    const fake = fakeSources({ itemAnsweredAt: 2000 });
    fake.sources.receive = () => Promise.reject(new Error('AccessDenied'));
    const { logger, events } = recordingLogger();
    const run = collect(fake.sources, logger);
    await jest.advanceTimersByTimeAsync(2100);
    expect(run.results).toEqual([{ kind: 'answer', answer: OK, via: DeliveredVia.Poll }]);
    expect(events.filter((e) => e.event === 'sqs_arm_degraded')).toHaveLength(1);
  });

  it('retries a queue that does not exist yet, then uses it', async () => {
    const fake = fakeSources();
    const receive = fake.sources.receive;
    let calls = 0;
    fake.sources.receive = (url, signal) => (++calls <= 3 ? Promise.reject(new QueueMissingError(url)) : receive(url, signal));
    const { logger, events } = recordingLogger();
    const run = collect(fake.sources, logger);
    await jest.advanceTimersByTimeAsync(1000);
    fake.deliver(encodeQueueMessage({ type: 'answer', requestId: 'req-x', answer: OK }));
    await jest.advanceTimersByTimeAsync(0);
    expect(run.results).toEqual([{ kind: 'answer', answer: OK, via: DeliveredVia.Sqs }]);
    expect(calls).toBe(4);
    expect(events.map((e) => e.event)).not.toContain('sqs_arm_degraded');
  });

  it('runs poll-only when the queue could not be created', async () => {
    const fake = fakeSources({ itemAnsweredAt: 300, queueUrl: Promise.resolve(undefined) });
    const run = collect(fake.sources, recordingLogger().logger);
    await jest.advanceTimersByTimeAsync(300);
    expect(run.results).toEqual([{ kind: 'answer', answer: OK, via: DeliveredVia.Poll }]);
  });

  it('keeps polling through a failing read, logging it once', async () => {
    const fake = fakeSources({ itemAnsweredAt: 500, queueUrl: Promise.resolve(undefined) });
    const read = fake.sources.readAnswer;
    let calls = 0;
    fake.sources.readAnswer = (signal) => (++calls <= 2 ? Promise.reject(new Error('ProvisionedThroughputExceeded')) : read(signal));
    const { logger, events } = recordingLogger();
    const run = collect(fake.sources, logger);
    await jest.advanceTimersByTimeAsync(600);
    expect(run.results).toHaveLength(1);
    expect(events.filter((e) => e.event === 'poll_failed')).toHaveLength(1);
  });

  it('polls only every withQueueMs while the queue listens, and fast again once the SQS arm fails', async () => {
    const fake = fakeSources();
    let failReceive: ((err: Error) => void) | undefined;
    fake.sources.receive = () => new Promise<ReceivedMessage[]>((_resolve, reject) => (failReceive = reject));
    const run = collect(fake.sources, recordingLogger().logger);
    await jest.advanceTimersByTimeAsync(10_000);
    // t = 0 (before the queue URL resolved), then every 2 s.
    expect(fake.reads()).toBe(6);
    failReceive?.(new Error('AccessDenied'));
    await jest.advanceTimersByTimeAsync(2000);
    const afterDegrade = fake.reads();
    await jest.advanceTimersByTimeAsync(3000);
    expect(fake.reads() - afterDegrade).toBe(3);
    run.subscription.unsubscribe();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not read the item while a queue that existed before the notification listens, only as the safety net', async () => {
    const fake = fakeSources();
    fake.sources.queueBeforeNotify = true;
    const run = collect(fake.sources, recordingLogger().logger);
    await jest.advanceTimersByTimeAsync(1999);
    expect(fake.reads()).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.reads()).toBe(1);
    fake.deliver(encodeQueueMessage({ type: 'answer', requestId: 'req-x', answer: OK }));
    await jest.advanceTimersByTimeAsync(0);
    expect(run.results).toEqual([{ kind: 'answer', answer: OK, via: DeliveredVia.Sqs }]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reads the item soon after all when that queue cannot be listened to', async () => {
    const fake = fakeSources({ itemAnsweredAt: 0 });
    fake.sources.queueBeforeNotify = true;
    fake.sources.receive = () => Promise.reject(new Error('AccessDenied'));
    const run = collect(fake.sources, recordingLogger().logger);
    await jest.advanceTimersByTimeAsync(100);
    expect(run.results).toEqual([{ kind: 'answer', answer: OK, via: DeliveredVia.Poll }]);
    expect(fake.reads()).toBe(1);
  });

  it('keeps polling fast while the queue does not exist yet', async () => {
    const fake = fakeSources();
    fake.sources.receive = (url) => Promise.reject(new QueueMissingError(url));
    const run = collect(fake.sources, recordingLogger().logger);
    await jest.advanceTimersByTimeAsync(1000);
    expect(fake.reads()).toBe(11);
    run.subscription.unsubscribe();
  });

  it('polls fast at first, then backs off to the ceiling, when there is no queue', async () => {
    const fake = fakeSources({ queueUrl: Promise.resolve(undefined) });
    const run = collect(fake.sources, recordingLogger().logger);
    await jest.advanceTimersByTimeAsync(1000);
    expect(fake.reads()).toBe(11);
    await jest.advanceTimersByTimeAsync(9000);
    const at10s = fake.reads();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(fake.reads() - at10s).toBe(10);
    run.subscription.unsubscribe();
    expect(jest.getTimerCount()).toBe(0);
  });
});
