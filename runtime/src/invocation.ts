import { firstValueFrom } from 'rxjs';
import { DEBUGGER_DISCONNECTED_ERROR_TYPE, DeliveredVia, Status, queueNameFor, readAnswer, type Answer, type DeliveredViaValue } from '../../protocol/index.js';
import type { AwsEdges } from './aws/clients.js';
import { ConnectionGoneError } from './aws/ports.js';
import { isPrivateDnsForbidden, isUnreachable, privateDnsError, reaching, unreachableError } from './aws/reachability.js';
import type { RuntimeConfig } from './config.js';
import { invocationContext } from './context.js';
import { PlldbError, PlldbErrorType, toLambdaError } from './errors.js';
import { nowMs, type Logger } from './logger.js';
import { debuggerMessage, requestItem, type Invocation } from './request.js';
import type { NextInvocation, RuntimeApiClient } from './runtime-api/client.js';
import { RuntimeApiError } from './runtime-api/client.js';
import { waitForAnswer } from './waiter.js';

/** PlldbError reason of a notification that found the debugger's connection gone (410). */
const GONE_REASON = 'debugger_gone';

export interface InvocationDeps {
  config: RuntimeConfig;
  api: Pick<RuntimeApiClient, 'postResponse' | 'postError'>;
  edges: AwsEdges;
  logger: Logger;
  /** The forwarded environment (credentials already redacted), computed once at init. */
  environment: Record<string, string>;
  /**
   * Pass-through: called instead of failing the invocation when the debugger's connection is gone
   * (410, or it disconnected while the invocation waited); answers it some other way.
   */
  onGone?: (next: NextInvocation) => Promise<void>;
}

/**
 * One invocation end to end: request item, queue, notification, wait, answer, bookkeeping.
 * Never throws: every failure becomes an error posted to the Runtime API and a log line.
 */
export async function handleInvocation(next: NextInvocation, deps: InvocationDeps): Promise<void> {
  const { requestId } = next;
  const { config, edges, logger } = deps;
  const received = nowMs();
  logger.log('INFO', 'invocation_received', { requestId, eventBytes: Buffer.byteLength(next.body) });
  let queueUrl: Promise<string | undefined> = Promise.resolve(undefined);
  let delivered: DeliveredViaValue | undefined;
  try {
    const inv: Invocation = { requestId, body: next.body, context: invocationContext(requestId, next.headers, config.function) };
    const giveUpAt = inv.context.deadlineMs - config.deadlineMarginMs;
    // The steps before the wait get the time up to the margin: a slow AWS call (throttling backoff) must not carry them past the deadline.
    const setup = AbortSignal.timeout(Math.max(1, giveUpAt - Date.now()));
    edges.credentials.useRoleOf(inv.context.invokedFunctionArn);
    await beforeDeadline(setup, inv, received, config.timeoutHint, async () => void (await edges.credentials.provide()));
    const queueName = queueNameFor(config.queuePrefix, requestId);
    // The session's current connection, which may differ from DEBUGGER_CONNECTION_ID after plldb debug reconnected.
    const connectionId = edges.connection.id;
    const item = requestItem({ ...config, connectionId }, inv, deps.environment, queueName, Date.now());
    // The write is on the notification's path, the queue beside it: the write's request goes first.
    const written = beforeDeadline(setup, inv, received, config.timeoutHint, () => reaching('DynamoDB', () => edges.store.put(item, setup)));
    let queueExists = false;
    queueUrl = createQueue(deps, requestId, queueName).then((url) => {
      queueExists = url !== undefined;
      return url;
    });
    await written;
    logger.log('INFO', 'item_written', { requestId, ms: nowMs() - received });
    // Answers to a notification sent once the queue exists are sent to that queue: the wait need not read the item at once.
    const queueBeforeNotify = queueExists;
    await beforeDeadline(setup, inv, received, config.timeoutHint, () => notify(deps, inv, connectionId, setup));
    const result = await firstValueFrom(
      waitForAnswer({
        requestId,
        logger,
        poll: config.poll,
        deadlineInMs: Math.max(0, giveUpAt - Date.now()),
        sources: {
          readAnswer: async (signal) => answerIn(await edges.store.get(requestId, signal)),
          queueUrl,
          queueBeforeNotify,
          receive: (url, signal) => edges.queues.receive(url, signal),
          answerSenderIds: config.answerSenderIds,
        },
      }),
    );
    if (result.kind === 'answer' && deps.onGone && result.answer.kind === 'error' && result.answer.error.errorType === DEBUGGER_DISCONNECTED_ERROR_TYPE) {
      logger.log('INFO', 'debugger_disconnected_passthrough', { requestId, ms: nowMs() - received });
      await deps.onGone(next);
    } else if (result.kind === 'answer') {
      delivered = await deliver(deps, requestId, result.answer, result.via, nowMs() - received);
    } else {
      delivered = await timedOut(deps, inv, received);
    }
  } catch (err) {
    if (deps.onGone && err instanceof PlldbError && err.reason === GONE_REASON) {
      logger.log('INFO', 'debugger_gone_passthrough', { requestId, ms: nowMs() - received });
      await deps.onGone(next);
      await bookkeeping(deps, requestId, undefined, queueUrl);
      return;
    }
    logger.log('ERROR', 'invocation_failed', { requestId, reason: err instanceof PlldbError ? err.reason : 'error', error: err instanceof Error ? err.message : String(err) });
    await post(deps, requestId, () => deps.api.postError(requestId, toLambdaError(err)));
  }
  await bookkeeping(deps, requestId, delivered, queueUrl);
}

