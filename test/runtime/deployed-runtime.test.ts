import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeployedRuntime } from '../../runtime/src/deployed/deployed-runtime.js';
import type { Logger } from '../../runtime/src/logger.js';
import { RuntimeApiClient } from '../../runtime/src/runtime-api/client.js';
import { RuntimeApiServer } from './support/runtime-api-server.js';
import { ROOT } from './support/layer-process.js';

const ECHO_RUNTIME = join(ROOT, 'test', 'runtime', 'fixtures', 'echo-runtime.mjs');

/** Drives the DeployedRuntime the way the dispatcher does: take an invocation from the real API's /next, hand it over. */
describe('the deployed runtime behind the Runtime API proxy', () => {
  let api: RuntimeApiServer;
  let client: RuntimeApiClient;
  let deployed: DeployedRuntime;
  const logs: { event: string; fields: Record<string, unknown> }[] = [];
  const logger: Logger = { log: (_level, event, fields = {}) => void logs.push({ event, fields }) };
  const dir = mkdtempSync(join(tmpdir(), 'plldb-deployed-'));
  const initFailFile = join(dir, 'fail-init');

  beforeAll(async () => {
    api = await new RuntimeApiServer().start();
    client = new RuntimeApiClient(api.address);
  });

  afterEach(async () => {
    await deployed.close();
  });

  afterAll(async () => {
    client.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (env: Record<string, string> = {}) => {
    deployed = new DeployedRuntime({
      command: [process.execPath, ECHO_RUNTIME],
      env: { PATH: process.env.PATH, ECHO_INIT_FAIL_FILE: initFailFile, NODE_OPTIONS: '--max-old-space-size=64', ...env },
      runtimeApi: api.address,
      api: client,
      logger,
      bindToProcess: false,
    });
  };

  /** Invokes through the real API: PLLDB's loop takes the invocation and hands it to the deployed runtime. */
  const invoke = async (event: unknown, headers: Record<string, string> = {}) => {
    const result = api.invoke(JSON.stringify(event), { headers });
    const next = await client.next();
    await deployed.answer(next);
    return result;
  };

  it('starts once, lazily, and hands over every /next header and the event; the answer reaches the Runtime API as sent', async () => {
    start({ NODE_OPTIONS: '--enable-source-maps' });
    expect(logs.some((l) => l.event === 'deployed_runtime_started')).toBe(false);
    const headers = {
      'lambda-runtime-client-context': '{"client":{"app_title":"shop"}}',
      'lambda-runtime-cognito-identity': '{"cognitoIdentityId":"id-1"}',
      'lambda-runtime-aws-tenant-id': 'tenant-7',
      'lambda-runtime-invocation-id': 'inv-1',
    };
    const first = await invoke({ order: 1 }, headers);
    const second = await invoke({ order: 2 });
    expect(first.kind).toBe('response');
    type Echo = { event: unknown; headers: Record<string, string>; pid: number; nodeOptions: string | null; plldbVars: string[]; runtimeApi: string };
    const a = JSON.parse(first.body) as Echo;
    const b = JSON.parse(second.body) as Echo;
    expect(a.event).toEqual({ order: 1 });
    for (const [name, value] of Object.entries(headers)) expect(a.headers[name]).toBe(value);
    expect(a.headers['lambda-runtime-deadline-ms']).toMatch(/^\d+$/);
    expect(a.headers['lambda-runtime-invoked-function-arn']).toContain(':function:demo');
    expect(a.headers['lambda-runtime-trace-id']).toContain('Root=');
    expect(b.pid).toBe(a.pid);
    expect(logs.filter((l) => l.event === 'deployed_runtime_started')).toHaveLength(1);
    // The function's NODE_OPTIONS as the wrapper kept it aside; the Runtime API is PLLDB's proxy.
    expect(a.nodeOptions).toBe('--enable-source-maps');
    expect(a.plldbVars).toEqual([]);
    expect(a.runtimeApi).not.toBe(api.address);
    expect(first.headers['content-type']).toBe('application/json');
  });

  it('relays an error with its error-type header, and a streamed response with its mode header', async () => {
    start();
    const failed = await invoke({ fail: 'out of stock' });
    expect(failed.kind).toBe('error');
    expect(failed.headers['lambda-runtime-function-error-type']).toBe('OrderError');
    expect(JSON.parse(failed.body)).toMatchObject({ errorType: 'OrderError', errorMessage: 'out of stock' });
    const streamed = await invoke({ stream: true });
    expect(streamed.headers['lambda-runtime-function-response-mode']).toBe('streaming');
    expect(JSON.parse(streamed.body)).toEqual({ part: 1, part2: 2 });
  });

  it('reports a runtime that exits mid-invocation as Runtime.ExitError and starts a new one for the next invocation', async () => {
    start();
    const before = JSON.parse((await invoke({ order: 1 })).body) as { pid: number };
    const crashed = await invoke({ exit: 3 });
    expect(crashed.kind).toBe('error');
    expect(JSON.parse(crashed.body)).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('exit status 3') });
    const after = JSON.parse((await invoke({ order: 2 })).body) as { pid: number };
    expect(after.pid).not.toBe(before.pid);
  });

  it('fails the invocation that waited for a failed init with the init error, and inits again for the next one', async () => {
    start();
    writeFileSync(initFailFile, '');
    const failed = await invoke({ order: 1 });
    expect(failed.kind).toBe('error');
    expect(failed.headers['lambda-runtime-function-error-type']).toBe('Runtime.ImportModuleError');
    expect(JSON.parse(failed.body)).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: 'cannot load the handler' });
    expect(api.initErrors).toHaveLength(0);
    rmSync(initFailFile);
    const ok = await invoke({ order: 2 });
    expect(ok.kind).toBe('response');
  });

  it('takes a second invocation while one is in flight (Lambda Managed Instances) and answers both', async () => {
    start({ AWS_LAMBDA_MAX_CONCURRENCY: '2' });
    const results = await Promise.all([invoke({ n: 1, delayMs: 50 }), invoke({ n: 2 })]);
    expect(results.map((r) => (JSON.parse(r.body) as { event: { n: number } }).event.n).sort()).toEqual([1, 2]);
  });
});
