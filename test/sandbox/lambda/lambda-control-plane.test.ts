import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  InvokeCommand,
  paginateListFunctions,
  LambdaClient,
  ResourceNotFoundException,
  UpdateFunctionConfigurationCommand,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXEC_WRAPPER_PATH, Env } from '../../../protocol/index.js';
import { SANDBOX_LAYERS, SANDBOX_REGION } from '../../../sandbox/constants.js';
import { ControlPlaneServer } from '../../../sandbox/control-plane/index.js';
import { FunctionHost, type InvokeResult } from '../../../sandbox/lambda/index.js';
import { isAlive, waitFor, writeHandlers } from './support.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('Lambda control plane over the function host (real SDK client)', () => {
  const dirs = writeHandlers();
  const eventResults: InvokeResult[] = [];
  let eventArrived: () => void = () => {};
  const host = new FunctionHost({
    maxConcurrency: 2,
    onEventResult: (_name, result) => {
      eventResults.push(result);
      eventArrived();
    },
  });
  const plane = new ControlPlaneServer({ functions: host });
  let lambda: LambdaClient;

  const invoke = async (name: string, event: unknown, extra: Partial<ConstructorParameters<typeof InvokeCommand>[0]> = {}) => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), ...extra }));
    return { ...out, body: out.Payload ? Buffer.from(out.Payload).toString('utf8') : '' };
  };
  const json = (out: InvokeCommandOutput & { body: string }) => JSON.parse(out.body) as Record<string, unknown>;

  beforeAll(async () => {
    await plane.start();
    lambda = new LambdaClient({ endpoint: plane.endpoint, region: SANDBOX_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    host.createFunction({ name: 'node-fn', runtime: 'nodejs22.x', handler: 'index.handler', codeDir: dirs.nodeDir, timeout: 1 });
    host.createFunction({ name: 'callback-fn', runtime: 'nodejs22.x', handler: 'callback.handler', codeDir: dirs.nodeDir });
    host.createFunction({ name: 'broken-fn', runtime: 'nodejs22.x', handler: 'broken.handler', codeDir: dirs.nodeDir });
    host.createFunction({ name: 'py-fn', runtime: 'python3.12', handler: 'app.handler', codeDir: dirs.pythonDir, environment: { MARKER: 'py' } });
  });

  afterAll(async () => {
    lambda.destroy();
    await plane.stop();
    await host.stop();
    dirs.cleanup();
  });

  it('invokes a Node.js handler and returns its result', async () => {
    const out = await invoke('node-fn', { a: 1, text: 'héllo ✓' });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(json(out)).toMatchObject({ echo: { a: 1, text: 'héllo ✓' }, fn: 'node-fn' });
  });

  it('invokes a callback-style handler (.cjs)', async () => {
    expect(json(await invoke('callback-fn', { n: 7 }))).toEqual({ style: 'callback', n: 7 });
  });

  it('invokes a Python handler with its context and environment', async () => {
    const out = await invoke('py-fn', { b: [1, 2] }, { LogType: 'Tail' });
    expect(json(out)).toMatchObject({ echo: { b: [1, 2] }, fn: 'py-fn', remaining: true, marker: 'py' });
    expect(json(out).requestId).toBe(out.$metadata.requestId);
    const log = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
    expect(log).toContain(`START RequestId: ${String(json(out).requestId)}`);
    expect(log).toContain('event received');
  });

  it("returns a handler's error with FunctionError Unhandled (Node.js and Python)", async () => {
    const node = await invoke('node-fn', { fail: 'x' });
    expect(node.FunctionError).toBe('Unhandled');
    expect(json(node)).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input: x' });
    expect((json(node).stackTrace as string[])[0]).toBe('TypeError: bad input: x');
    const py = await invoke('py-fn', { fail: 'y' });
    expect(py.FunctionError).toBe('Unhandled');
    expect(json(py)).toMatchObject({ errorType: 'ValueError', errorMessage: 'bad value: y' });
    expect((json(py).stackTrace as string[]).join('')).toContain('app.py');
  });

  it('surfaces an init error reported through /init/error', async () => {
    const out = await invoke('broken-fn', {});
    expect(out.FunctionError).toBe('Unhandled');
    expect(json(out)).toMatchObject({ errorType: 'Error', errorMessage: 'init exploded' });
  });

  it('times out an overrunning invocation, kills its environment and serves the next from a new one', async () => {
    const pending = invoke('node-fn', { sleepMs: 5000 });
    await waitFor(() => host.instances('node-fn').some((i) => i.state === 'busy' && i.requestId !== undefined));
    const overrunPid = host.instances('node-fn').find((i) => i.state === 'busy')?.pid as number;
    const out = await pending;
    expect(out.FunctionError).toBe('Unhandled');
    expect(json(out)).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${out.$metadata.requestId} Error: Task timed out after 1.00 seconds` });
    expect(isAlive(overrunPid)).toBe(false);
    const after = json(await invoke('node-fn', { n: 2 }));
    expect(after.echo).toEqual({ n: 2 });
    expect(after.pid).not.toBe(overrunPid);
  });

  it('fails the invocation with Runtime.ExitError when the runtime exits, then replaces it', async () => {
    const out = await invoke('node-fn', { exit: 3 });
    expect(json(out)).toEqual({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${out.$metadata.requestId} Error: Runtime exited with error: exit status 3` });
    expect(json(await invoke('node-fn', { n: 3 })).echo).toEqual({ n: 3 });
  });

  it('killInstance kills a runtime waiting on its handler: the caller gets Runtime.ExitError', async () => {
    const pending = invoke('py-fn', { n: 4 }).then(() => invoke('node-fn', { sleepMs: 800 }));
    await waitFor(() => host.instances('node-fn').some((i) => i.state === 'busy' && i.requestId !== undefined));
    const killed = await host.killInstance('node-fn');
    expect(killed).toBeDefined();
    const out = await pending;
    expect(json(out)).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect(String(json(out).errorMessage)).toContain('signal: killed');
    expect(host.instances('node-fn').map((i) => i.id)).not.toContain(killed);
  });

  it('answers an Event invocation with 202 at once and runs it in the background', async () => {
    const arrived = new Promise<void>((resolve) => (eventArrived = resolve));
    const out = await invoke('py-fn', { async: true }, { InvocationType: 'Event' });
    expect(out.StatusCode).toBe(202);
    expect(out.body).toBe('');
    await arrived;
    expect(JSON.parse(eventResults[0]?.payload ?? '{}')).toMatchObject({ echo: { async: true } });
  });

  it('queues invocations beyond the concurrency limit and gives every caller its own answer', async () => {
    const outs = await Promise.all([1, 2, 3, 4].map((n) => invoke('node-fn', { n, sleepMs: 150 })));
    expect(outs.map((out) => json(out).echo)).toEqual([1, 2, 3, 4].map((n) => ({ n, sleepMs: 150 })));
    expect(outs.map((out) => json(out).requestId)).toEqual(outs.map((out) => out.$metadata.requestId));
    expect(new Set(outs.map((out) => json(out).pid)).size).toBeLessThanOrEqual(2);
    expect(host.logs('node-fn').some((entry) => entry.line.includes('event received'))).toBe(true);
  });

  it('answers DryRun with 204 and refuses a payload that is not JSON', async () => {
    expect((await invoke('node-fn', {}, { InvocationType: 'DryRun' })).StatusCode).toBe(204);
    const error = (await lambda.send(new InvokeCommand({ FunctionName: 'node-fn', Payload: Buffer.from('{oops') })).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('InvalidRequestContentException');
  });

  it('answers ResourceNotFoundException for an unknown function, in the real error shape', async () => {
    const error = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'missing' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as ResourceNotFoundException).message).toBe('Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing');
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
    await expect(invoke('missing', {})).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('updates layers, environment and timeout, returns them exactly and replaces running environments', async () => {
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'node-fn' }));
    expect(before).toMatchObject({ FunctionName: 'node-fn', Runtime: 'nodejs22.x', Handler: 'index.handler', Timeout: 1, MemorySize: 128, State: 'Active', LastUpdateStatus: 'Successful', Architectures: ['x86_64'] });
    expect(before.Layers).toBeUndefined();
    expect(before.Environment).toBeUndefined();
    const oldPids = host.instances('node-fn').map((i) => i.pid);

    const variables = { MARKER: 'updated', [Env.ExecWrapper]: EXEC_WRAPPER_PATH };
    const updated = await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: before.FunctionArn, Layers: [SANDBOX_LAYERS.node.arn], Environment: { Variables: variables }, Timeout: 30 }),
    );
    expect(updated.Environment?.Variables).toEqual(variables);
    expect(updated.Timeout).toBe(30);
    expect(updated.Layers).toEqual([{ Arn: SANDBOX_LAYERS.node.arn, CodeSize: expect.any(Number) }]);
    expect(updated.RevisionId).not.toBe(before.RevisionId);
    const { $metadata: _a, ...updatedConfig } = updated;
    const { $metadata: _b, ...readBack } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'node-fn' }));
    expect(readBack).toEqual(updatedConfig);

    // Pass-through: the wrapper from the built layer runs the function's own runtime.
    const out = json(await invoke('node-fn', { n: 5 }));
    expect(out).toMatchObject({ echo: { n: 5 }, marker: 'updated' });
    expect(oldPids).not.toContain(out.pid);
    expect(host.instances('node-fn').find((i) => i.pid === out.pid)?.command).toBe(join(REPO, SANDBOX_LAYERS.node.dir, 'bin', 'bootstrap'));

    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'node-fn', Layers: [], Environment: { Variables: {} }, Timeout: 1 }));
    const restored = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'node-fn' }));
    expect(restored.Layers).toBeUndefined();
    expect(restored.Environment).toBeUndefined();
  });

  it('runs a Python function through the standalone layer wrapper in pass-through mode', async () => {
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'py-fn', Layers: [SANDBOX_LAYERS.standaloneX8664.arn], Environment: { Variables: { MARKER: 'wrapped', [Env.ExecWrapper]: EXEC_WRAPPER_PATH } } }),
    );
    expect(json(await invoke('py-fn', { n: 6 }))).toMatchObject({ echo: { n: 6 }, marker: 'wrapped' });
  });

  it('fails with Runtime.InvalidEntrypoint when no attached layer provides the wrapper', async () => {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'callback-fn', Environment: { Variables: { [Env.ExecWrapper]: EXEC_WRAPPER_PATH } } }));
    const out = await invoke('callback-fn', { n: 1 });
    expect(out.FunctionError).toBe('Unhandled');
    expect(json(out)).toMatchObject({ errorType: 'Runtime.InvalidEntrypoint' });
    expect(String(json(out).errorMessage)).toContain('/opt/bin/bootstrap');
  });

  it.each([
    ['more than 5 layers', { Layers: Array(6).fill(SANDBOX_LAYERS.node.arn) }, 'Cannot reference more than 5 layers.'],
    ['an unknown layer', { Layers: ['arn:aws:lambda:us-east-1:123456789012:layer:Nope:1'] }, 'Layer version arn:aws:lambda:us-east-1:123456789012:layer:Nope:1 does not exist.'],
    ['environment over 4 KB', { Environment: { Variables: { BIG: 'x'.repeat(4100) } } }, 'exceeded the 4KB limit'],
    ['a reserved variable', { Environment: { Variables: { AWS_REGION: 'eu-west-1' } } }, 'Reserved keys used in this request: AWS_REGION'],
    ['a timeout over 900 s', { Timeout: 901 }, 'Member must have value between 1 and 900'],
  ])('refuses %s with InvalidParameterValueException and keeps the configuration', async (_label, change, message) => {
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'node-fn' }));
    const error = (await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'node-fn', ...change })).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('InvalidParameterValueException');
    expect(error.message).toContain(message);
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'node-fn' }))).RevisionId).toBe(before.RevisionId);
  });

  it('refuses an update with a stale RevisionId', async () => {
    const error = (await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'node-fn', Timeout: 2, RevisionId: 'stale' })).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('PreconditionFailedException');
  });

  it('lists every function with its configuration, page by page (ListFunctions with Marker)', async () => {
    const names: string[] = [];
    for await (const page of paginateListFunctions({ client: lambda, pageSize: 2 }, {})) names.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ''));
    expect(names).toEqual(['node-fn', 'callback-fn', 'broken-fn', 'py-fn']);
  });

  it('reports a layer version\'s size (GetLayerVersionByArn)', async () => {
    const out = await lambda.send(new GetLayerVersionByArnCommand({ Arn: SANDBOX_LAYERS.node.arn }));
    expect(out.Content?.CodeSize).toBeGreaterThan(0);
  });
});
