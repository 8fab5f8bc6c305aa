import { Attr, DEFAULT_ROLE_NAME, DeliveredVia, readAnswer, type Answer } from '../../protocol/index.js';
import type { ItemStore } from '../../runtime/src/aws/ports.js';
import { invocationContext } from '../../runtime/src/context.js';
import { PlldbError, PlldbErrorType, toLambdaError } from '../../runtime/src/errors.js';
import type { InvocationDeps } from '../../runtime/src/invocation.js';
import { nowMs } from '../../runtime/src/logger.js';
import { debuggerMessage, requestItem, type Invocation } from '../../runtime/src/request.js';
import type { NextInvocation } from '../../runtime/src/runtime-api/client.js';
import type { BaselineEdges } from './edges.js';

/** The original design's fixed poll period. */
const BASELINE_POLL_MS = 1000;

/** The PLLDB runtime's invocation dependencies, with the original design's AWS edges. */
export type BaselineDeps = Omit<InvocationDeps, 'edges'> & { edges: BaselineEdges };

/**
 * One invocation as the original PLLDB handled it: GetCallerIdentity and AssumeRole every time,
 * PutItem, PostToConnection, then a consistent GetItem once a second until answered or out of time.
 * Logs the same events as the PLLDB runtime so the benchmark reads both alike.
 */
export async function handleBaselineInvocation(next: NextInvocation, deps: BaselineDeps): Promise<void> {
  const { requestId } = next;
  const { config, edges, logger, api } = deps;
  const received = nowMs();
  logger.log('INFO', 'invocation_received', { requestId, eventBytes: Buffer.byteLength(next.body) });
  try {
    const inv: Invocation = { requestId, body: next.body, context: invocationContext(requestId, next.headers, config.function) };
    const account = await edges.account();
    const credentials = await edges.assumeRole(config.roleArn ?? `arn:aws:iam::${account}:role/${DEFAULT_ROLE_NAME}`);
    const { store, notifier } = edges.withCredentials(credentials);
    // No queue: the item carries no queue name, so neither the fast path nor the relay has anywhere to send.
    const { [Attr.QueueName]: _queue, ...item } = requestItem(config, inv, deps.environment, '', Date.now());
    await store.put(item);
    logger.log('INFO', 'item_written', { requestId, ms: nowMs() - received });
    await notifier.post(config.connectionId, debuggerMessage(config, inv, deps.environment));
    logger.log('INFO', 'debugger_notified', { requestId });
    const answer = await pollEverySecond(store, requestId, inv.context.deadlineMs - config.deadlineMarginMs);
    if (!answer) throw new PlldbError('The debugger did not answer within the function timeout.', PlldbErrorType.Timeout, 'deadline');
    logger.log('INFO', 'answer_received', { requestId, via: DeliveredVia.Poll, ms: nowMs() - received });
    if (answer.kind === 'error') await api.postError(requestId, answer.error);
    else await api.postResponse(requestId, answer.body);
    logger.log('INFO', 'answer_posted', { requestId, via: DeliveredVia.Poll, kind: answer.kind });
  } catch (err) {
    logger.log('ERROR', 'invocation_failed', { requestId, error: err instanceof Error ? err.message : String(err) });
    await api.postError(requestId, toLambdaError(err)).catch((postErr: unknown) => logger.log('ERROR', 'post_failed', { requestId, error: (postErr as Error).message }));
  }
}

async function pollEverySecond(store: ItemStore, requestId: string, giveUpAt: number): Promise<Answer | undefined> {
  for (;;) {
    const item = await store.get(requestId);
    const answer = item ? readAnswer(item) : undefined;
    if (answer) return answer;
    if (Date.now() + BASELINE_POLL_MS > giveUpAt) return undefined;
    await new Promise((resolve) => setTimeout(resolve, BASELINE_POLL_MS));
  }
}
