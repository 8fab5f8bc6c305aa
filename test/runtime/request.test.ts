import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Attr, DYNAMODB_ITEM_LIMIT_BYTES, REDACTED, WEBSOCKET_MESSAGE_LIMIT_BYTES, itemSize, queueNameFor, readRequestJson } from '../../protocol/index.js';
import { loadConfig } from '../../runtime/src/config.js';
import { PlldbError } from '../../runtime/src/errors.js';
import { forwardedEnvironment } from '../../runtime/src/forwarded-environment.js';
import { debuggerMessage, requestItem, type Invocation } from '../../runtime/src/request.js';

const config = loadConfig({
  AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
  DEBUGGER_SESSION_ID: 's',
  DEBUGGER_CONNECTION_ID: 'c',
  DEBUGGER_WEBSOCKET_API_ENDPOINT: 'https://abc.execute-api.us-east-1.amazonaws.com/prod',
  PLLDB_ITEM_TTL_SECONDS: '3600',
});
const context = { awsRequestId: 'req-1', invokedFunctionArn: 'arn', functionName: 'f', functionVersion: '1', memoryLimitInMB: '128', logGroupName: 'g', logStreamName: 's', deadlineMs: 1 };
const inv = (body: string): Invocation => ({ requestId: 'req-1', body, context });

describe('the forwarded environment', () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token', TABLE: 'orders' };
  it('redacts the function credentials by default', () => {
    expect(forwardedEnvironment(env, false)).toEqual({ AWS_ACCESS_KEY_ID: REDACTED, AWS_SECRET_ACCESS_KEY: REDACTED, AWS_SESSION_TOKEN: REDACTED, TABLE: 'orders' });
  });
  it('forwards them with PLLDB_FORWARD_CREDENTIALS=true', () => {
    expect(forwardedEnvironment(env, true)).toEqual(env);
  });
  it('redacts every variable named like a credential', () => {
    const kin = { AWS_ACCESS_KEY: 'a', AWS_SECRET_KEY: 'b', AWS_SECURITY_TOKEN: 'c', AWS_CONTAINER_CREDENTIALS_FULL_URI: 'd', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'e', AWS_REGION: 'us-east-1' };
    expect(forwardedEnvironment(kin, false)).toEqual({ AWS_ACCESS_KEY: REDACTED, AWS_SECRET_KEY: REDACTED, AWS_SECURITY_TOKEN: REDACTED, AWS_CONTAINER_CREDENTIALS_FULL_URI: REDACTED, AWS_CONTAINER_AUTHORIZATION_TOKEN: REDACTED, AWS_REGION: 'us-east-1' });
  });
});

describe('the request item', () => {
  it('holds the environment\'s names only, never a value; the message carries the values', () => {
    const environment = { DB_PASSWORD: 'hunter2', API_KEY: 'k-123', AWS_SECRET_ACCESS_KEY: REDACTED };
    const item = requestItem(config, inv('{}'), environment, 'q', Date.now());
    expect(item[Attr.EnvironmentVariables]).toEqual({ DB_PASSWORD: '', API_KEY: '', AWS_SECRET_ACCESS_KEY: '' });
    expect(JSON.stringify(item)).not.toMatch(/hunter2|k-123/);
    expect(JSON.parse(debuggerMessage(config, inv('{}'), environment)).environmentVariables).toEqual(environment);
  });

  it('keeps the event byte for byte inside Request, with PENDING, CreatedAt and a TTL', () => {
    const item = requestItem(config, inv('{"a":  1}'), {}, 'plldb-req-1-x', 1_700_000_000_500);
    expect(item[Attr.Request]).toBe(`{"event":{"a":  1},"context":${JSON.stringify(context)}}`);
    expect(item).toMatchObject({ [Attr.Status]: 'PENDING', [Attr.CreatedAt]: 1_700_000_000_500, [Attr.ExpiresAt]: 1_700_000_000 + 3600, [Attr.QueueName]: 'plldb-req-1-x' });
  });

  it('stores a large compressible event gzip-compressed, readable with protocol readRequestJson', () => {
    const event = JSON.stringify({ rows: Array.from({ length: 20000 }, (_, i) => ({ id: i, name: 'same' })) });
    expect(Buffer.byteLength(event)).toBeGreaterThan(DYNAMODB_ITEM_LIMIT_BYTES);
    const item = requestItem(config, inv(event), {}, 'q', Date.now());
    expect(item[Attr.Request]).toBeUndefined();
    expect(itemSize(item)).toBeLessThan(DYNAMODB_ITEM_LIMIT_BYTES);
    expect(JSON.parse(readRequestJson(item) ?? '').event).toEqual(JSON.parse(event));
  });

  it('refuses an event that does not fit even compressed, giving its size', () => {
    const event = JSON.stringify(randomBytes(400 * 1024).toString('base64'));
    expect(() => requestItem(config, inv(event), {}, 'q', Date.now())).toThrow(PlldbError);
    expect(() => requestItem(config, inv(event), {}, 'q', Date.now())).toThrow(new RegExp(`too large to debug.*${Buffer.byteLength(event)} bytes`));
  });
});

describe('the debugger message', () => {
  it('carries the event inline while it fits the WebSocket limit', () => {
    const message = JSON.parse(debuggerMessage(config, inv('{"a":1}'), { K: 'v' }));
    expect(message).toMatchObject({ type: 'request', requestId: 'req-1', sessionId: 's', connectionId: 'c', event: '{"a":1}', eventInline: true, environmentVariables: { K: 'v' } });
  });

  it('leaves out an event that would pass the WebSocket limit', () => {
    const text = debuggerMessage(config, inv(JSON.stringify('x'.repeat(WEBSOCKET_MESSAGE_LIMIT_BYTES))), {});
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(WEBSOCKET_MESSAGE_LIMIT_BYTES);
    expect(JSON.parse(text)).toMatchObject({ eventInline: false, requestId: 'req-1' });
    expect(JSON.parse(text).event).toBeUndefined();
  });
});

describe('queue names for request ids SQS would refuse', () => {
  it('are valid and unique per attempt', () => {
    const a = queueNameFor(config.queuePrefix, 'id with spaces/and:colons');
    expect(a).toMatch(/^plldb-id_with_spaces_and_colons-[A-Za-z0-9]{8}$/);
    expect(queueNameFor(config.queuePrefix, 'id with spaces/and:colons')).not.toBe(a);
  });
});
