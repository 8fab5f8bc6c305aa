import { EMPTY, Observable, catchError, concatMap, defer, filter, from, map, merge, of, repeat, retry, switchMap, take, throwError, timer } from 'rxjs';
import { DeliveredVia, ProtocolError, decodeQueueMessage, type Answer, type DeliveredViaValue } from '../../protocol/index.js';
import type { PollTuning } from './config.js';
import { QueueMissingError, type ReceivedMessage } from './aws/ports.js';
import type { Logger } from './logger.js';

/** A new queue may take about a second before ReceiveMessage finds it. */
const QUEUE_MISSING_RETRY_MS = 250;
const QUEUE_MISSING_RETRIES = 12;

export type WaitResult = { kind: 'answer'; answer: Answer; via: DeliveredViaValue } | { kind: 'deadline' };

export interface AnswerSources {
  /** Consistent read of the item's answer, undefined while unanswered. */
  readAnswer(signal: AbortSignal): Promise<Answer | undefined>;
  /** The invocation's queue URL; undefined when CreateQueue failed (already logged). */
  queueUrl: Promise<string | undefined>;
  /**
   * The queue existed before the debugger was notified: the route sends every answer it stores to
   * a queue that exists, so no answer can be in the item alone when the wait starts (one whose
   * send failed all the same comes through the relay or the safety-net poll).
   */
  queueBeforeNotify?: boolean;
  /** One long poll of the queue: the messages and their senders. */
  receive(queueUrl: string, signal: AbortSignal): Promise<ReceivedMessage[]>;
  /**
   * Role ids (`AROA...`) whose messages are believed: the `$default` route and the relay. A
   * message from anyone else (SenderId `{role id}:{session}` not among them) only prompts a read
   * of the item, whose answer the route wrote under its ownership check.
   */
  answerSenderIds: readonly string[];
}

export interface WaitOptions {
  requestId: string;
  sources: AnswerSources;
  poll: PollTuning;
  /** Milliseconds until the runtime must give up and post a timeout error. */
  deadlineInMs: number;
  logger: Logger;
}

/**
 * The first answer from either arm, or the deadline: `merge` of a DynamoDB poll arm and an SQS
 * long-poll arm, `take(1)`. Unsubscribing (which take(1) does) aborts every call in flight.
 */
export function waitForAnswer({ requestId, sources, poll, deadlineInMs, logger }: WaitOptions): Observable<WaitResult> {
  const once = onceLogger(logger, requestId);
  const answered = (via: DeliveredViaValue) => map((answer: Answer): WaitResult => ({ kind: 'answer', answer, via }));
  const queue: QueueState = { listening: false, failed: false };
  return merge(
    pollArm(sources, poll, queue, (err) => once.log('WARN', 'poll_failed', { error: errorName(err) })).pipe(answered(DeliveredVia.Poll)),
    sqsArm(requestId, sources, queue, logger, once).pipe(answered(DeliveredVia.Sqs)),
    timer(deadlineInMs).pipe(map((): WaitResult => ({ kind: 'deadline' }))),
  ).pipe(take(1));
}

/** Whether the SQS arm's long-poll is listening on a queue that exists (shared with the poll arm). */
interface QueueState {
  listening: boolean;
  /** A receive failed (queue missing): listening again only after a receive succeeds. */
  failed: boolean;
}

/**
 * Consistent GetItem. While the queue's long-poll listens, only every `withQueueMs` (a safety net
 * for answers that never reach the queue); otherwise every `fastMs` while the invocation is young,
 * then backing off to `maxMs`. The first read is at once, unless the queue existed before the
 * debugger was notified: then it waits while the queue listens, up to `withQueueMs`.
 */
