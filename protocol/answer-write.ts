import { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Attr, Status } from './constants.js';
import { itemSize } from './item-size.js';

/**
 * The one conditional answer write: the `$default` route makes it for answers that arrive over
 * the WebSocket, and `plldb debug` for answers too large for a message. Not exported from
 * protocol/index.ts, so bundles that never write answers (the runtime, the relay) do not carry it.
 */

/** Where an invocation's queue is: the item records its URL or (usually) its name. */
export interface QueueRef {
  url?: string;
  name?: string;
}

/** What the item looked like when a conditional write was refused (undefined: no such item). */
export interface CurrentItem {
  connectionId?: string;
  status?: string;
}

export type StoreOutcome =
  | { kind: 'stored'; queue: QueueRef | undefined }
  | { kind: 'refused'; current: CurrentItem | undefined }
  /** DynamoDB refused the write because the item would pass its size limit; nothing was stored. */
  | { kind: 'too-large'; answerBytes: number; itemBytes: number };

/** A DynamoDB condition with its own placeholders (`#c...` / `:c...`, apart from the written attributes'). */
export interface AnswerCondition {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * Who may answer an invocation: the item exists, is still PENDING, and belongs to the debugger
 * connection the answer came from. The one place that decides it; a session whose answers may
 * come from any of its connections changes this function only.
 */
export function answerableBy(connectionId: string): AnswerCondition {
  return {
    expression: 'attribute_exists(#cRequestId) AND #cConnectionId = :cConnectionId AND #cStatus = :cPending',
    names: { '#cRequestId': Attr.RequestId, '#cConnectionId': Attr.ConnectionId, '#cStatus': Attr.Status },
    values: { ':cConnectionId': connectionId, ':cPending': Status.Pending },
  };
}

/**
 * Writes answers into request items: one conditional UpdateItem, and a GetItem only to explain a refusal.
 * The write rewrites QueueName with itself so that UPDATED_OLD hands back just Status and QueueName:
 * the route needs the queue's name, not the whole item (whose request can be most of 400 KB).
 */
export class DynamoDbAnswerWriter {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes the answer attributes and Status RESPONDED only if `answerableBy(connectionId)` holds;
   * otherwise changes nothing and says what the item is (or, when the answer does not fit the item, both sizes).
   */
  async storeAnswer(requestId: string, connectionId: string, attributes: Record<string, string | number>): Promise<StoreOutcome> {
    const condition = answerableBy(connectionId);
    const entries = Object.entries(attributes);
    const names: Record<string, string> = { ...condition.names, '#aStatus': Attr.Status, '#aQueue': Attr.QueueName };
    const values: Record<string, unknown> = { ...condition.values, ':aResponded': Status.Responded, ':aNoQueue': '' };
    entries.forEach(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
    });
    try {
      const result = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ [Attr.RequestId]: requestId }),
          UpdateExpression: `SET #aStatus = :aResponded, #aQueue = if_not_exists(#aQueue, :aNoQueue), ${entries.map((_e, i) => `#a${i} = :a${i}`).join(', ')}`,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values),
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return { kind: 'stored', queue: queueOf(unmarshall(result.Attributes ?? {})) };
    } catch (err) {
      if (isItemTooLarge(err)) return { kind: 'too-large', answerBytes: itemSize(attributes), itemBytes: await this.itemBytes(requestId) };
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return { kind: 'refused', current: await this.current(requestId) };
    }
  }

  /** The item's size as DynamoDB counts it; read only to explain a refused answer, so the whole item is fine. */
  private async itemBytes(requestId: string): Promise<number> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ [Attr.RequestId]: requestId }), ConsistentRead: true }));
    return Item === undefined ? 0 : itemSize(unmarshall(Item));
  }

  private async current(requestId: string): Promise<CurrentItem | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ [Attr.RequestId]: requestId }),
        ConsistentRead: true,
        ProjectionExpression: '#conn, #status',
        ExpressionAttributeNames: { '#conn': Attr.ConnectionId, '#status': Attr.Status },
      }),
    );
    if (Item === undefined) return undefined;
    const item = unmarshall(Item);
    return { connectionId: stringOrUndefined(item[Attr.ConnectionId]), status: stringOrUndefined(item[Attr.Status]) };
  }
}

/** DynamoDB's ValidationException for an update that would pass the 400 KB item limit. */
function isItemTooLarge(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'ValidationException' && /item size/i.test((err as Error).message);
}

function queueOf(item: Record<string, unknown>): QueueRef | undefined {
  const url = stringOrUndefined(item[Attr.QueueUrl]);
  const name = stringOrUndefined(item[Attr.QueueName]);
  if (url === undefined && name === undefined) return undefined;
  return { ...(url !== undefined ? { url } : {}), ...(name !== undefined ? { name } : {}) };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
