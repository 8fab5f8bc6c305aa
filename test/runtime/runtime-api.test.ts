import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type http from 'node:http';
import { RuntimeApiClient, RuntimeApiError } from '../../runtime/src/runtime-api/client.js';
import { invocationContext } from '../../runtime/src/context.js';
import { startServer, type TestServer } from './support/http.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: unknown;
}

const EVENT = '{"key":  "value", "n": 1}';
const FN = { name: 'demo', version: '$LATEST', memoryMb: '128', logGroupName: '/aws/lambda/demo', logStreamName: 'stream', handler: 'index.handler', runtime: 'AWS_Lambda_nodejs22.x' };

describe('RuntimeApiClient against a Runtime API over HTTP', () => {
  let server: TestServer;
  let client: RuntimeApiClient;
  const seen: Seen[] = [];
  let status = 202;

  beforeAll(async () => {
    server = await startServer((req, body, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, socket: req.socket });
      if (req.url?.endsWith('/invocation/next')) {
        res.writeHead(200, {
          'lambda-runtime-aws-request-id': 'req/1',
          'lambda-runtime-deadline-ms': '1700000000000',
          'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:eu-west-1:111122223333:function:demo:live',
          'lambda-runtime-trace-id': 'Root=1-abc;Parent=def;Sampled=1',
          'lambda-runtime-client-context': '{"custom":{"k":"v"}}',
          'lambda-runtime-cognito-identity': '{"cognitoIdentityId":"id-1"}',
        });
        return res.end(EVENT);
      }
      res.writeHead(status);
      res.end(status === 202 ? '{"status":"OK"}' : '{"errorMessage":"Payload too large"}');
    });
    client = new RuntimeApiClient(`127.0.0.1:${server.port}`);
  });

  afterAll(async () => {
    delete process.env._X_AMZN_TRACE_ID;
    client.close();
    await server.close();
  });

  it('GETs the next invocation and keeps its body byte for byte', async () => {
    const next = await client.next();
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/2018-06-01/runtime/invocation/next' });
    expect(next.requestId).toBe('req/1');
    expect(next.body).toBe(EVENT);
  });

  it('reads every invocation header into the context and sets _X_AMZN_TRACE_ID', async () => {
    const next = await client.next();
    const context = invocationContext(next.requestId, next.headers, FN);
    expect(context).toEqual({
      awsRequestId: 'req/1',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:demo:live',
      functionName: 'demo',
      functionVersion: '$LATEST',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/demo',
      logStreamName: 'stream',
      deadlineMs: 1700000000000,
      traceId: 'Root=1-abc;Parent=def;Sampled=1',
      clientContext: { custom: { k: 'v' } },
      identity: { cognitoIdentityId: 'id-1' },
    });
    expect(process.env._X_AMZN_TRACE_ID).toBe('Root=1-abc;Parent=def;Sampled=1');
  });

  it('POSTs a response byte for byte to /invocation/{id}/response', async () => {
    await client.postResponse('req/1', 'not JSON, returned as given');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/2018-06-01/runtime/invocation/req%2F1/response', body: 'not JSON, returned as given' });
  });

  it('POSTs an error with the error content type and the error-type header', async () => {
    const error = { errorMessage: 'boom', errorType: 'DebuggerError', stackTrace: ['at x'] };
    await client.postError('req/1', error);
    const last = seen.at(-1);
    expect(last).toMatchObject({ method: 'POST', url: '/2018-06-01/runtime/invocation/req%2F1/error' });
    expect(last?.headers['content-type']).toBe('application/vnd.aws.lambda.error+json');
    expect(last?.headers['lambda-runtime-function-error-type']).toBe('DebuggerError');
    expect(JSON.parse(last?.body ?? '')).toEqual(error);
  });

  it('POSTs an init error to /runtime/init/error', async () => {
    await client.postInitError({ errorMessage: 'bad config', errorType: 'PLLDB.ConfigError', stackTrace: [] });
    const last = seen.at(-1);
    expect(last).toMatchObject({ method: 'POST', url: '/2018-06-01/runtime/init/error' });
    expect(last?.headers['lambda-runtime-function-error-type']).toBe('PLLDB.ConfigError');
  });

  it('reports a refusal (e.g. 413) with its status', async () => {
    status = 413;
    try {
      await expect(client.postResponse('req/1', 'x')).rejects.toMatchObject({ status: 413, constructor: RuntimeApiError });
    } finally {
      status = 202;
    }
  });

  it('reuses one kept-alive connection', () => {
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
  });
});
