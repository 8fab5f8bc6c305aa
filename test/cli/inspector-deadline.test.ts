import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import inspector from 'node:inspector';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunnerPool } from '../../cli/src/runners/runner-pool.js';
import { InspectorClient } from '../support/inspector-client.js';
import { contextData, waitFor } from './helpers.js';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');

describe('a deadline passing while the handler is paused in the debugger', () => {
  let client: InspectorClient;
  let pool: RunnerPool;
  const infos: string[] = [];

  beforeAll(async () => {
    inspector.open(0, '127.0.0.1');
    client = await InspectorClient.connect(inspector.url()!);
    pool = new RunnerPool({ codeDir: fixtures, info: (l) => infos.push(l), warn: () => undefined, output: () => undefined, graceMs: 100 });
  });

  afterAll(async () => {
    await pool.close();
    client.close();
    inspector.close();
  });

  it('reports the timeout, keeps the paused environment (no kill), and recycles it once resumed', async () => {
    const runner = pool.runnerFor('fn-a', 'nodejs20.x')!;
    const invocation = (id: string, deadlineMs: number) => ({ functionName: 'fn-a', handler: 'node/paused.handler', runtime: 'nodejs20.x', event: {}, context: contextData(id, { deadlineMs }), environment: {} });
    const paused = runner.run(invocation('req-paused', Date.now() + 3000));
    await waitFor(() => client.workerEvents.find((e) => e.method === 'Debugger.paused'));
    await expect(paused).resolves.toEqual({ ok: false, timedOut: true, error: expect.objectContaining({ errorType: 'Sandbox.Timedout' }) });
    // Well past the grace period: a debugger is attached, so the paused environment was not killed.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(infos.filter((l) => l.includes('environment killed'))).toEqual([]);
    client.toWorker('Debugger.resume');
    // The next invocation runs in a new environment (its module state starts over): the overrun one was recycled.
    const workersBefore = client.workerSession;
    const next = runner.run(invocation('req-next', Date.now() + 10_000));
    await waitFor(() => client.workerSession !== workersBefore);
    await waitFor(() => client.workerEvents.filter((e) => e.method === 'Debugger.paused').length === 2);
    client.toWorker('Debugger.resume');
    await expect(next).resolves.toEqual({ ok: true, response: '{"calls":1}' });
  });
});
