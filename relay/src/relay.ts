import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { FINISHED_STATUSES, queueMessageFor } from '../../protocol/index.js';
import type { StatusValue } from '../../protocol/index.js';
import { mapConcurrent } from './concurrency.js';
import { MAX_CONCURRENT_SENDS, QUEUE_MISSING_RETRY_WINDOW_MS, QUEUE_URL_CACHE_SIZE } from './constants.js';
import { classifyFailure, errorName } from './errors.js';
import { QueueUrlCache } from './queue-url-cache.js';
import { planRecord } from './record-plan.js';
import type { InvocationLookup, Log, QueueSender, RecordPlan, SkipReason } from './types.js';

export interface RelayDependencies {
  queues: QueueSender;
  invocations: InvocationLookup;
  log: Log;
  /** Epoch milliseconds; injectable for the retry window. */
  now?: () => number;
}

type RelayPlan = Extract<RecordPlan, { action: 'relay' }>;
type DropReason = 'queue-missing-expired' | 'send-refused';
type Outcome =
  | { result: 'relayed'; as: 'answer' | 'pointer' }
  | { result: 'skipped'; reason: SkipReason | 'queue-gone-finished' }
  | { result: 'failed' }
  | { result: 'dropped'; reason: DropReason };

/** The stream handler: relays each answer record to its invocation's queue. */
export function createRelayHandler(deps: RelayDependencies): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const { queues, invocations, log } = deps;
  const now = deps.now ?? Date.now;
  const urls = new QueueUrlCache(queues, QUEUE_URL_CACHE_SIZE);

  async function send(plan: RelayPlan): Promise<'answer' | 'pointer'> {
    const url = 'url' in plan.queue ? plan.queue.url : await urls.get(plan.queue.name);
    try {
      await queues.sendMessage(url, plan.message.body);
      return plan.message.type;
    } catch (error) {
      const kind = classifyFailure(error);
      if (kind === 'content-refused' && plan.message.type === 'answer') {
        await queues.sendMessage(url, queueMessageFor(plan.requestId).body);
        return 'pointer';
      }
      if (kind === 'queue-missing' && 'name' in plan.queue) urls.forget(plan.queue.name);
      throw error;
    }
  }

  async function onQueueMissing(plan: RelayPlan): Promise<Outcome> {
    let waiting: boolean;
    try {
      const state = await invocations.lookup(plan.requestId);
      waiting = state.exists && !FINISHED_STATUSES.includes(state.status as StatusValue);
    } catch (error) {
      // Cannot tell whether the invocation still waits: treat it as waiting, within the window.
      log({ level: 'warn', event: 'relay-lookup-failed', requestId: plan.requestId, error: errorName(error) });
      waiting = true;
    }
    if (!waiting) return { result: 'skipped', reason: 'queue-gone-finished' };
    if (plan.writtenAtMs !== undefined && now() - plan.writtenAtMs < QUEUE_MISSING_RETRY_WINDOW_MS) {
      log({ level: 'warn', event: 'relay-queue-missing', requestId: plan.requestId, retry: true });
      return { result: 'failed' };
    }
    log({ level: 'warn', event: 'relay-dropped', requestId: plan.requestId, reason: 'queue-missing-expired', note: "the runtime's poll arm still reads the answer from the item" });
    return { result: 'dropped', reason: 'queue-missing-expired' };
  }

  async function relay(plan: RelayPlan): Promise<Outcome> {
    try {
      return { result: 'relayed', as: await send(plan) };
    } catch (error) {
      const kind = classifyFailure(error);
      if (kind === 'queue-missing') return onQueueMissing(plan);
      if (kind === 'retryable') {
        log({ level: 'warn', event: 'relay-send-failed', requestId: plan.requestId, error: errorName(error), retry: true });
        return { result: 'failed' };
      }
      log({ level: 'error', event: 'relay-dropped', requestId: plan.requestId, reason: 'send-refused', error: errorName(error) });
      return { result: 'dropped', reason: 'send-refused' };
    }
  }

  function plan(record: DynamoDBRecord): RecordPlan {
    try {
      return planRecord(record);
    } catch (error) {
      log({ level: 'error', event: 'relay-unreadable-record', sequenceNumber: record.dynamodb?.SequenceNumber, error: errorName(error) });
      return { action: 'skip', reason: 'unreadable' };
    }
  }

  return async (event) => {
    const records = event.Records ?? [];
    const outcomes = await mapConcurrent(records, MAX_CONCURRENT_SENDS, async (record): Promise<Outcome> => {
      const p = plan(record);
      return p.action === 'skip' ? { result: 'skipped', reason: p.reason } : relay(p);
    });
    const batchItemFailures = records
      .filter((_record, i) => outcomes[i]?.result === 'failed')
      .map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }));
    log({ level: 'info', event: 'relay-batch', records: records.length, ...summarize(outcomes) });
    return { batchItemFailures };
  };
}

function summarize(outcomes: Outcome[]): Record<string, unknown> {
  const skipped: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  let relayed = 0;
  let pointers = 0;
  let failed = 0;
  for (const o of outcomes) {
    if (o.result === 'relayed') {
      relayed++;
      if (o.as === 'pointer') pointers++;
    } else if (o.result === 'skipped') skipped[o.reason] = (skipped[o.reason] ?? 0) + 1;
    else if (o.result === 'dropped') dropped[o.reason] = (dropped[o.reason] ?? 0) + 1;
    else failed++;
  }
  return { relayed, relayedAsPointer: pointers, skipped, failed, dropped };
}
