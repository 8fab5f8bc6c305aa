import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Env, RuntimeMode, WhenDisconnected, type DebuggerRequestMessage } from '../../protocol/index.js';
import { SANDBOX_LAYERS } from '../../sandbox/index.js';
import { PlldbErrorType } from '../../runtime/src/errors.js';
import { echoWith, errorOf, startWorld, type World } from './support/world.js';
import { TestDebugger } from './support/test-debugger.js';

/** The deployed code: answers with who it is and its process id, or exits when asked to (a crash). */
const NODE_HANDLER = `export const handler = async (event) => {
  if (event.crash) process.exit(7);
  return { handledBy: 'deployed-node', event, pid: process.pid, nodeOptions: process.env.NODE_OPTIONS ?? null };
};
`;
const PYTHON_HANDLER = `import os

def handler(event, context):
    if event.get("crash"):
        os._exit(7)
    return {"handledBy": "deployed-python", "event": event, "pid": os.getpid()}
`;

const KINDS = {
  node: { runtime: 'nodejs22.x', handler: 'index.handler', layer: SANDBOX_LAYERS.node.arn },
  python: { runtime: 'python3.12', handler: 'app.handler', layer: SANDBOX_LAYERS.standaloneX8664.arn },
} as const;

type Kind = keyof typeof KINDS;