function createQueue({ edges, logger }: InvocationDeps, requestId: string, queueName: string): Promise<string | undefined> {
  const started = nowMs();
  return edges.queues.create(queueName).then(
    (url) => {
      logger.log('INFO', 'queue_created', { requestId, queueName, ms: nowMs() - started });
      return url;
    },
    (err: unknown) => {
      const error = isUnreachable(err) ? unreachableError('SQS', err).message : (err as Error).message;
      logger.log('WARN', 'queue_create_failed', { requestId, queueName, error, fallback: 'poll' });
      return undefined;
    },
  );
}

/**
 * Runs a step before the wait, but no longer than `setup` lasts (the step also gets the signal where
 * it can cancel its call); then the caller gets a timeout error instead of Lambda ending the invocation.
 */
async function beforeDeadline(setup: AbortSignal, inv: Invocation, received: number, timeoutHint: string, step: () => Promise<void>): Promise<void> {
  let onAbort = (): void => undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(setup.reason as Error);
    setup.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([step(), expired]);
  } catch (err) {
    if (!setup.aborted) throw err;
    throw new PlldbError(
      `PLLDB could not hand this invocation to the debugger within the function's timeout (about ${Math.round((inv.context.deadlineMs - received) / 1000)} s): STS, DynamoDB or the WebSocket API answered too slowly. ${timeoutHint}`,
      PlldbErrorType.Timeout,
      'setup_deadline',
    );
  } finally {
    setup.removeEventListener('abort', onAbort);
  }
}

async function notify(deps: InvocationDeps, inv: Invocation, connectionId: string, signal: AbortSignal): Promise<void> {
  const { config, edges, logger } = deps;
  try {
    await edges.connection.notify(inv.requestId, connectionId, (target) => debuggerMessage({ ...config, connectionId: target }, inv, deps.environment), logger, signal);
  } catch (err) {
    if (isUnreachable(err)) throw unreachableError('execute-api', err);
    if (isPrivateDnsForbidden(err)) throw privateDnsError(err);
    if (!(err instanceof ConnectionGoneError)) throw err;
    await edges.store.finishUnanswered(inv.requestId, Status.Failed).catch(() => undefined);
    throw new PlldbError(
      `No debugger is connected: WebSocket connection ${err.connectionId} is gone (410). Start \`plldb debug\` and attach the function again (\`plldb attach\`), or detach it (\`plldb detach\`) to run it normally.`,
      PlldbErrorType.Gone,
      GONE_REASON,
    );
  }
  logger.log('INFO', 'debugger_notified', { requestId: inv.requestId });
}

