import { describe, expect, it } from '@jest/globals';
import { Attr, DYNAMODB_ITEM_LIMIT_BYTES, RESULT_TOO_LARGE_ERROR_TYPE, WEBSOCKET_MESSAGE_LIMIT_BYTES, type DebuggerResponseMessage } from '../../protocol/index.js';
import type { StoreOutcome } from '../../protocol/answer-write.js';
import { deliverAnswer, type AnswerWriter } from '../../cli/src/debug/answer-delivery.js';

/** An item store that keeps what it is asked to write, or answers as told. */
function store(answer: () => Promise<StoreOutcome> = async () => ({ kind: 'stored', queue: { name: 'q' } })) {
  const writes: { requestId: string; connectionId: string; attributes: Record<string, string | number> }[] = [];
  const s: AnswerWriter = {
    storeAnswer: async (requestId, connectionId, attributes) => {
      writes.push({ requestId, connectionId, attributes });
      return answer();
    },
  };
  return { store: s, writes };
}

function route() {
  const sent: DebuggerResponseMessage[] = [];
  return { sent, route: { connectionId: 'conn-1', send: async (m: DebuggerResponseMessage) => void sent.push(m) } };
}

const ok = (bytes: number): DebuggerResponseMessage => ({ action: 'response', requestId: 'req-1', statusCode: 200, response: JSON.stringify('x'.repeat(bytes)) });

describe('deliverAnswer', () => {
  it('sends an answer that fits a WebSocket message as a message', async () => {
    const { route: r, sent } = route();
    const { store: s, writes } = store();
    await expect(deliverAnswer(ok(WEBSOCKET_MESSAGE_LIMIT_BYTES - 200), r, s, () => undefined)).resolves.toBe('websocket');
    expect(sent).toHaveLength(1);
    expect(writes).toHaveLength(0);
  });

  it('writes a larger answer into the item, for this connection, with the protocol attributes', async () => {
    const { route: r, sent } = route();
    const { store: s, writes } = store();
    const answer = ok(200_000);
    await expect(deliverAnswer(answer, r, s, () => undefined)).resolves.toBe('item');
    expect(sent).toHaveLength(0);
    expect(writes).toEqual([{ requestId: 'req-1', connectionId: 'conn-1', attributes: { [Attr.ResponseCode]: 200, [Attr.Response]: answer.response } }]);
  });

  it('writes a large error answer as the Error attribute', async () => {
    const { route: r } = route();
    const { store: s, writes } = store();
    const answer: DebuggerResponseMessage = { action: 'response', requestId: 'req-1', statusCode: 500, errorMessage: 'm'.repeat(150_000), errorType: 'Boom', stackTrace: [] };
    await expect(deliverAnswer(answer, r, s, () => undefined)).resolves.toBe('item');
    expect(JSON.parse(String(writes[0]!.attributes[Attr.Error]))).toMatchObject({ errorType: 'Boom' });
  });

  it('replaces an answer the item cannot hold with an error answer that gives both sizes and the limit', async () => {
    const { route: r, sent } = route();
    const { store: s, writes } = store(async () => ({ kind: 'too-large', answerBytes: 300_043, itemBytes: 150_000 }));
    const warnings: string[] = [];
    await expect(deliverAnswer(ok(300_000), r, s, (l) => warnings.push(l))).resolves.toBe('too-large');
    expect(writes).toHaveLength(1);
    expect(sent).toEqual([expect.objectContaining({ requestId: 'req-1', statusCode: 500, errorType: RESULT_TOO_LARGE_ERROR_TYPE })]);
    // Attribute names count: "ResponseCode" and "Response" with their values.
    expect(sent[0]!.errorMessage).toContain(`result (300043 bytes) is too large to return through PLLDB`);
    expect(sent[0]!.errorMessage).toContain('which already holds 150000 bytes');
    expect(sent[0]!.errorMessage).toContain(String(DYNAMODB_ITEM_LIMIT_BYTES));
    expect(warnings).toEqual([expect.stringContaining('req-1')]);
  });

  it('does not try to store a result larger than any item', async () => {
    const { route: r, sent } = route();
    const { store: s, writes } = store();
    await expect(deliverAnswer(ok(DYNAMODB_ITEM_LIMIT_BYTES + 1), r, s, () => undefined)).resolves.toBe('too-large');
    expect(writes).toHaveLength(0);
    expect(sent[0]!.errorType).toBe(RESULT_TOO_LARGE_ERROR_TYPE);
  });

  it('fails, saying why, when the item is no longer ours to answer', async () => {
    const { route: r, sent } = route();
    const { store: s } = store(async () => ({ kind: 'refused', current: { connectionId: 'conn-1', status: 'TIMED_OUT' } }));
    await expect(deliverAnswer(ok(200_000), r, s, () => undefined)).rejects.toThrow('the request is TIMED_OUT, no longer waiting for an answer');
    const other = store(async () => ({ kind: 'refused', current: { connectionId: 'conn-2', status: 'PENDING' } }));
    await expect(deliverAnswer(ok(200_000), r, other.store, () => undefined)).rejects.toThrow('belongs to another debugger connection');
    expect(sent).toHaveLength(0);
  });
});
