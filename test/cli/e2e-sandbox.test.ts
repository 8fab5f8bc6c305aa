import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { EXEC_WRAPPER_PATH, Env, RESULT_TOO_LARGE_ERROR_TYPE, WEBSOCKET_MESSAGE_LIMIT_BYTES, type DebuggerRequestMessage } from '../../protocol/index.js';
import { SANDBOX_LAYERS } from '../../sandbox/index.js';
import { runDebug, type DebugHost } from '../../cli/src/commands/debug.js';
import type { AnswerDelivery } from '../../cli/src/debug/answer-delivery.js';
import { openWebSocket } from '../../cli/src/debug/connection.js';
import { buildProgram } from '../../cli/src/program.js';
import type { RestorableConfig } from '../../cli/src/demo/configuration-check.js';
import { waitFor } from './helpers.js';
import { EXAMPLES, NODE_FN, PYTHON_FN, SandboxWorld } from './sandbox-support.js';

/** The CLI against the sandbox: the real layer, relay and route handlers; only the machine is local. */
describe('plldb debug, attach and detach against the sandbox', () => {
  let world: SandboxWorld;
  const before = new Map<string, RestorableConfig>();

  beforeAll(async () => {
    world = await SandboxWorld.start();
    for (const fn of [NODE_FN, PYTHON_FN]) before.set(fn.name, await world.config(fn.name));
  });

  afterAll(() => world?.stop());

  describe('plldb debug', () => {
    const lines: string[] = [];
    const requests: DebuggerRequestMessage[] = [];
    const deliveries = new Map<string, AnswerDelivery>();
    const exitCodes: number[] = [];
    const host: DebugHost & { events: EventEmitter } = {
      events: new EventEmitter(),
      exit: (code) => exitCodes.push(code),
      info: (l) => lines.push(l),
      warn: (l) => lines.push(`WARN ${l}`),
      observer: { requestReceived: (msg) => requests.push(msg), answerSent: (id, delivery) => deliveries.set(id, delivery) },
    };

    beforeAll(() => runDebug({ function: [NODE_FN.name, PYTHON_FN.name], code: EXAMPLES, stack: world.sandbox.stackName, python: 'python3', timeout: 60 }, host));

    afterAll(async () => {
      if (exitCodes.length === 0) host.events.emit('SIGTERM');
      await waitFor(() => exitCodes.length > 0);
    });

    it('attaches both functions: layer by runtime, wrapper, debugger variables, timeout, role policy', async () => {
      expect(exitCodes).toEqual([]);
      const node = await world.config(NODE_FN.name);
      const python = await world.config(PYTHON_FN.name);
      expect(node.layers).toEqual([SANDBOX_LAYERS.node.arn]);
      expect(python.layers).toEqual([SANDBOX_LAYERS.standaloneX8664.arn]);
      for (const config of [node, python]) {
        expect(config.environment).toMatchObject({ GREETING_STYLE: 'friendly', [Env.ExecWrapper]: EXEC_WRAPPER_PATH, [Env.ConnectionId]: expect.any(String), [Env.SessionId]: expect.any(String) });
        expect(config.timeout).toBe(60);
        expect(config.rolePolicy).toContain('sts:AssumeRole');
      }
    });

    it.each([NODE_FN, PYTHON_FN])('$runtime: a result and a handler error come back from the local handler', async (fn) => {
      const ok = await world.invoke(fn.name, { name: 'Ada' });
      expect(ok.functionError).toBeUndefined();
      expect(ok.payload).toMatchObject({ message: expect.stringMatching(/^Hello, Ada, from (Node\.js|Python)/), requestId: ok.requestId });
      const failed = await world.invoke(fn.name, { fail: true });
      expect(failed.functionError).toBe('Unhandled');
      expect(failed.payload).toMatchObject({ errorType: 'GreetingError', errorMessage: `asked to fail (request ${failed.requestId})` });
      // The line is printed once the API confirmed the answer, which may reach plldb debug after the caller has it.
      await waitFor(() => lines.find((l) => new RegExp(`  ${fn.name}  ${failed.requestId}  \\d+ ms  error GreetingError: asked to fail`).test(l)));
    });

    it('reads an event over the WebSocket message limit from the item', async () => {
      const blob = 'e'.repeat(WEBSOCKET_MESSAGE_LIMIT_BYTES + 10_000);
      const out = await world.invoke(NODE_FN.name, { name: 'Big', blob });
      expect(out.payload).toMatchObject({ message: expect.stringContaining('Hello, Big') });
      expect(requests.find((r) => r.requestId === out.requestId)).toMatchObject({ eventInline: false });
    });

    // 200 KB travels on the queue inline; 300 KB passes the queue's 256 KB, so the relay sends a pointer to the item.
    it.each([
      { fn: PYTHON_FN, size: 200_000 },
      { fn: NODE_FN, size: 300_000 },
    ])('$fn.runtime: a result of $size bytes is written into the item and returned whole', async ({ fn, size }) => {
      const out = await world.invoke(fn.name, { name: 'Ada', pad: size });
      expect(out.functionError).toBeUndefined();
      expect(out.payload.padding).toBe('x'.repeat(size));
      expect(deliveries.get(out.requestId)).toBe('item');
    });

    it('a result over the item limit becomes an error saying its size and the limit', async () => {
      const out = await world.invoke(NODE_FN.name, { name: 'Ada', pad: 500_000 });
      expect(out.functionError).toBe('Unhandled');
      expect(out.payload).toMatchObject({ errorType: RESULT_TOO_LARGE_ERROR_TYPE, errorMessage: expect.stringMatching(/result \(\d{6} bytes\) is too large to return through PLLDB.*409600 bytes/) });
      expect(deliveries.get(out.requestId)).toBe('too-large');
    });

    it('on SIGTERM detaches and restores both functions exactly', async () => {
      host.events.emit('SIGTERM');
      await waitFor(() => exitCodes.length > 0);
      expect(exitCodes).toEqual([143]);
      for (const fn of [NODE_FN, PYTHON_FN]) expect(await world.config(fn.name)).toEqual(before.get(fn.name));
      expect(lines.filter((l) => l.startsWith('WARN') && !l.includes('behaviour may differ'))).toEqual([expect.stringContaining('does not fit the table item')]);
    });
  });

  describe('plldb attach and detach', () => {
    const printed: string[] = [];
    /** Runs a plldb command line; returns its exit code, and what it printed goes to `printed`. */
    const run = async (...args: string[]) => {
      const previous = process.exitCode;
      const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => printed.push(String(chunk).trimEnd()) > 0);
      try {
        await buildProgram().exitOverride().parseAsync(['node', 'plldb', ...args]);
      } finally {
        stdout.mockRestore();
      }
      const code = process.exitCode;
      process.exitCode = previous;
      return code ?? 0;
    };

    it('attach sends invocations to a connection, a raw answer returns, detach restores exactly; both idempotent', async () => {
      const replies: string[] = [];
      const requests: DebuggerRequestMessage[] = [];
      const connection = await openWebSocket(world.sandbox.endpoints.webSocketUrl, {
        onMessage: (text) => {
          const msg = JSON.parse(text) as { type: string };
          if (msg.type === 'request') requests.push(msg as DebuggerRequestMessage);
          else replies.push(text);
        },
        onClose: () => undefined,
      });
      try {
        await connection.send({ action: 'whoami' });
        const connectionId = (JSON.parse(await waitFor(() => replies.find((r) => r.includes('whoami')))) as { connectionId: string }).connectionId;
        expect(await run('attach', '--function', PYTHON_FN.name, '--connection-id', connectionId, '--timeout', '30')).toBe(0);
        expect(await run('attach', '--function', PYTHON_FN.name, '--connection-id', connectionId)).toBe(0);
        expect((await world.config(PYTHON_FN.name)).environment).toMatchObject({ [Env.ConnectionId]: connectionId });

        const invocation = world.invoke(PYTHON_FN.name, { name: 'Raw' });
        const request = await waitFor(() => requests[0]);
        expect(request).toMatchObject({ lambdaFunctionName: PYTHON_FN.name, handler: PYTHON_FN.handler, event: JSON.stringify({ name: 'Raw' }) });
        await connection.send({ action: 'response', requestId: request.requestId, statusCode: 200, response: '{"answered":"by hand"}' });
        expect((await invocation).payload).toEqual({ answered: 'by hand' });
      } finally {
        connection.close();
      }
      expect(await run('detach', '--function', PYTHON_FN.name)).toBe(0);
      expect(await run('detach', '--function', PYTHON_FN.name)).toBe(0);
      expect(await world.config(PYTHON_FN.name)).toEqual(before.get(PYTHON_FN.name));
      expect(printed).toEqual([
        expect.stringMatching(new RegExp(`^attached ${PYTHON_FN.name} \\(python3.12, layer .*PLLDBLayerStandaloneX8664:1\\) to connection `)),
        expect.stringMatching(new RegExp(`^re-attached ${PYTHON_FN.name} `)),
        `detached ${PYTHON_FN.name}: configuration restored`,
        `${PYTHON_FN.name} is not attached: nothing to do`,
      ]);
    });
  });
});