function pollArm(sources: AnswerSources, tuning: PollTuning, queue: QueueState, onError: (err: unknown) => void): Observable<Answer> {
  return defer(() => {
    const started = Date.now();
    let delay = tuning.fastMs;
    const nextDelay = () => {
      if (queue.listening) return tuning.withQueueMs;
      if (Date.now() - started >= tuning.fastForMs) delay = Math.min(tuning.maxMs, delay * 2);
      return delay;
    };
    const reads = abortable((signal) => sources.readAnswer(signal)).pipe(
      catchError((err) => {
        onError(err);
        return of(undefined);
      }),
      repeat({ delay: () => timer(nextDelay()) }),
    );
    // Checked every fastMs: a queue that stops listening (the SQS arm failed) brings the first read forward.
    const safetyNetDue = () => !queue.listening || Date.now() - started >= tuning.withQueueMs;
    const firstRead = sources.queueBeforeNotify ? timer(tuning.fastMs, tuning.fastMs).pipe(filter(safetyNetDue), take(1)) : of(0);
    return firstRead.pipe(
      concatMap(() => reads),
      filter((a): a is Answer => a !== undefined),
    );
  });
}

/** Long-polls the queue; any failure leaves the poll arm alone to answer (logged once). */
function sqsArm(requestId: string, sources: AnswerSources, queue: QueueState, logger: Logger, once: Logger): Observable<Answer> {
  const receive = (url: string, signal: AbortSignal) => {
    if (!queue.failed) queue.listening = true;
    return sources.receive(url, signal).then((bodies) => {
      queue.failed = false;
      queue.listening = true;
      return bodies;
    });
  };
  const missing = (err: unknown) => {
    queue.listening = false;
    if (!(err instanceof QueueMissingError)) return throwError(() => err);
    queue.failed = true;
    return timer(QUEUE_MISSING_RETRY_MS);
  };
  return defer(() => from(sources.queueUrl)).pipe(
    switchMap((url) =>
      url === undefined
        ? EMPTY
        : abortable((signal) => receive(url, signal)).pipe(retry({ count: QUEUE_MISSING_RETRIES, delay: missing }), repeat()),
    ),
    concatMap((messages) => from(messages)),
    concatMap((message) => answerOf(requestId, message, sources, logger)),
    catchError((err) => {
      queue.listening = false;
      once.log('WARN', 'sqs_arm_degraded', { error: errorName(err) });
      return EMPTY;
    }),
  );
}

/** Whether SQS's SenderId names one of the believed roles (for a role session it is `{role id}:{session name}`). */
export function isBelievedSender(senderId: string | undefined, answerSenderIds: readonly string[]): boolean {
  const roleId = senderId?.split(':')[0];
  return roleId !== undefined && roleId !== '' && answerSenderIds.includes(roleId);
}

/** The answer a queue message carries: inline from a believed sender, else (or a pointer) read from the item. */
function answerOf(requestId: string, received: ReceivedMessage, sources: AnswerSources, logger: Logger): Observable<Answer> {
  let message;
  try {
    message = decodeQueueMessage(received.body);
  } catch (err) {
    logger.log('WARN', 'queue_message_ignored', { requestId, reason: err instanceof ProtocolError ? err.message : errorName(err) });
    return EMPTY;
  }
  if (message.requestId !== requestId) {
    logger.log('WARN', 'queue_message_ignored', { requestId, reason: `message for request ${message.requestId}` });
    return EMPTY;
  }
  const believed = isBelievedSender(received.senderId, sources.answerSenderIds);
  if (message.type === 'answer' && believed) return of(message.answer);
  if (!believed && sources.answerSenderIds.length > 0) {
    logger.log('WARN', 'queue_message_ignored', { requestId, reason: 'sender is neither the $default route nor the relay: reading the item instead', senderId: received.senderId ?? 'unknown' });
  }
  return abortable((signal) => sources.readAnswer(signal)).pipe(filter((a): a is Answer => a !== undefined));
}

/** A promise-returning call as an Observable whose unsubscription aborts the call. */
function abortable<T>(run: (signal: AbortSignal) => Promise<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    run(controller.signal).then(
      (value) => {
        subscriber.next(value);
        subscriber.complete();
      },
      (err: unknown) => subscriber.error(err),
    );
    return () => controller.abort();
  });
}

/** A logger that writes each event at most once (per invocation), tagged with the request id. */
function onceLogger(logger: Logger, requestId: string): Logger {
  const seen = new Set<string>();
  return {
    log(level, event, fields) {
      if (seen.has(event)) return;
      seen.add(event);
      logger.log(level, event, { requestId, ...fields });
    },
  };
}

function errorName(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
