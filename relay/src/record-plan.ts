import type { DynamoDBRecord } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Attr, FINISHED_STATUSES, queueMessageFor, readAnswer } from '../../protocol/index.js';
import type { StatusValue } from '../../protocol/index.js';
import type { QueueRef, RecordPlan } from './types.js';

/**
 * Decides what one stream record asks for. The event source mapping's filter already lets
 * through only answer records, but filters can change, so every condition is checked again.
 */
export function planRecord(record: DynamoDBRecord): RecordPlan {
  if (record.eventName === 'REMOVE') return { action: 'skip', reason: 'remove' };
  const image = record.dynamodb?.NewImage;
  if (image === undefined) return { action: 'skip', reason: 'no-new-image' };
  const { item, exact } = readImage(image as Record<string, AttributeValue>);

  const requestId = stringAttr(item, Attr.RequestId) ?? record.dynamodb?.Keys?.[Attr.RequestId]?.S;
  if (requestId === undefined) return { action: 'skip', reason: 'no-request-id' };
  const status = item[Attr.Status];
  if (typeof status === 'string' && FINISHED_STATUSES.includes(status as StatusValue)) return { action: 'skip', reason: 'finished' };
  const answer = readAnswer(item);
  if (answer === undefined) return { action: 'skip', reason: 'not-answered' };
  const queue = queueOf(item);
  if (queue === undefined) return { action: 'skip', reason: 'no-queue' };

  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  return {
    action: 'relay',
    requestId,
    queue,
    // A number unmarshall refuses (a huge non-integer): let the runtime read the item itself.
    message: queueMessageFor(requestId, exact ? answer : undefined),
    writtenAtMs: typeof seconds === 'number' ? seconds * 1000 : undefined,
  };
}

function readImage(image: Record<string, AttributeValue>): { item: Record<string, unknown>; exact: boolean } {
  try {
    return { item: unmarshall(image), exact: true };
  } catch {
    return { item: unmarshall(image, { wrapNumbers: true }), exact: false };
  }
}

function queueOf(item: Record<string, unknown>): QueueRef | undefined {
  const url = stringAttr(item, Attr.QueueUrl);
  if (url !== undefined) return { url };
  const name = stringAttr(item, Attr.QueueName);
  return name !== undefined ? { name } : undefined;
}

function stringAttr(item: Record<string, unknown>, name: string): string | undefined {
  const value = item[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
