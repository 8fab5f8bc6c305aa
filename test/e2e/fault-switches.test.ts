import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Attr, DeliveredVia, Status } from '../../protocol/index.js';
import { PlldbErrorType } from '../../runtime/src/errors.js';
import { SLOW_POLL, THINK_MS, echoWith, errorOf, startWorld, type World } from './support/world.js';

const STREAM_DELAY_MS = 1000;
const delivered = (item: Record<string, unknown>) => item[Attr.Status] === Status.Delivered;

describe('end to end: the sandbox fault switches against the real layer', () => {
  let world: World;
  /** Measured figures, printed once at the end (no timing asserts). */
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    world = await startWorld();
    world.attach('faults', { env: SLOW_POLL });
  });

  afterEach(() => {
    world.debuggerClient.behaviour = undefined;
    world.sandbox.fastPath.start();
    world.sandbox.conditions.streamDelayMs = 0;
    world.sandbox.conditions.throttleDynamoDb(0);
    world.sandbox.conditions.failSts(undefined);
  });

  afterAll(async () => {
    process.stdout.write(`e2e fault figures: ${JSON.stringify(figures)}\n`);
    await world?.stop();
  });

  it('absorbs a short DynamoDB throttling burst (the SDK retries) and still answers', async () => {
    world.debuggerClient.behaviour = echoWith(() => 'after throttling', THINK_MS);
    world.sandbox.conditions.throttleDynamoDb(2);
    const started = Date.now();
    const result = await world.sandbox.invoke('faults', {});
    figures.throttledInvocationMs = Date.now() - started;
    expect(JSON.parse(result.payload)).toBe('after throttling');
  });

  it('waits for a delayed stream when the relay is the only way to the queue', async () => {
    world.sandbox.fastPath.stop();
    world.sandbox.conditions.streamDelayMs = STREAM_DELAY_MS;
    let answeredAt = 0;
    world.debuggerClient.behaviour = async (request, client) => {
      await new Promise((resolve) => setTimeout(resolve, THINK_MS));
      answeredAt = Date.now();
      return client.answer(request.requestId, '"relayed late"');
    };
    const result = await world.sandbox.invoke('faults', {});
    figures.answerToResultWithStreamDelayMs = Date.now() - answeredAt;
    expect(JSON.parse(result.payload)).toBe('relayed late');
    expect((await world.itemWhen(result.requestId, delivered))[Attr.DeliveredVia]).toBe(DeliveredVia.Sqs);
  });

  it('fails with an error naming the debugger role when AssumeRole is refused', async () => {
    world.attach('no-role');
    world.sandbox.conditions.failSts('AccessDenied');
    const result = await world.sandbox.invoke('no-role', {});
    const error = errorOf(result);
    expect(error.errorType).toBe(PlldbErrorType.AssumeRole);
    expect(error.errorMessage).toContain(world.sandbox.roleArn);
  });
});