describe('end to end: who answers (pass-through, route filter, observe) with the built layer', () => {
  let world: World;
  const codeDir = mkdtempSync(join(tmpdir(), 'plldb-traffic-'));

  const create = (name: string, kind: Kind, connectionId: string, env: Record<string, string>) => {
    const k = KINDS[kind];
    world.sandbox.createFunction({
      name,
      runtime: k.runtime,
      handler: k.handler,
      codeDir,
      layers: [k.layer],
      timeout: 10,
      environment: { ...world.sandbox.debugEnvironment(connectionId), ...env },
    });
  };
  const payload = (result: { payload: string }) => JSON.parse(result.payload) as { handledBy: string; event: unknown; pid: number };
  const requestsFor = (client: TestDebugger, name: string) =>
    client.received.filter((m): m is DebuggerRequestMessage => m.type === 'request' && m.lambdaFunctionName === name);

  beforeAll(async () => {
    writeFileSync(join(codeDir, 'index.mjs'), NODE_HANDLER);
    writeFileSync(join(codeDir, 'app.py'), PYTHON_HANDLER);
    // One execution environment per function: each learns on its own that the debugger is gone.
    world = await startWorld({ concurrency: 1 });
    world.debuggerClient.behaviour = echoWith((event) => ({ handledBy: 'debugger', event }));
  });

  afterAll(async () => {
    await world?.stop();
    rmSync(codeDir, { recursive: true, force: true });
  });

  for (const kind of ['node', 'python'] as const) {
    it(`${kind}: after the debugger's connection is gone the deployed code answers, writing nothing, and a crash of it is reported and recovered`, async () => {
      const name = `passthrough-${kind}`;
      const leaving = await TestDebugger.connect(world.sandbox.endpoints.webSocketUrl, echoWith((event) => ({ handledBy: 'debugger', event })));
      // The function's own NODE_OPTIONS reach its deployed runtime through the wrapper.
      create(name, kind, leaving.connectionId, { [Env.WhenDisconnected]: WhenDisconnected.Passthrough, NODE_OPTIONS: '--max-http-header-size=16385' });
      expect(payload(await world.sandbox.invoke(name, { n: 1 })).handledBy).toBe('debugger');

      expect(world.sandbox.dropConnection(leaving.connectionId)).toBe(true);
      const first = await world.sandbox.invoke(name, { n: 2 });
      expect(first.functionError).toBeUndefined();
      expect(payload(first)).toMatchObject({ handledBy: `deployed-${kind}`, event: { n: 2 } });
      if (kind === 'node') expect(payload(first)).toMatchObject({ nodeOptions: '--max-http-header-size=16385' });

      const second = await world.sandbox.invoke(name, { n: 3 });
      expect(payload(second)).toMatchObject({ handledBy: `deployed-${kind}`, event: { n: 3 } });
      // Once the connection is known gone: no item, no queue, no message.
      expect(await world.item(second.requestId)).toBeUndefined();
      expect(await world.queuesGone()).toEqual([]);
      // Kept warm: the same runtime process answered both.
      expect(payload(second).pid).toBe(payload(first).pid);

      const crashed = await world.sandbox.invoke(name, { crash: true });
      expect(errorOf(crashed)).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('exit status 7') });
      const after = await world.sandbox.invoke(name, { n: 4 });
      expect(payload(after)).toMatchObject({ handledBy: `deployed-${kind}`, event: { n: 4 } });
      expect(payload(after).pid).not.toBe(payload(first).pid);
      leaving.close();
    });
  }

  it('passes through an invocation whose debugger disconnects while it waits', async () => {
    const leaving = await TestDebugger.connect(world.sandbox.endpoints.webSocketUrl);
    create('mid-wait', 'node', leaving.connectionId, { [Env.WhenDisconnected]: WhenDisconnected.Passthrough });
    const invoked = world.sandbox.invoke('mid-wait', { step: 'through' });
    await leaving.request('mid-wait');
    expect(world.sandbox.dropConnection(leaving.connectionId)).toBe(true);
    expect(payload(await invoked)).toMatchObject({ handledBy: 'deployed-node', event: { step: 'through' } });
  });

  it('keeps today\'s error without pass-through', async () => {
    const leaving = await TestDebugger.connect(world.sandbox.endpoints.webSocketUrl);
    create('strict', 'node', leaving.connectionId, {});
    expect(world.sandbox.dropConnection(leaving.connectionId)).toBe(true);
    expect(errorOf(await world.sandbox.invoke('strict', { n: 1 })).errorType).toBe(PlldbErrorType.Gone);
  });

  it('routes a mix of events by the filter: matching ones to the debugger, the others to the deployed code with no item', async () => {
    const filter = { detail: { type: [{ prefix: 'order.' }], amount: [{ numeric: ['>=', 100] }] } };
    create('filtered', 'node', world.debuggerClient.connectionId, { [Env.RouteFilter]: JSON.stringify(filter) });
    const events = [
      { detail: { type: 'order.created', amount: 250 } },
      { detail: { type: 'order.created', amount: 5 } },
      { detail: { type: 'refund.created', amount: 500 } },
      { detail: { type: 'order.paid', amount: 100 } },
      'not an object',
    ];
    const results = [];
    for (const event of events) results.push(await world.sandbox.invoke('filtered', event));
    expect(results.map((r) => payload(r).handledBy)).toEqual(['debugger', 'deployed-node', 'deployed-node', 'debugger', 'deployed-node']);
    expect(requestsFor(world.debuggerClient, 'filtered').map((m) => JSON.parse(m.event ?? 'null') as unknown)).toEqual([events[0], events[3]]);
    for (const passed of [results[1], results[2], results[4]]) expect(await world.item(passed?.requestId ?? '')).toBeUndefined();
  });

  it('fails init naming PLLDB_ROUTE_FILTER when the pattern is not valid', async () => {
    create('bad-filter', 'node', world.debuggerClient.connectionId, { [Env.RouteFilter]: '{"detail":{"type":"order"}}' });
    const result = await world.sandbox.invoke('bad-filter', {});
    expect(errorOf(result).errorMessage).toContain(Env.RouteFilter);
  });

  it('observe: the deployed code answers every invocation; the debugger gets marked copies, at most one per sample period', async () => {
    const watcher = await TestDebugger.connect(world.sandbox.endpoints.webSocketUrl, echoWith(() => ({ handledBy: 'debugger' })));
    create('observed-all', 'node', watcher.connectionId, { [Env.Mode]: RuntimeMode.Observe, [Env.ObserveSampleMs]: '0' });
    create('observed-sampled', 'node', watcher.connectionId, { [Env.Mode]: RuntimeMode.Observe, [Env.ObserveSampleMs]: '600000' });
    for (let n = 0; n < 3; n++) {
      expect(payload(await world.sandbox.invoke('observed-all', { n })).handledBy).toBe('deployed-node');
      expect(payload(await world.sandbox.invoke('observed-sampled', { n })).handledBy).toBe('deployed-node');
    }
    const copies = requestsFor(watcher, 'observed-all');
    expect(copies).toHaveLength(3);
    expect(copies.every((m) => m.observation === true)).toBe(true);
    expect(requestsFor(watcher, 'observed-sampled')).toHaveLength(1);
    // The debugger's answer to a copy is refused: there is no item to write it to.
    const reply = await watcher.answer(copies[0]?.requestId ?? '', '"ignored"');
    expect(reply).toMatchObject({ type: 'error' });
    watcher.close();
  });
});
