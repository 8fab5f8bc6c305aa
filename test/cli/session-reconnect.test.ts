import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEBUGGER_DISCONNECTED_ERROR_TYPE, Env, Status, readAnswer, sessionItemKey, type DebuggerRequestMessage } from '../../protocol/index.js';
import { runDebug, type DebugHost } from '../../cli/src/commands/debug.js';
import { openWebSocket } from '../../cli/src/debug/connection.js';
import { ROOT, SandboxWorld } from './sandbox-support.js';
import { waitFor } from './helpers.js';
import { recordFigures } from '../reliability/support/figures.js';

const FIXTURES = join(ROOT, 'test', 'cli', 'fixtures');
const HELD_FN = { name: 'e2e-held', runtime: 'nodejs22.x', handler: 'node/held.handler' };
/** The sandbox closes every WebSocket after this long (API Gateway: 2 hours), */
const MAX_CONNECTION_MS = 8000;
/** and plldb debug replaces its connection after this long (default: 10 minutes before the 2 hours). */
const REPLACE_AFTER_MS = 3000;

/**
 * A debugging session outlives its WebSocket connections: the real CLI, the real built layer,
 * relay and route handlers over the sandbox, with API Gateway's 2-hour limit shortened.
 */
describe('plldb debug across WebSocket connections (sandbox, shortened connection limit)', () => {
  let world: SandboxWorld;
  let dynamo: DynamoDBClient;
  let scratch: string;
  let sessionId: string;
  const lines: string[] = [];
  const requests: DebuggerRequestMessage[] = [];
  const exitCodes: number[] = [];
  const host: DebugHost & { events: EventEmitter } = {
    events: new EventEmitter(),
    exit: (code) => exitCodes.push(code),
    info: (l) => lines.push(l),
    warn: (l) => lines.push(`WARN ${l}`),
    observer: { requestReceived: (msg) => requests.push(msg) },
    replaceConnectionAfterMs: REPLACE_AFTER_MS,
  };

  /** Control-plane calls (Lambda other than Invoke, IAM) since `mark`. */
  const controlPlaneCallsSince = (mark: number) =>
    world.sandbox
      .metrics()
      .requestLog.slice(mark)
      .filter((r) => (r.service === 'Lambda' && r.operation !== 'Invoke') || r.service === 'IAM')
      .map((r) => `${r.service}.${r.operation}`);
  const spawnedInstances = () => world.sandbox.metrics().instances.filter((i) => i.functionName === HELD_FN.name).length;
  const item = async (requestId: string) => unmarshall((await dynamo.send(new GetItemCommand({ TableName: world.sandbox.tableName, Key: marshall({ RequestId: requestId }), ConsistentRead: true }))).Item ?? {});
  const replacements = () => lines.filter((l) => l.startsWith('replaced the WebSocket connection')).length;

  beforeAll(async () => {
    // One environment per function: any replacement of it (as a configuration update causes) shows as a second one.
    world = await SandboxWorld.start({ webSocketMaxConnectionMs: MAX_CONNECTION_MS, concurrency: 1 });
    world.sandbox.createFunction({ ...HELD_FN, codeDir: FIXTURES, timeout: 10 });
    dynamo = new DynamoDBClient({});
    scratch = mkdtempSync(join(tmpdir(), 'plldb-held-'));
    await runDebug({ function: [HELD_FN.name], code: FIXTURES, stack: world.sandbox.stackName, python: 'python3', timeout: 60 }, host);
    sessionId = /session ([0-9a-f-]{36})/.exec(lines.find((l) => l.startsWith('debugging ')) ?? '')?.[1] ?? '';
  });

  afterAll(async () => {
    if (exitCodes.length === 0) host.events.emit('SIGTERM');
    await waitFor(() => exitCodes.length > 0);
    dynamo?.destroy();
    await world?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('an invocation held across the connection switch is answered through the new connection; no function update, no cold start', async () => {
    expect(sessionId).not.toBe('');
    const attachedTo = (await world.config(HELD_FN.name)).environment?.[Env.ConnectionId];
    expect((await world.invoke(HELD_FN.name, { name: 'warm' })).payload).toMatchObject({ answered: 'warm' });
    const instances = spawnedInstances();
    const mark = world.sandbox.metrics().requestLog.length;

    const releaseFile = join(scratch, 'release');
    const heldSince = Date.now();
    const held = world.invoke(HELD_FN.name, { name: 'held', releaseFile });
    const request = await waitFor(() => requests.find((r) => JSON.parse(r.event ?? '{}').name === 'held'));
    const switchesBefore = replacements();
    await waitFor(() => replacements() > switchesBefore);
    const waiting = await item(request.requestId);
    expect(waiting).toMatchObject({ Status: Status.Pending });
    expect(waiting.ConnectionId).not.toBe(request.connectionId);
    writeFileSync(releaseFile, '');
    const answered = await held;
    const heldMs = Date.now() - heldSince;
    const switchesWhileHeld = replacements() - switchesBefore;
    expect(answered.functionError).toBeUndefined();
    expect(answered.payload).toEqual({ answered: 'held', requestId: answered.requestId });

    // The environment's connection is gone: the runtime follows the session item to the current one.
    const after = await world.invoke(HELD_FN.name, { name: 'after' });
    expect(after.payload).toMatchObject({ answered: 'after' });
    expect(requests.find((r) => r.requestId === after.requestId)?.connectionId).not.toBe(attachedTo);

    const controlPlaneCalls = controlPlaneCallsSince(mark);
    expect(controlPlaneCalls).toEqual([]);
    expect(spawnedInstances()).toBe(instances);
    expect((await world.config(HELD_FN.name)).environment?.[Env.ConnectionId]).toBe(attachedTo);
    expect(lines.filter((l) => l.startsWith('WARN') && !l.includes('behaviour may differ'))).toEqual([]);
    await waitFor(() => (world.sandbox.queueNames().length === 0 ? true : undefined));
    recordFigures({
      case: `connection limit (${MAX_CONNECTION_MS} ms for API Gateway's 2 h), switch after ${REPLACE_AFTER_MS} ms, invocation held across it`,
      invocations: 2,
      delivered: [answered, after].filter((o) => o.functionError === undefined).length,
      errors: 0,
      queuesLeft: world.sandbox.queueNames().length,
      durationMs: heldMs,
      note: `${switchesWhileHeld} switch(es) while held; control-plane calls ${controlPlaneCalls.length}; environments ${spawnedInstances()}`,
    });
  });

  it('outlives several connection limits: every connection is replaced before the sandbox closes it', async () => {
    const start = replacements();
    await waitFor(() => replacements() >= start + 2);
    const out = await world.invoke(HELD_FN.name, { name: 'later' });
    expect(out.payload).toMatchObject({ answered: 'later' });
    expect(lines.filter((l) => l.includes('reconnected') || (l.startsWith('WARN') && !l.includes('behaviour may differ')))).toEqual([]);
  });

  it('after a drop it reconnects without updating any function, and the next invocation is answered', async () => {
    const mark = world.sandbox.metrics().requestLog.length;
    // Right after a switch, so the connection read is still the session's when it is dropped.
    const switches = replacements();
    await waitFor(() => replacements() > switches);
    const current = (await item(sessionItemKey(sessionId))).CurrentConnectionId as string;
    expect(world.sandbox.dropConnection(current)).toBe(true);
    await waitFor(() => lines.find((l) => l.startsWith('reconnected as ')));
    const out = await world.invoke(HELD_FN.name, { name: 'after-drop' });
    expect(out.payload).toMatchObject({ answered: 'after-drop' });
    expect(controlPlaneCallsSince(mark)).toEqual([]);
  });

  it('$disconnect fails a waiting invocation only when its session has no other live connection', async () => {
    const replies: string[] = [];
    const extra = await openWebSocket(world.sandbox.endpoints.webSocketUrl, { onMessage: (t) => replies.push(t), onClose: () => undefined });
    await extra.send({ action: 'whoami' });
    const extraId = (JSON.parse(await waitFor(() => replies.find((r) => r.includes('whoami')))) as { connectionId: string }).connectionId;
    const pending = (requestId: string, session: string) => ({
      RequestId: requestId,
      SessionId: session,
      ConnectionId: extraId,
      Status: Status.Pending,
      QueueName: `plldb-${requestId}`,
      CreatedAt: Date.now(),
      ExpiresAt: Math.floor(Date.now() / 1000) + 600,
    });
    // One invocation of the debug session (whose current connection is elsewhere), one of a session with none.
    await dynamo.send(new PutItemCommand({ TableName: world.sandbox.tableName, Item: marshall(pending('live-session-request', sessionId)) }));
    await dynamo.send(new PutItemCommand({ TableName: world.sandbox.tableName, Item: marshall(pending('lone-session-request', 'session-without-connection')) }));

    extra.close();
    const lone = await eventually(async () => {
      const current = await item('lone-session-request');
      return current.Status === Status.Responded ? current : undefined;
    });
    expect(readAnswer(lone)).toMatchObject({ kind: 'error', error: { errorType: DEBUGGER_DISCONNECTED_ERROR_TYPE, errorMessage: expect.stringContaining(extraId) } });
    const live = await item('live-session-request');
    expect(live.Status).toBe(Status.Pending);
    expect(live).not.toHaveProperty('Error');
  });
});

/** Resolves with the async probe's value once it is defined. */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}
