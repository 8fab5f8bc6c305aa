import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Attr, DeliveredVia, EXEC_WRAPPER_PATH, Env, Status } from '../../protocol/index.js';
import { SLOW_POLL, THINK_MS, echoWith, errorOf, startWorld, type World } from './support/world.js';

const delivered = (item: Record<string, unknown>) => item[Attr.Status] === Status.Delivered;

describe('end to end: how an answer reaches the function (real layer, relay and route handlers)', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    world.attach('slow-poll', { env: SLOW_POLL });
    world.attach('default-poll');
    world.attach('python', { kind: 'python' });
    for (const [name, kind] of [['detached', 'node'], ['python-detached', 'python']] as const) {
      world.attach(name, { kind });
      world.sandbox.functions.updateFunctionConfiguration(name, { environment: { [Env.ExecWrapper]: EXEC_WRAPPER_PATH } });
    }
  });

  afterEach(() => {
    world.debuggerClient.behaviour = undefined;
    world.sandbox.relay.start();
    world.sandbox.fastPath.start();
    world.sandbox.conditions.failSqs(undefined);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('answers through the SQS arm (the $default fast path) while the poll is slowed down', async () => {
    world.debuggerClient.behaviour = echoWith((event) => ({ answered: event }), THINK_MS);
    const result = await world.sandbox.invoke('slow-poll', { path: 'fast' });
    expect(result.functionError).toBeUndefined();
    expect(JSON.parse(result.payload)).toEqual({ answered: { path: 'fast' } });
    const item = await world.itemWhen(result.requestId, delivered);
    expect(item[Attr.DeliveredVia]).toBe(DeliveredVia.Sqs);
  });

  it('answers through the SQS arm fed by the stream relay when the fast path is off', async () => {
    world.sandbox.fastPath.stop();
    await world.sandbox.relay.whenIdle();
    world.sandbox.resetMetrics();
    world.debuggerClient.behaviour = echoWith((event) => ({ relayed: event }), THINK_MS);
    const result = await world.sandbox.invoke('slow-poll', { path: 'relay' });
    expect(JSON.parse(result.payload)).toEqual({ relayed: { path: 'relay' } });
    const item = await world.itemWhen(result.requestId, delivered);
    expect(item[Attr.DeliveredVia]).toBe(DeliveredVia.Sqs);
    expect(world.sandbox.metrics().requestsByCaller.relay?.['SQS.SendMessage']).toBe(1);
  });

  it('answers through the poll arm when the relay is stopped and the fast path is off', async () => {
    world.sandbox.relay.stop();
    world.sandbox.fastPath.stop();
    world.debuggerClient.behaviour = echoWith((event) => ({ polled: event }));
    const result = await world.sandbox.invoke('default-poll', { path: 'poll' });
    expect(JSON.parse(result.payload)).toEqual({ polled: { path: 'poll' } });
    const item = await world.itemWhen(result.requestId, delivered);
    expect(item[Attr.DeliveredVia]).toBe(DeliveredVia.Poll);
  });

  it('still answers through the poll arm while every SQS call fails', async () => {
    world.sandbox.conditions.failSqs('ServiceUnavailable');
    world.debuggerClient.behaviour = echoWith(() => 'despite SQS');
    const result = await world.sandbox.invoke('default-poll', { path: 'sqs-down' });
    expect(JSON.parse(result.payload)).toBe('despite SQS');
    const item = await world.itemWhen(result.requestId, delivered);
    expect(item[Attr.DeliveredVia]).toBe(DeliveredVia.Poll);
    expect(world.invocationQueues()).toEqual([]);
  });

  it("returns the debugger's handler error to the caller with its type and message", async () => {
    world.debuggerClient.behaviour = (request, client) => client.answerError(request.requestId, 'order 42 has no lines', 'ValidationError');
    const result = await world.sandbox.invoke('slow-poll', { orderId: 42 });
    expect(result.functionError).toBe('Unhandled');
    expect(errorOf(result)).toMatchObject({ errorType: 'ValidationError', errorMessage: 'order 42 has no lines' });
  });

  it('debugs a Python function through the standalone layer the same way', async () => {
    world.debuggerClient.behaviour = echoWith((event) => ({ fromDebugger: event }));
    const [result, request] = await Promise.all([world.sandbox.invoke('python', { lang: 'py' }), world.debuggerClient.request('python')]);
    expect(request.runtime).toContain('python3.12');
    expect(JSON.parse(result.payload)).toEqual({ fromDebugger: { lang: 'py' } });
  });

  it("runs a Python function's own handler through the standalone layer without the debugger variables", async () => {
    const result = await world.sandbox.invoke('python-detached', { plain: 'py' });
    expect(JSON.parse(result.payload)).toEqual({ handledBy: 'own-python-handler', event: { plain: 'py' }, requestId: result.requestId });
  });

  it("runs the function's own handler, untouched, without the debugger variables", async () => {
    const result = await world.sandbox.invoke('detached', { plain: true });
    expect(JSON.parse(result.payload)).toEqual({ handledBy: 'own-handler', event: { plain: true }, requestId: result.requestId });
    expect(await world.item(result.requestId)).toBeUndefined();
    expect(world.debuggerClient.received.filter((m) => m.type === 'request' && m.lambdaFunctionName === 'detached')).toEqual([]);
  });
});
