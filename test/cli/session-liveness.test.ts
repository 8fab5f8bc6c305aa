import { describe, expect, it } from '@jest/globals';
import { sessionConnectionState } from '../../cli/src/attach/session-liveness.js';
import type { ConnectionState, ConnectionStatusApi } from '../../cli/src/aws/connection-status-api.js';
import type { SessionDirectory } from '../../cli/src/aws/session-directory.js';

/** API Gateway as far as GetConnection goes: these connections are open, every other one is gone. */
const apiWith = (open: string[]): ConnectionStatusApi & { asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    async state(_endpoint, connectionId): Promise<ConnectionState> {
      asked.push(connectionId);
      return open.includes(connectionId) ? { state: 'connected' } : { state: 'gone' };
    },
  };
};
const directory = (current: string | undefined | Error): SessionDirectory => ({
  currentConnection: async () => {
    if (current instanceof Error) throw current;
    return current;
  },
});
const query = { endpoint: 'https://api.example/prod', tableName: 'PLLDBDebugger', sessionId: 'session-a', connectionId: 'conn-old' };

describe("whether the session that holds a function is connected (a session outlives its connections)", () => {
  it('the recorded connection open: connected, and the table is not read', async () => {
    const api = apiWith(['conn-old']);
    const result = await sessionConnectionState(api, directory(new Error('must not be read')), query);
    expect(result).toEqual({ connectionId: 'conn-old', state: { state: 'connected' } });
  });

  it('the recorded connection closed, the session moved to an open one (plldb debug replaced it): connected, on the new one', async () => {
    const api = apiWith(['conn-new']);
    expect(await sessionConnectionState(api, directory('conn-new'), query)).toEqual({ connectionId: 'conn-new', state: { state: 'connected' } });
    expect(api.asked).toEqual(['conn-old', 'conn-new']);
  });

  it('closed when the session item names no other connection, names a closed one, or cannot be read', async () => {
    for (const current of [undefined, 'conn-old', 'conn-other', new Error('AccessDenied')]) {
      expect((await sessionConnectionState(apiWith([]), directory(current), query)).state).toEqual({ state: 'gone' });
    }
  });
});
