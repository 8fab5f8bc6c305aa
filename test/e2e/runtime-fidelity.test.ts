import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { HELD_ENV_PREFIX, RESULT_TOO_LARGE_ERROR_TYPE, type ApiReply, type DebuggerRequestMessage } from '../../protocol/index.js';
import { errorOf, startWorld, type World } from './support/world.js';

/** Lambda's smallest memory size, where PLLDB's own memory matters most. */
const SMALLEST_MEMORY_MB = 128;
/** Just under Lambda's 6 MB synchronous payload limit: JSON records, compressible as real events are. */
function largeEvent(): { records: { id: number; body: string }[] } {
  const body = 'order line: 2 x widget, shipped to the warehouse on the north side of town; ';
  const count = Math.floor(5_900_000 / JSON.stringify({ id: 99_999, body }).length);
  return { records: Array.from({ length: count }, (_v, id) => ({ id, body })) };
}

describe('end to end: the layer as Lambda runs it (preloads, memory, item size)', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
  });

  afterEach(() => {
    world.debuggerClient.behaviour = undefined;
  });

  afterAll(async () => {
    await world?.stop();
  });

  it("keeps the function's NODE_OPTIONS preload out of PLLDB's Node.js and hands it to the debugger", async () => {
    const nodeOptions = '--require /opt/apm/agent-that-is-not-in-the-layer.cjs';
    world.attach('preloaded', { env: { NODE_OPTIONS: nodeOptions } });
    world.debuggerClient.behaviour = (request: DebuggerRequestMessage, client) =>
      client.answer(request.requestId, JSON.stringify({ held: Object.keys(request.environmentVariables).filter((n) => n.startsWith(HELD_ENV_PREFIX)) }));
    const result = await world.sandbox.invoke('preloaded', {});
    expect(result.functionError).toBeUndefined();
    expect(JSON.parse(result.payload)).toEqual({ held: [] });
    const request = world.debuggerClient.received.find((m): m is DebuggerRequestMessage => m.type === 'request' && m.lambdaFunctionName === 'preloaded');
    expect(request?.environmentVariables.NODE_OPTIONS).toBe(nodeOptions);
  });

  it('sizes the heap of PLLDB\'s Node.js from the function\'s memory', async () => {
    world.attach('sized', { memorySize: 256 });
    world.debuggerClient.behaviour = (request: DebuggerRequestMessage, client) => client.answer(request.requestId, '"ok"');
    expect((await world.sandbox.invoke('sized', {})).payload).toBe('"ok"');
    const [instance] = world.sandbox.functions.instances('sized');
    const args = readFileSync(`/proc/${instance?.pid ?? 0}/cmdline`, 'utf8').split('\0');
    expect(args).toContain('--max-old-space-size=128');
  });

  it(`carries a 6 MB event on a ${SMALLEST_MEMORY_MB} MB function without passing the function's memory`, async () => {
    world.attach('small', { memorySize: SMALLEST_MEMORY_MB });
    world.debuggerClient.behaviour = (request: DebuggerRequestMessage, client) => client.answer(request.requestId, JSON.stringify({ inline: request.eventInline }));
    const event = largeEvent();
    for (let round = 0; round < 3; round++) {
      const result = await world.sandbox.invoke('small', event);
      expect(result.functionError).toBeUndefined();
      expect(JSON.parse(result.payload)).toEqual({ inline: false });
      expect(result.maxMemoryUsedMb).toBeLessThanOrEqual(SMALLEST_MEMORY_MB);
      process.stdout.write(`6 MB event on ${SMALLEST_MEMORY_MB} MB: Max Memory Used ${result.maxMemoryUsedMb} MB\n`);
    }
  });

  it('fails an answer that cannot fit the item at once with PLLDB.ResultTooLarge instead of a timeout', async () => {
    world.attach('crowded', { timeout: 60 });
    let reply: Promise<ApiReply> | undefined;
    world.debuggerClient.behaviour = (request: DebuggerRequestMessage, client) => (reply = client.answer(request.requestId, JSON.stringify('y'.repeat(120_000))));
    const result = await world.sandbox.invoke('crowded', { blob: 'x'.repeat(300_000) });
    expect(errorOf(result)).toMatchObject({ errorType: RESULT_TOO_LARGE_ERROR_TYPE, errorMessage: expect.stringMatching(/already holds 3\d{5} bytes.*over the item limit of 409600 bytes/) });
    const answered = await reply;
    expect(answered).toMatchObject({ type: 'error', requestId: result.requestId });
    expect(answered).not.toHaveProperty('retry');
  });

  describe('a function in a VPC', () => {
    const vpc = { subnetIds: ['subnet-0a1b'], securityGroupIds: ['sg-0c2d'] };

    it('without a NAT gateway fails at once, naming the endpoint it could not reach and the fix, long before its deadline', async () => {
      world.attach('in-vpc', { timeout: 120, vpc });
      const started = Date.now();
      const error = errorOf(await world.sandbox.invoke('in-vpc', {}));
      process.stdout.write(`VPC without NAT: ${error.errorType} after ${Date.now() - started} ms (function timeout 120 s)\n`);
      expect(error.errorType).toBe('PLLDB.EndpointUnreachable');
      expect(error.errorMessage).toMatch(/could not reach STS .*NAT gateway/);
    });

    it('with interface endpoints for STS, DynamoDB and SQS but none for the public API, names execute-api', async () => {
      world.attach('endpoints-only', { timeout: 120, vpc: { ...vpc, endpoints: ['sts', 'dynamodb', 'sqs'] } });
      const error = errorOf(await world.sandbox.invoke('endpoints-only', {}));
      expect(error).toMatchObject({ errorType: 'PLLDB.EndpointUnreachable', errorMessage: expect.stringMatching(/could not reach execute-api .*NAT gateway/) });
    });

    it('with a private-DNS execute-api endpoint explains the 403 of PostToConnection', async () => {
      world.attach('private-dns', { timeout: 120, vpc: { ...vpc, endpoints: ['sts', 'dynamodb', 'sqs', 'execute-api'] } });
      const error = errorOf(await world.sandbox.invoke('private-dns', {}));
      expect(error).toMatchObject({ errorType: 'PLLDB.EndpointUnreachable', errorMessage: expect.stringMatching(/403.*private DNS/) });
      expect(world.sandbox.functions.getFunctionConfiguration('private-dns').VpcConfig).toMatchObject({ SubnetIds: vpc.subnetIds, SecurityGroupIds: vpc.securityGroupIds });
    });
  });

  it("hands the Runtime API's tenant id to the debugger, in the message and its context", async () => {
    world.attach('per-tenant');
    world.debuggerClient.behaviour = (request: DebuggerRequestMessage, client) => client.answer(request.requestId, JSON.stringify({ tenantId: request.tenantId, context: request.context.tenantId }));
    expect(JSON.parse((await world.sandbox.invoke('per-tenant', {}, { tenantId: 'blue' })).payload)).toEqual({ tenantId: 'blue', context: 'blue' });
    expect(JSON.parse((await world.sandbox.invoke('per-tenant', {})).payload)).toEqual({});
  });
});