/** Posts the answer; `receivedMs` (the time the wait took) is logged as answer_received once the caller has it, off its path. */
async function deliver(deps: InvocationDeps, requestId: string, answer: Answer, via: DeliveredViaValue, receivedMs?: number): Promise<DeliveredViaValue | undefined> {
  const posted = await post(deps, requestId, async () => {
    if (answer.kind === 'error') return deps.api.postError(requestId, answer.error);
    try {
      await deps.api.postResponse(requestId, answer.body);
    } catch (err) {
      if (!(err instanceof RuntimeApiError && err.status === 413)) throw err;
      await deps.api.postError(requestId, {
        errorMessage: `The debugger's response (${Buffer.byteLength(answer.body)} bytes) is larger than Lambda accepts: ${err.message}`,
        errorType: PlldbErrorType.Failed,
        stackTrace: [],
      });
    }
  });
  if (receivedMs !== undefined) deps.logger.log('INFO', 'answer_received', { requestId, via, ms: receivedMs });
  if (!posted) return undefined;
  deps.logger.log('INFO', 'answer_posted', { requestId, via, kind: answer.kind });
  return via;
}

/** No answer by the deadline: refuse late answers (TIMED_OUT while PENDING), unless one just arrived. */
async function timedOut(deps: InvocationDeps, inv: Invocation, received: number): Promise<DeliveredViaValue | undefined> {
  const { edges, config, logger } = deps;
  // Half the margin at most, so the timeout error still reaches the caller if DynamoDB is slow.
  const signal = AbortSignal.timeout(Math.max(1, Math.floor(config.deadlineMarginMs / 2)));
  const refused = await edges.store.finishUnanswered(inv.requestId, Status.TimedOut, signal).catch((err: unknown) => {
    logger.log('WARN', 'timeout_write_failed', { requestId: inv.requestId, error: (err as Error).message });
    return true;
  });
  if (!refused) {
    const late = answerIn(await edges.store.get(inv.requestId, signal).catch(() => undefined));
    if (late) {
      logger.log('INFO', 'answer_received', { requestId: inv.requestId, via: DeliveredVia.Poll, late: true, ms: nowMs() - received });
      return deliver(deps, inv.requestId, late, DeliveredVia.Poll);
    }
  }
  const seconds = Math.round((inv.context.deadlineMs - received) / 1000);
  throw new PlldbError(
    `The debugger did not answer within the function's timeout (about ${seconds} s; PLLDB answers ${config.deadlineMarginMs} ms before the deadline). ${config.timeoutHint}`,
    PlldbErrorType.Timeout,
    'deadline',
  );
}

/** After the caller has its answer, before the next /next: record delivery and delete the queue. */
async function bookkeeping(deps: InvocationDeps, requestId: string, via: DeliveredViaValue | undefined, queueUrl: Promise<string | undefined>): Promise<void> {
  const { edges, logger } = deps;
  const started = nowMs();
  const warn = (what: string) => (err: unknown) => logger.log('WARN', 'bookkeeping_failed', { requestId, what, error: (err as Error).message });
  await Promise.all([
    via ? edges.store.markDelivered(requestId, via, Date.now()).catch(warn('mark_delivered')) : undefined,
    queueUrl.then((url) => (url ? edges.queues.delete(url) : undefined)).catch(warn('delete_queue')),
  ]);
  logger.log('INFO', 'bookkeeping_done', { requestId, ms: nowMs() - started });
}

/** Posts to the Runtime API; a refusal is logged (the invocation is lost to Lambda anyway) and never stops the loop. */
async function post(deps: InvocationDeps, requestId: string, send: () => Promise<void>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (err) {
    deps.logger.log('ERROR', 'post_failed', { requestId, error: (err as Error).message });
    return false;
  }
}

function answerIn(item: Record<string, unknown> | undefined): Answer | undefined {
  return item ? readAnswer(item) : undefined;
}
