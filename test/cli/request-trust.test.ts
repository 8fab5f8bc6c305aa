import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionConfig } from '../../cli/src/aws/function-config-api.js';
import { AttachedFunctions } from '../../cli/src/debug/attached-functions.js';
import { handleRequest } from '../../cli/src/debug/request-handler.js';
import { functionEnvironment, isDeniedVariable } from '../../cli/src/runners/environment.js';
import { modulePathInside } from '../../cli/src/runners/handler-ref.js';
import { RunnerPool } from '../../cli/src/runners/runner-pool.js';
import { contextData, request } from './helpers.js';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:node-fn';

describe('the environment a local handler sees', () => {
  const fn = {
    name: 'node-fn',
    arn: ARN,
    handler: 'node/esm.handler',
    runtime: 'nodejs22.x',
    memorySize: 512,
    environment: { TABLE: 'orders', PATH: '/evil', NODE_OPTIONS: '--require /tmp/evil.js', LD_PRELOAD: '/tmp/evil.so', PYTHONPATH: '/evil', LAMBDA_RUNTIME_DIR: '/x', AWS_XRAY_CONTEXT_MISSING: 'x', _AWS_XRAY_DAEMON_ADDRESS: 'x', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:1' },
  };

  it('is the configured variables without the denied ones, plus Lambda\'s identity variables', () => {
    const env = functionEnvironment(fn, contextData('r', { functionVersion: '$LATEST', logGroupName: '/aws/lambda/node-fn', logStreamName: 's' }), '/code');
    expect(env).toEqual({
      TABLE: 'orders',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_LAMBDA_FUNCTION_NAME: 'node-fn',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/node-fn',
      AWS_LAMBDA_LOG_STREAM_NAME: 's',
      _HANDLER: 'node/esm.handler',
      TZ: ':UTC',
      LAMBDA_TASK_ROOT: '/code',
    });
  });

  it.each(['PATH', 'LD_LIBRARY_PATH', 'NODE_OPTIONS', 'NODE_PATH', 'PYTHONPATH', 'PYTHONHOME', 'LAMBDA_TASK_ROOT', 'AWS_LAMBDA_RUNTIME_API', 'AWS_XRAY_DAEMON_ADDRESS', '_AWS_XRAY_DAEMON_PORT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'])('denies %s', (name) => {
    expect(isDeniedVariable(name)).toBe(true);
  });

  it.each(['TABLE', 'GREETING_STYLE', 'AWS_REGION_OF_DB', 'NODE_ENV'])('allows %s', (name) => {
    expect(isDeniedVariable(name)).toBe(false);
  });
});

describe('handler paths', () => {
  it.each(['index.handler', 'src/app.handler', 'pkg.module.handler', 'a/../b/app.handler'])('%s stays inside the code folder', (handler) => {
    expect(() => modulePathInside('/code', handler)).not.toThrow();
  });

  it.each(['../outside.handler', 'src/../../outside.handler', '/etc/evil.handler', '..handler'])('%s is refused', (handler) => {
    expect(() => modulePathInside('/code', handler)).toThrow(/outside the code folder|is not of the form/);
  });
});

describe('requests this session serves', () => {
  let runners: RunnerPool;
  let configs: Map<string, FunctionConfig>;
  let reads: string[];
  let warnings: string[];
  let served: AttachedFunctions;
  let clock: number;
  const config = (overrides: Partial<FunctionConfig> = {}): FunctionConfig => ({
    name: 'node-fn',
    arn: ARN,
    runtime: 'nodejs22.x',
    architecture: 'x86_64',
    packageType: 'Zip',
    layers: [],
    layerCodeSizes: {},
    codeSize: 1000,
    environment: { GREETING: 'configured' },
    timeout: 10,
    revisionId: 'r1',
    managedInstances: false,
    role: 'arn:aws:iam::123456789012:role/r',
    handler: 'node/esm.environment',
    memorySize: 256,
    ...overrides,
  });
  const serve = async (msg: ReturnType<typeof request>) => handleRequest(msg, { runners, items: { requestJson: async () => undefined }, functions: served, codeDir: fixtures, warn: (l) => warnings.push(l) });
  const forged = (requestId: string, extra: Parameters<typeof request>[4] = {}) => request(requestId, 'node/esm.environment', 'nodejs22.x', {}, { sessionId: 'session-x', environmentVariables: { GREETING: 'configured' }, ...extra });

  beforeEach(async () => {
    runners = new RunnerPool({ codeDir: fixtures });
    configs = new Map([['node-fn', config()]]);
    reads = [];
    warnings = [];
    clock = 0;
    served = new AttachedFunctions(
      'session-x',
      async (name) => {
        reads.push(name);
        const found = configs.get(name);
        if (!found) throw new Error(`no function ${name}`);
        return found;
      },
      () => clock,
    );
    await served.record('node-fn');
  });

  // Each test's pool: its environments (worker threads) end with it.
  afterEach(async () => {
    await runners.close();
  });

  it('ignores a request for a function this session did not attach, with one warning line', async () => {
    await expect(serve(forged('req-unknown', { lambdaFunctionName: 'someone-elses-fn' }))).resolves.toBeUndefined();
    expect(warnings).toEqual(['ignored request req-unknown: this session did not attach function "someone-elses-fn"']);
  });

  it('ignores a request of another session, with one warning line', async () => {
    await expect(serve(forged('req-other', { sessionId: 'session-y' }))).resolves.toBeUndefined();
    expect(warnings).toEqual(['ignored request req-other: it names session "session-y", not this one']);
  });

  it('runs the configured handler with the configured environment, whatever the message says', async () => {
    const pathBefore = process.env.PATH;
    clock = 10_000;
    const handled = await serve(
      forged('req-forged', {
        handler: '../../../tmp/evil.handler',
        runtime: 'python3.12',
        environmentVariables: { GREETING: 'forged', PATH: '/evil', NODE_OPTIONS: '--require /tmp/evil.js', LD_PRELOAD: '/tmp/evil.so' },
      }),
    );
    expect(handled?.answer).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(handled?.answer.response ?? '')).toEqual({
      GREETING: 'configured',
      // The handler's environment is exactly the function's: nothing of the CLI's (its PATH included).
      PATH: null,
      NODE_OPTIONS: process.env.NODE_OPTIONS ?? null,
      AWS_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'node-fn',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      _HANDLER: 'node/esm.environment',
      LAMBDA_TASK_ROOT: fixtures,
    });
    expect(process.env.PATH).toBe(pathBefore);
    expect(process.env.LD_PRELOAD).toBeUndefined();
    // The message claimed another handler and environment: the configuration was read again from Lambda.
    expect(reads).toEqual(['node-fn', 'node-fn']);
  });

  it('reads the configuration again when a message shows it changed (a deploy), at most once per interval', async () => {
    configs.set('node-fn', config({ environment: { GREETING: 'deployed' } }));
    clock = 10_000;
    const first = await serve(forged('req-1', { environmentVariables: { GREETING: 'deployed' } }));
    expect(JSON.parse(first?.answer.response ?? '')).toMatchObject({ GREETING: 'deployed' });
    configs.set('node-fn', config({ environment: { GREETING: 'again' } }));
    clock = 11_000;
    const second = await serve(forged('req-2', { environmentVariables: { GREETING: 'again' } }));
    expect(JSON.parse(second?.answer.response ?? '')).toMatchObject({ GREETING: 'deployed' });
    expect(reads).toEqual(['node-fn', 'node-fn']);
  });

  it('refuses a configured handler outside the code folder, with an error answer and a warning', async () => {
    configs.set('escaping', config({ name: 'escaping', handler: '../outside.handler' }));
    await served.record('escaping');
    const handled = await serve(forged('req-escape', { lambdaFunctionName: 'escaping' }));
    expect(handled?.answer).toMatchObject({ statusCode: 500, errorType: 'PLLDB.HandlerOutsideCode', errorMessage: expect.stringContaining('outside the code folder') });
    expect(warnings).toEqual([expect.stringContaining('function escaping: handler setting "../outside.handler" points outside the code folder')]);
    expect(existsSync(join(fixtures, '..', 'outside.mjs'))).toBe(false);
  });

  it('stops serving a function it forgot (detached)', async () => {
    served.forget('node-fn');
    await expect(serve(forged('req-gone'))).resolves.toBeUndefined();
  });
});
