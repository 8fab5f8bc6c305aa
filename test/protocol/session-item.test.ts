import { describe, expect, it } from '@jest/globals';
import { Attr, SESSION_ITEM_TTL_SECONDS, currentConnectionOf, sessionItem, sessionItemKey } from '../../protocol/index.js';

describe('session item', () => {
  it('is keyed SESSION#<sessionId> and records the current connection with a TTL', () => {
    const item = sessionItem('s-1', 'conn-9', 1_700_000_000_000);
    expect(item).toEqual({
      [Attr.RequestId]: 'SESSION#s-1',
      [Attr.CurrentConnectionId]: 'conn-9',
      [Attr.CreatedAt]: 1_700_000_000_000,
      [Attr.ExpiresAt]: 1_700_000_000 + SESSION_ITEM_TTL_SECONDS,
    });
    expect(sessionItemKey('s-1')).toBe(item[Attr.RequestId]);
    expect(currentConnectionOf(item)).toBe('conn-9');
  });

  it('stays out of both indexes and of every PENDING query (no SessionId, ConnectionId or Status)', () => {
    for (const attr of [Attr.SessionId, Attr.ConnectionId, Attr.Status]) expect(sessionItem('s', 'c', 0)).not.toHaveProperty(attr);
  });

  it('reads no connection from a missing or foreign item', () => {
    expect(currentConnectionOf(undefined)).toBeUndefined();
    expect(currentConnectionOf({ [Attr.CurrentConnectionId]: '' })).toBeUndefined();
    expect(currentConnectionOf({ [Attr.CurrentConnectionId]: 42 })).toBeUndefined();
  });
});
