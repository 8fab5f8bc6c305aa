import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Attr, DEBUGGER_DISCONNECTED_ERROR_TYPE, Status } from '../../protocol/index.js';
import { PlldbErrorType } from '../../runtime/src/errors.js';
import { errorOf, startWorld, type World } from './support/world.js';
import { TestDebugger } from './support/test-debugger.js';

describe('end to end: no answer, late answer, debugger gone', () => {
  let world: World;
  /** Measured figures, printed once at the end (no timing asserts). */
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    world = await startWorld();
    // The runtime gives up a second (its default margin) before Lambda's 3 s timeout.
    world.attach('short', { timeout: 3 });
  });

  afterAll(async () => {
    process.stdout.write(`e2e figures: ${JSON.stringify(figures)}\n`);
    await world?.stop();
  });

  it('errors before the function timeout without an answer, marks the item TIMED_OUT and refuses a late answer', async () => {
    const started = Date.now();
    const [result, request] = await Promise.all([world.sandbox.invoke('short', { waits: 'forever' }), world.debuggerClient.request('short')]);
    figures.noAnswerErrorAfterMs = Date.now() - started;
    expect(result.requestId).toBe(request.requestId);
    // The runtime's own error, not Lambda's timeout (which would mean the runtime overran).
    expect(errorOf(result).errorType).toBe(PlldbErrorType.Timeout);
    expect((await world.item(result.requestId))?.[Attr.Status]).toBe(Status.TimedOut);
    const late = await world.debuggerClient.answer(result.requestId, '"too late"');
    expect(late).toMatchObject({ type: 'error', requestId: result.requestId });
    const item = await world.item(result.requestId);
    expect(item?.[Attr.Status]).toBe(Status.TimedOut);
    expect(item?.[Attr.Response]).toBeUndefined();
  });

  it('errors within about a second when the attached debugger has disconnected', async () => {
    const gone = await TestDebugger.connect(world.sandbox.endpoints.webSocketUrl);
    world.attach('orphan', { connectionId: gone.connectionId, timeout: 10 });
    expect(world.sandbox.dropConnection(gone.connectionId)).toBe(true);
    const started = Date.now();
    const result = await world.sandbox.invoke('orphan', { anyone: 'there?' });
    figures.disconnectedErrorAfterMs = Date.now() - started;
    expect(errorOf(result).errorType).toBe(PlldbErrorType.Gone);
    expect((await world.item(result.requestId))?.[Attr.Status]).toBe(Status.Failed);
    expect(await world.queuesGone()).toEqual([]);
  });

  it('errors within about a second when the debugger disconnects while the invocation waits', async () => {
    const leaving = await TestDebugger.connect(world.sandbox.endpoints.webSocketUrl);
    world.attach('abandoned', { connectionId: leaving.connectionId, timeout: 10 });
    const invoked = world.sandbox.invoke('abandoned', { step: 'through' });
    const request = await leaving.request('abandoned');
    const dropped = Date.now();
    expect(world.sandbox.dropConnection(leaving.connectionId)).toBe(true);
    const result = await invoked;
    figures.droppedMidWaitErrorAfterMs = Date.now() - dropped;
    expect(result.requestId).toBe(request.requestId);
    expect(errorOf(result)).toMatchObject({ errorType: DEBUGGER_DISCONNECTED_ERROR_TYPE, errorMessage: expect.stringContaining(leaving.connectionId) });
    await world.itemWhen(result.requestId, (item) => item[Attr.Status] === Status.Delivered);
    expect(await world.queuesGone()).toEqual([]);
  });
});
