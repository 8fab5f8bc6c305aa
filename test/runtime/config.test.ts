import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../runtime/src/config.js';
import { ConfigError } from '../../runtime/src/errors.js';

const VALID = {
  AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
  DEBUGGER_SESSION_ID: 'session-1',
  DEBUGGER_CONNECTION_ID: 'conn-1',
  DEBUGGER_WEBSOCKET_API_ENDPOINT: 'https://abc.execute-api.us-east-1.amazonaws.com/prod/',
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(VALID);
    expect(config).toMatchObject({
      websocketEndpoint: 'https://abc.execute-api.us-east-1.amazonaws.com/prod',
      tableName: 'PLLDBDebugger',
      queuePrefix: 'plldb-',
      forwardCredentials: false,
      poll: { fastMs: 100, fastForMs: 3000, maxMs: 1000, withQueueMs: 2000 },
      deadlineMarginMs: 1000,
      concurrency: 1,
    });
    expect(config.roleArn).toBeUndefined();
  });

  it.each([
    ['debug', /`plldb debug --timeout <seconds>` \(900 s by default\)/],
    ['attach', /^Raise the timeout with `plldb attach --timeout <seconds>`/],
  ])('names the command that attached the function (%s) in how to raise the timeout', (command, hint) => {
    const record = JSON.stringify({ sessionId: 's', connectionId: 'c', attachedAt: '', layerArn: 'l', addedEnv: [], command });
    expect(loadConfig({ ...VALID, PLLDB_ATTACHMENT: record }).timeoutHint).toMatch(hint);
    expect(loadConfig(VALID).timeoutHint).toMatch(/plldb debug --timeout.*or `plldb attach --timeout/);
  });

  it('reads the tuning knobs, the role and the concurrency', () => {
    const config = loadConfig({
      ...VALID,
      PLLDB_POLL_FAST_MS: '50',
      PLLDB_POLL_MAX_MS: '2000',
      PLLDB_DEBUGGER_ROLE_ARN: 'arn:aws:iam::111122223333:role/Other',
      PLLDB_FORWARD_CREDENTIALS: 'true',
      AWS_LAMBDA_MAX_CONCURRENCY: '8',
      DEBUGGER_WEBSOCKET_API_ENDPOINT: 'http://127.0.0.1:4566/stage',
    });
    expect(config).toMatchObject({ poll: { fastMs: 50, maxMs: 2000 }, roleArn: 'arn:aws:iam::111122223333:role/Other', forwardCredentials: true, concurrency: 8 });
  });

  it.each([
    [{ DEBUGGER_WEBSOCKET_API_ENDPOINT: undefined }, /DEBUGGER_WEBSOCKET_API_ENDPOINT is not set.*https:\/\/\{api-id\}\.execute-api/],
    [{ DEBUGGER_WEBSOCKET_API_ENDPOINT: 'abc.execute-api' }, /DEBUGGER_WEBSOCKET_API_ENDPOINT is "abc.execute-api", which is not a URL/],
    [{ DEBUGGER_WEBSOCKET_API_ENDPOINT: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod' }, /not the wss:\/\/ client URL/],
    [{ PLLDB_POLL_FAST_MS: 'fast' }, /PLLDB_POLL_FAST_MS is "fast": expected a whole number/],
    [{ PLLDB_QUEUE_PREFIX: 'bad prefix!' }, /PLLDB_QUEUE_PREFIX.*letters, digits/],
    [{ PLLDB_DEBUGGER_ROLE_ARN: 'PLLDBDebuggerRole' }, /PLLDB_DEBUGGER_ROLE_ARN.*expected a role ARN/],
    [{ AWS_LAMBDA_RUNTIME_API: undefined }, /AWS_LAMBDA_RUNTIME_API is not set/],
  ])('refuses %j, saying what to set', (override, message) => {
    expect(() => loadConfig({ ...VALID, ...override })).toThrow(ConfigError);
    expect(() => loadConfig({ ...VALID, ...override })).toThrow(message);
  });
});
