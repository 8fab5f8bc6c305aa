import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Env, type DebuggerRequestMessage } from '../../protocol/index.js';
import { runDebug, type DebugHost } from '../../cli/src/commands/debug.js';
import { waitFor } from './helpers.js';
import { EXAMPLES, NODE_FN, SandboxWorld } from './sandbox-support.js';

/**
 * Anyone who can assume the debugger role can PostToConnection to a developer's `plldb debug`.
 * Forged request messages over the sandbox's real WebSocket API: nothing in them acts on this machine.
 */
describe('plldb debug and forged request messages', () => {
  let world: SandboxWorld;
  let management: ApiGatewayManagementApiClient;
  const evilDir = mkdtempSync(join(tmpdir(), 'plldb-evil-'));
  const marker = join(evilDir, 'ran');
  const lines: string[] = [];
  const answered: string[] = [];
  const exitCodes: number[] = [];
  const host: DebugHost & { events: EventEmitter } = {
    events: new EventEmitter(),
    exit: (code) => exitCodes.push(code),
    info: (l) => lines.push(l),
    warn: (l) => lines.push(`WARN ${l}`),
    observer: { answerSent: (id) => answered.push(id) },
  };
  let target: { sessionId: string; connectionId: string };

  const post = (requestId: string, extra: Partial<DebuggerRequestMessage>) => {
    const now = Date.now();
    const message: DebuggerRequestMessage = {
      type: 'request',
      requestId,
      ...target,
      lambdaFunctionName: NODE_FN.name,
      lambdaFunctionVersion: '$LATEST',
      event: JSON.stringify({ name: 'Forger' }),
      eventInline: true,
      environmentVariables: { GREETING_STYLE: 'friendly' },
      invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${NODE_FN.name}`,
      deadlineMs: now + 60_000,
      handler: NODE_FN.handler,
      runtime: 'AWS_Lambda_nodejs22.x',
      context: { awsRequestId: requestId, invokedFunctionArn: '', functionName: NODE_FN.name, functionVersion: '$LATEST', memoryLimitInMB: '128', logGroupName: '', logStreamName: '', deadlineMs: now + 60_000 },
      ...extra,
    };
    return management.send(new PostToConnectionCommand({ ConnectionId: target.connectionId, Data: Buffer.from(JSON.stringify(message)) }));
  };

  beforeAll(async () => {
    world = await SandboxWorld.start();
    management = new ApiGatewayManagementApiClient({ endpoint: world.sandbox.endpoints.managementEndpoint, region: world.sandbox.region });
    writeFileSync(join(evilDir, 'evil.mjs'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'x');\nexport const handler = async () => 'pwned';\n`);
    await runDebug({ function: [NODE_FN.name], code: EXAMPLES, stack: world.sandbox.stackName, python: 'python3', verbose: true }, host);
    const env = (await world.config(NODE_FN.name)).environment ?? {};
    target = { sessionId: env[Env.SessionId] as string, connectionId: env[Env.ConnectionId] as string };
  });

  afterAll(async () => {
    if (exitCodes.length === 0) host.events.emit('SIGTERM');
    await waitFor(() => exitCodes.length > 0);
    management.destroy();
    await world.stop();
    rmSync(evilDir, { recursive: true, force: true });
  });

  it('ignores a request for a function this session did not attach, with one warning line', async () => {
    await post('forged-unknown', { lambdaFunctionName: 'someone-elses-fn', handler: 'evil.handler' });
    await waitFor(() => lines.find((l) => l.includes('forged-unknown')));
    expect(lines.filter((l) => l.includes('forged-unknown'))).toEqual([`WARN ignored request forged-unknown: this session did not attach function "someone-elses-fn"`]);
  });

  it('ignores a request that names another session, with one warning line', async () => {
    await post('forged-session', { sessionId: 'another-session' });
    await waitFor(() => lines.find((l) => l.includes('forged-session')));
    expect(lines.filter((l) => l.includes('forged-session'))).toEqual([`WARN ignored request forged-session: it names session "another-session", not this one`]);
  });

  it('runs the configured handler with the configured environment, not the message\'s ../ handler, PATH or NODE_OPTIONS', async () => {
    const pathBefore = process.env.PATH;
    const optionsBefore = process.env.NODE_OPTIONS;
    await post('forged-handler', {
      handler: `${relative(EXAMPLES, evilDir)}/evil.handler`,
      environmentVariables: { GREETING_STYLE: 'forged', PATH: evilDir, NODE_OPTIONS: `--import ${join(evilDir, 'evil.mjs')}`, PYTHONPATH: evilDir },
    });
    await waitFor(() => answered.includes('forged-handler'));
    // The invocation's lines are printed once the API confirms the answer.
    const answerLine = (await waitFor(() => lines.find((l) => l.startsWith('  answer:') && l.includes('forged-handler')))) ?? '';
    expect(answerLine).toContain('Hello, Forger, from Node.js');
    expect(existsSync(marker)).toBe(false);
    expect(process.env.PATH).toBe(pathBefore);
    expect(process.env.NODE_OPTIONS).toBe(optionsBefore);
    expect(process.env.PYTHONPATH).not.toBe(evilDir);
  });

  it('a real invocation is still served', async () => {
    const out = await world.invoke(NODE_FN.name, { name: 'Ada' });
    expect(out.payload).toMatchObject({ message: expect.stringContaining('Hello, Ada') });
  });
});
