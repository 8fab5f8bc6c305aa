import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Env } from '../../protocol/index.js';
import { BOOTSTRAP, LayerProcess, ROOT } from './support/layer-process.js';
import { RuntimeApiServer } from './support/runtime-api-server.js';
import { StsEndpoint } from './support/sts-endpoint.js';

// The Node.js layer runs the host's Node.js; the standalone layer its own (Node.js 24), whose module
// loading differs: an import's whole module graph is read and compiled before anything else runs.
const STANDALONE_BOOTSTRAP = join(ROOT, 'dist', `layer-standalone-${process.arch === 'arm64' ? 'arm64' : 'x86_64'}`, 'bin', 'bootstrap');

/** A function attached to a debugger session, its Runtime API and STS at the given addresses. */
function attachedFunctionEnv(runtimeApi: string, stsUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    ...extra,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAFUNCTION',
    AWS_SECRET_ACCESS_KEY: 'function-secret',
    AWS_LAMBDA_FUNCTION_NAME: 'demo',
    AWS_ENDPOINT_URL_STS: stsUrl,
    [Env.SessionId]: 'session-1',
    [Env.ConnectionId]: 'conn-1',
    [Env.WebSocketApiEndpoint]: 'http://127.0.0.1:9/stage',
    [Env.DebuggerRoleArn]: 'arn:aws:iam::123456789012:role/PLLDBDebuggerRole',
  };
}

describe.each([
  ['Node.js layer', BOOTSTRAP],
  ['standalone layer', STANDALONE_BOOTSTRAP],
])('the built runtime at start-up (%s)', (_name, bootstrap) => {
  let runtimeApi: RuntimeApiServer;
  let sts: StsEndpoint;
  let layer: LayerProcess;
  let release = (): void => undefined;

  beforeAll(async () => {
    runtimeApi = await new RuntimeApiServer().start();
    sts = await new StsEndpoint().start();
    sts.hold = new Promise((resolve) => (release = resolve));
    layer = new LayerProcess(['/bin/false'], attachedFunctionEnv(runtimeApi.address, sts.url), bootstrap);
  });

  afterAll(async () => {
    release();
    await layer.stop();
    await Promise.all([runtimeApi.close(), sts.close()]);
  });

  it('asks for its first invocation first, then loads the AWS SDK and assumes the debugger role while that /next waits', async () => {
    await until(() => runtimeApi.nextAt.length === 1 && sts.calls.length === 1);
    expect(layer.logs().map((l) => l.event)).toContain('init_done');
    expect(layer.logs().map((l) => l.event)).not.toContain('edges_ready');
    expect(runtimeApi.nextAt[0]).toBeLessThanOrEqual(sts.callAt[0] as number);

    release();
    await until(() => layer.logs().some((l) => l.event === 'edges_ready'));
    expect(layer.logs().map((l) => l.event)).not.toContain('assume_role_failed');
  });
});

describe.each([
  ['on demand', 'on-demand', false],
  ['with provisioned concurrency', 'provisioned-concurrency', true],
])('the built runtime initialized %s, while the Runtime API refuses its /next', (_name, initializationType, loadsAhead) => {
  let sts: StsEndpoint;
  let layer: LayerProcess;

  beforeAll(async () => {
    sts = await new StsEndpoint().start();
    layer = new LayerProcess(['/bin/false'], attachedFunctionEnv(`127.0.0.1:${await closedPort()}`, sts.url, { AWS_LAMBDA_INITIALIZATION_TYPE: initializationType }));
  });

  afterAll(async () => {
    await layer.stop();
    await sts.close();
  });

  it(loadsAhead ? 'loads the AWS SDK and assumes the debugger role during init all the same' : 'loads the AWS SDK only once a /next is on the wire', async () => {
    if (loadsAhead) {
      await until(() => sts.calls.length === 1);
    } else {
      await until(() => layer.logs().filter((l) => l.event === 'next_failed').length >= 2);
      expect(sts.calls).toHaveLength(0);
    }
  });
});

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
