import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { Env } from '../../protocol/index.js';
import { PlldbErrorType } from '../../runtime/src/errors.js';
import { BOOTSTRAP, LayerProcess, ROOT } from './support/layer-process.js';
import { RuntimeApiServer } from './support/runtime-api-server.js';

/** A stand-in for the function's runtime: prints its arguments, then its environment. */
const STAND_IN = ['/bin/sh', '-c', 'for a in "$@"; do echo "arg:$a"; done; env', 'stand-in'];
const ARGS = ['--expose-gc', 'two words', '$HOME', '*'];
const BASE_ENV = { PATH: process.env.PATH ?? '', AWS_LAMBDA_FUNCTION_NAME: 'demo', ODD_VALUE: 'a b\tc "quoted"' };

async function run(env: Record<string, string>, args: string[] = [...STAND_IN, ...ARGS], bootstrap = BOOTSTRAP) {
  const proc = new LayerProcess(args, env, bootstrap);
  const code = await proc.exited;
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

describe('the built exec wrapper (dist/layer/bin/bootstrap)', () => {
  let runtimeApi: RuntimeApiServer;
  beforeAll(async () => {
    runtimeApi = await new RuntimeApiServer().start();
  });
  afterAll(async () => {
    await runtimeApi.close();
  });

  it('without a debugger session runs the function runtime with its arguments and environment unchanged', async () => {
    const { code, stdout } = await run(BASE_ENV);
    expect(code).toBe(0);
    expect(stdout.filter((l) => l.startsWith('arg:'))).toEqual(ARGS.map((a) => `arg:${a}`));
    expect(stdout).toContain(`ODD_VALUE=${BASE_ENV.ODD_VALUE}`);
  });

  it('with only one of the two debugger variables still passes through', async () => {
    const { code, stdout } = await run({ ...BASE_ENV, [Env.SessionId]: 'session-1', [Env.ConnectionId]: '' });
    expect(code).toBe(0);
    expect(stdout).toContain('arg:two words');
  });

  it('in debug mode starts the PLLDB runtime instead, which reports a bad configuration as an init error', async () => {
    const { code, stdout } = await run({
      ...BASE_ENV,
      AWS_LAMBDA_RUNTIME_API: runtimeApi.address,
      [Env.SessionId]: 'session-1',
      [Env.ConnectionId]: 'conn-1',
      [Env.WebSocketApiEndpoint]: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod',
    });
    expect(code).toBe(1);
    expect(stdout.some((l) => l.startsWith('arg:'))).toBe(false);
    const initError = await runtimeApi.initError();
    expect(JSON.parse(initError.body)).toMatchObject({ errorType: PlldbErrorType.Config, errorMessage: expect.stringMatching(/DEBUGGER_WEBSOCKET_API_ENDPOINT.*https:\/\//) });
  });

  it('finds Node.js from the runtime command when PATH has none', async () => {
    const proc = new LayerProcess([process.execPath, '/var/runtime/index.mjs'], { PATH: '/nonexistent', AWS_LAMBDA_RUNTIME_API: runtimeApi.address, [Env.SessionId]: 's', [Env.ConnectionId]: 'c' });
    expect(await proc.exited).toBe(1);
    expect(proc.logs().find((l) => l.event === 'init_failed')?.nodeVersion).toBe(process.version);
  });

  it('says to use the standalone layer when there is no Node.js at all', async () => {
    const { code, stderr } = await run({ PATH: '/nonexistent', [Env.SessionId]: 's', [Env.ConnectionId]: 'c' }, ['/var/lang/bin/python3.12', '/var/runtime/bootstrap.py']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/node_not_found.*standalone layer/);
  });

  it('the standalone layer runs its own Node.js', async () => {
    const standalone = join(ROOT, 'dist', `layer-standalone-${process.arch === 'arm64' ? 'arm64' : 'x86_64'}`, 'bin', 'bootstrap');
    const proc = new LayerProcess(['/var/lang/bin/python3.12', '/var/runtime/bootstrap.py'], { PATH: '/nonexistent', AWS_LAMBDA_RUNTIME_API: runtimeApi.address, [Env.SessionId]: 's', [Env.ConnectionId]: 'c' }, standalone);
    expect(await proc.exited).toBe(1);
    const failed = proc.logs().find((l) => l.event === 'init_failed');
    expect(failed?.nodeVersion).toMatch(/^v24\./);
  });
});
