import { randomBytes } from 'node:crypto';

/** An attribute value as DynamoDB's JSON wire format (and Lambda's stream event) spells it. */
export type WireAttributeValue = Record<string, unknown>;
export type WireItem = Record<string, WireAttributeValue>;

export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
export type StreamEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

/** A DynamoDB Streams record exactly as Lambda delivers it in `event.Records`. */
export interface StreamRecord {
  eventID: string;
  eventName: StreamEventName;
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: WireItem;
    NewImage?: WireItem;
    OldImage?: WireItem;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: StreamViewType;
  };
  eventSourceARN: string;
}

export interface ChangeContext {
  region: string;
  streamArn: string;
  viewType: StreamViewType;
  sequenceNumber: string;
}

/**
 * The record for one key's change, or undefined when nothing changed (DynamoDB Streams writes no
 * record for a write that leaves the item as it was, nor for deleting a missing item).
 */
export function changeRecord(keys: WireItem, before: WireItem | undefined, after: WireItem | undefined, ctx: ChangeContext): StreamRecord | undefined {
  if (!before && !after) return undefined;
  if (before && after && canonical(before) === canonical(after)) return undefined;
  const eventName: StreamEventName = !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY';
  const withNew = after && (ctx.viewType === 'NEW_IMAGE' || ctx.viewType === 'NEW_AND_OLD_IMAGES');
  const withOld = before && (ctx.viewType === 'OLD_IMAGE' || ctx.viewType === 'NEW_AND_OLD_IMAGES');
  return {
    eventID: randomBytes(16).toString('hex'),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: ctx.region,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: keys,
      ...(withNew ? { NewImage: after } : {}),
      ...(withOld ? { OldImage: before } : {}),
      SequenceNumber: ctx.sequenceNumber,
      SizeBytes: itemSize(keys) + (withNew ? itemSize(after) : 0) + (withOld ? itemSize(before) : 0),
      StreamViewType: ctx.viewType,
    },
    eventSourceARN: ctx.streamArn,
  };
}

/** The item's key attributes, or undefined when one is missing (the write is then invalid anyway). */
export function keyOf(item: WireItem | undefined, keyNames: readonly string[]): WireItem | undefined {
  if (!item) return undefined;
  const key: WireItem = {};
  for (const name of keyNames) {
    const value = item[name];
    if (!value) return undefined;
    key[name] = value;
  }
  return key;
}

/** A stable text for a value: map keys and set members sorted. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${(k === 'SS' || k === 'NS' || k === 'BS') && Array.isArray(v) ? canonical([...v].sort()) : canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** DynamoDB's item size rules (names + values), as the stream's SizeBytes counts them. */
export function itemSize(item: WireItem): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  return size;
}

function valueSize(value: WireAttributeValue): number {
  const [type, v] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(v), 'utf8');
    case 'N':
      return numberSize(String(v));
    case 'B':
      return Buffer.from(String(v), 'base64').length;
    case 'SS':
      return (v as string[]).reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
    case 'NS':
      return (v as string[]).reduce((n, s) => n + numberSize(s), 0);
    case 'BS':
      return (v as string[]).reduce((n, s) => n + Buffer.from(s, 'base64').length, 0);
    case 'L':
      return 3 + (v as WireAttributeValue[]).reduce((n, e) => n + 1 + valueSize(e), 0);
    case 'M':
      return 3 + Object.entries(v as WireItem).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k, 'utf8') + valueSize(e), 0);
    default:
      return 1;
  }
}

function numberSize(text: string): number {
  const digits = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}
