import { readFileSync } from 'node:fs';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** Stream events as Lambda delivers them from the PLLDBDebugger table, one record each. */
export const FIXTURES = [
  'insert-pending',
  'modify-responded',
  'modify-responded-error',
  'modify-upstream-pending',
  'modify-upstream-error-pending',
  'modify-upstream-statuscode-zero',
  'modify-delivered',
  'modify-timed-out',
  'modify-failed',
  'remove-ttl',
  'insert-answered-queue-url',
] as const;
export type FixtureName = (typeof FIXTURES)[number];

/** Written at (epoch seconds) in every fixture. */
export const FIXTURE_WRITTEN_AT_S = 1795946400;

export function loadEvent(name: FixtureName): DynamoDBStreamEvent {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as DynamoDBStreamEvent;
}

export function loadRecord(name: FixtureName): DynamoDBRecord {
  const [record] = loadEvent(name).Records;
  if (record === undefined) throw new Error(`fixture ${name} has no record`);
  return record;
}

export function batchOf(...names: FixtureName[]): DynamoDBStreamEvent {
  return { Records: names.map(loadRecord) };
}

/** The request id (partition key) of a record. */
export function requestIdOf(record: DynamoDBRecord): string {
  return record.dynamodb?.Keys?.RequestId?.S ?? '';
}
