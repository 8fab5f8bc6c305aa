import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Attr, DEBUGGER_DISCONNECTED_ERROR_TYPE, DEFAULT_QUEUE_PREFIX, DeliveredVia, Status } from '../../protocol/index.js';
import { SANDBOX_CREDENTIALS } from '../../sandbox/index.js';
import { SqsQueueDirectory } from '../../infra/sweeper/queue-directory.js';
import { DynamoDbInvocationStatus } from '../../infra/sweeper/invocation-status.js';
import { MIN_AGE_MS, PENDING_MAX_AGE_MS, sweepCandidates } from '../../infra/sweeper/select.js';
import { sweep } from '../../infra/sweeper/sweep.js';
import { recordFigures } from './support/figures.js';
import { percentile, runLoad, type LoadResult } from './support/load.js';
import { Rig } from './support/rig.js';
import { answerAfterRandomDelay, echoResponse, sleep, type ScriptedDebugger } from './support/scripted-debugger.js';
import { lambdaError, waitUntil } from './support/wait.js';

/** The load each fault also runs under: enough callers to keep all 10 environments busy. */
const LOAD = { invocations: 40, concurrency: 10 };
const ANSWER_DELAY_MS = 500;
const FN = 'faulty';

describe('faults, each alone and while load runs', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await Rig.start(answerAfterRandomDelay(ANSWER_DELAY_MS));
    rig.createDebuggedFunction(FN);
    // Warm all ten environments, so faults hit running runtimes.
    await runLoad(rig, FN, { invocations: 10, concurrency: 10 });
  });

  afterAll(async () => {
    await rig.stop();
  });

  /** Load under the fault: nobody gets another caller's answer; the figures go to the table. */
  async function loadUnder(name: string, fault: { on(): void; off(): void }, describeMore?: () => string): Promise<LoadResult> {
    fault.on();
    let result: LoadResult;
    try {
      result = await runLoad(rig, FN, LOAD);
    } finally {
      fault.off();
    }
    const queuesLeft = (await rig.queuesLeft()).length;
    const note = describeMore?.();
    recordFigures({
      case: `${name} (under load)`,
      invocations: result.invocations,
      delivered: result.delivered,
      lost: result.invocations - result.delivered - result.errors - result.wrongAnswers,
      errors: result.errors,
      wrongAnswers: result.wrongAnswers,
      queuesLeft,
      durationMs: result.durationMs,
      note: `p50 ${percentile(result.latenciesMs, 50)} ms, p99 ${percentile(result.latenciesMs, 99)} ms${note ? `; ${note}` : ''}${result.errors ? `; errors: ${JSON.stringify(result.errorMessages)}` : ''}`,
    });
    expect(result.wrongAnswers).toBe(0);
    expect(queuesLeft).toBe(0);
    return result;
  }

  /** One invocation under the fault: the caller's own answer, and which arm delivered it. */
  async function aloneUnder(name: string, fault: { on(): void; off(): void }): Promise<string> {
    fault.on();
    try {
      const started = Date.now();
      const result = await rig.invoke(FN, { token: name });
      expect(result.functionError).toBeUndefined();
      expect(JSON.parse(result.payload).echo).toEqual({ token: name });
      await waitUntil('the item to be DELIVERED', async () => (await rig.item(result.requestId))?.[Attr.Status] === Status.Delivered);
      const via = String((await rig.item(result.requestId))?.[Attr.DeliveredVia]);
      recordFigures({ case: `${name} (alone)`, invocations: 1, delivered: 1, lost: 0, errors: 0, durationMs: Date.now() - started, note: `delivered via ${via}` });
      return via;
    } finally {
      fault.off();
    }
  }

  describe('relay stopped', () => {
    const relayStopped = { on: () => rig.sandbox.relay.stop(), off: () => rig.sandbox.relay.start() };

    it('alone: the $default fast path still delivers; with the fast path also off, the poll arm does', async () => {
      expect([DeliveredVia.Sqs, DeliveredVia.Poll]).toContain(await aloneUnder('relay stopped', relayStopped));
      const both = { on: () => (relayStopped.on(), rig.sandbox.fastPath.stop()), off: () => (relayStopped.off(), rig.sandbox.fastPath.start()) };
      expect(await aloneUnder('relay and fast path stopped', both)).toBe(DeliveredVia.Poll);
      await rig.sandbox.relay.whenIdle();
    });

    it('under load: every caller gets its own answer', async () => {
      const result = await loadUnder('relay stopped', relayStopped);
      expect(result.delivered).toBe(LOAD.invocations);
      await rig.sandbox.relay.whenIdle();
    });
  });

  describe('SQS returning errors', () => {
    const sqsFailing = { on: () => rig.sandbox.conditions.failSqs('InternalError'), off: () => rig.sandbox.conditions.failSqs(undefined) };

    it('alone: the invocation degrades to the poll arm', async () => {
      expect(await aloneUnder('SQS failing (InternalError on every call)', sqsFailing)).toBe(DeliveredVia.Poll);
    });

    it('under load: every caller gets its own answer', async () => {
      const result = await loadUnder('SQS failing (InternalError on every call)', sqsFailing);
      expect(result.delivered).toBe(LOAD.invocations);
      await rig.sandbox.relay.whenIdle();
    });
  });

  describe('DynamoDB throttling bursts', () => {
    it('alone: a burst shorter than the SDK retries is absorbed', async () => {
      const burst = { on: () => rig.sandbox.conditions.throttleDynamoDb(2), off: () => rig.sandbox.conditions.throttleDynamoDb(0) };
      await aloneUnder('DynamoDB throttling burst (2 calls)', burst);
    });

    it('under load: bursts of 5 throttled calls every second; callers get their own answer or a clear PLLDB error, and the next invocation works', async () => {
      let timer: NodeJS.Timeout | undefined;
      const bursts = {
        on: () => {
          timer = setInterval(() => rig.sandbox.conditions.throttleDynamoDb(5), 1000);
        },
        off: () => {
          clearInterval(timer);
          rig.sandbox.conditions.throttleDynamoDb(0);
        },
      };
      const resendsBefore = rig.debuggerClient.resends;
      const result = await loadUnder('DynamoDB throttling bursts (5 calls every second)', bursts, () => `debugger re-sent ${rig.debuggerClient.resends - resendsBefore} answer(s) the API asked for again`);
      // Mostly 40 of 40; on a busy machine an answer the route could not store can still end in a timeout.
      for (const message of Object.keys(result.errorMessages)) expect(message).toMatch(/^PLLDB\./);
      const after = await rig.invoke(FN, { token: 'after-throttling' });
      expect(JSON.parse(after.payload).echo).toEqual({ token: 'after-throttling' });
    });
  });

  describe('DynamoDB throttled continuously', () => {
    it('under load, 5 throttled calls every 250 ms: answers or clear PLLDB errors before the deadline, never another caller\'s answer; healed, the next invocation works', async () => {
      rig.createDebuggedFunction('throttled', { timeout: 4 });
      await runLoad(rig, 'throttled', { invocations: 10, concurrency: 10 });
      rig.sandbox.conditions.throttleDynamoDb(5);
      const timer = setInterval(() => rig.sandbox.conditions.throttleDynamoDb(5), 250);
      const resendsBefore = rig.debuggerClient.resends;
      let result: LoadResult;
      try {
        result = await runLoad(rig, 'throttled', LOAD);
      } finally {
        clearInterval(timer);
        rig.sandbox.conditions.throttleDynamoDb(0);
      }
      expect(result.wrongAnswers).toBe(0);
      for (const message of Object.keys(result.errorMessages)) expect(message).toMatch(/^PLLDB\./);
      const after = await rig.invoke('throttled', { token: 'healed' });
      expect(JSON.parse(after.payload).echo).toEqual({ token: 'healed' });
      const queues = await rig.sandbox.relay.whenIdle().then(() => rig.queuesLeft());
      recordFigures({
        case: 'DynamoDB throttled continuously (5 calls every 250 ms, function timeout 4 s) (under load)',
        invocations: result.invocations,
        delivered: result.delivered,
        errors: result.errors,
        lost: 0,
        wrongAnswers: 0,
        queuesLeft: queues.length,
        durationMs: result.durationMs,
        note: `debugger re-sent ${rig.debuggerClient.resends - resendsBefore} answer(s) the API asked for again; errors: ${JSON.stringify(result.errorMessages)}`,
      });
      expect(queues).toEqual([]);
    });
  });

  describe('AWS answering slower than the function\'s timeout', () => {
    it('an environment whose AWS calls (AssumeRole or PutItem) hang past the deadline still posts a PLLDB error before it', async () => {
      rig.createDebuggedFunction('slow-aws', { timeout: 3 });
      await rig.invoke('slow-aws', { token: 'warm' });
      rig.sandbox.conditions.callDelayMs = 5000;
      const started = Date.now();
      let result;
      try {
        result = await rig.invoke('slow-aws', { token: 'slow' });
      } finally {
        rig.sandbox.conditions.callDelayMs = 0;
      }
      const timeToError = Date.now() - started;
      expect(lambdaError(result.payload).errorType).toBe('PLLDB.DebuggerTimeout');
      expect(timeToError).toBeLessThan(3000);
      const next = await rig.invoke('slow-aws', { token: 'after' });
      expect(JSON.parse(next.payload).echo).toEqual({ token: 'after' });
      recordFigures({ case: 'every AWS call delayed 5 s (function timeout 3 s)', invocations: 2, delivered: 1, errors: 1, lost: 0, timeToErrorMs: timeToError, note: 'PLLDB.DebuggerTimeout before the deadline (the steps before the wait are bounded by it); healed, the next invocation answers' });
    });
  });

  describe('stream delayed by 5 s', () => {
    const delayed = { on: () => (rig.sandbox.conditions.streamDelayMs = 5000), off: () => (rig.sandbox.conditions.streamDelayMs = 0) };

    it('alone: answered without waiting for the stream', async () => {
      const started = Date.now();
      await aloneUnder('stream delayed 5 s', delayed);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('under load: every caller gets its own answer', async () => {
      const result = await loadUnder('stream delayed 5 s', delayed);
      expect(result.delivered).toBe(LOAD.invocations);
      await rig.sandbox.relay.whenIdle();
    });
  });

  describe('STS failing', () => {
    it('alone: a fresh environment fails with an error naming the role; healed, the same environment answers', async () => {
      rig.createDebuggedFunction('sts-cold');
      rig.sandbox.conditions.failSts('AccessDenied');
      let failed;
      try {
        failed = await rig.invoke('sts-cold', { token: 'sts' });
      } finally {
        rig.sandbox.conditions.failSts(undefined);
      }
      const error = lambdaError(failed.payload);
      expect(error.errorType).toBe('PLLDB.AssumeRoleFailed');
      expect(error.errorMessage).toContain(rig.sandbox.roleArn);
      expect(error.errorMessage).toContain('sts:AssumeRole');
      const healed = await rig.invoke('sts-cold', { token: 'healed' });
      expect(JSON.parse(healed.payload).echo).toEqual({ token: 'healed' });
      recordFigures({ case: 'STS failing (AccessDenied), fresh environment', invocations: 2, delivered: 1, errors: 1, lost: 0, note: `error: ${error.errorType}, names ${rig.sandbox.roleArn}; next invocation after healing answered` });
    });

    it('under load: warm environments keep their role credentials and answer', async () => {
      const stsFailing = { on: () => rig.sandbox.conditions.failSts('AccessDenied'), off: () => rig.sandbox.conditions.failSts(undefined) };
      const result = await loadUnder('STS failing (AccessDenied), warm environments', stsFailing);
      expect(result.delivered).toBe(LOAD.invocations);
    });
  });

  describe('WebSocket connection dropped mid-wait', () => {
    let dropped: ScriptedDebugger;

    beforeAll(async () => {
      dropped = await rig.connectDebugger();
      rig.createDebuggedFunction('dropped', { connectionId: dropped.connectionId });
    });

    it('alone: the waiting caller gets a disconnect error within a second', async () => {
      const call = rig.invoke('dropped', { token: 'drop' });
      await waitUntil('the request to reach the debugger', () => dropped.requests.length === 1);
      await sleep(300);
      const droppedAt = Date.now();
      rig.sandbox.dropConnection(dropped.connectionId);
      const result = await call;
      const timeToError = Date.now() - droppedAt;
      expect(lambdaError(result.payload).errorType).toBe(DEBUGGER_DISCONNECTED_ERROR_TYPE);
      expect(timeToError).toBeLessThan(1000);
      const next = await rig.invoke('dropped', { token: 'after-drop' });
      expect(lambdaError(next.payload).errorType).toBe('PLLDB.DebuggerNotConnected');
      expect(await rig.queuesLeft()).toEqual([]);
      recordFigures({ case: 'WebSocket dropped mid-wait (alone)', invocations: 2, delivered: 0, errors: 2, lost: 0, timeToErrorMs: timeToError, queuesLeft: 0, note: 'waiting caller: PLLDB.DebuggerDisconnected; next caller: PLLDB.DebuggerNotConnected (410) at once' });
    });

    it('under load: every caller waiting at the drop gets the error within a second; none is left PENDING', async () => {
      const client = await rig.connectDebugger(answerAfterRandomDelay(2000));
      rig.createDebuggedFunction('dropped-load', { connectionId: client.connectionId });
      let droppedAt = 0;
      const errorsAfterDrop: number[] = [];
      const load = runLoad(rig, 'dropped-load', {
        invocations: 20,
        concurrency: 10,
        onProgress: () => {
          if (droppedAt) errorsAfterDrop.push(Date.now() - droppedAt);
        },
      });
      await waitUntil('ten requests in flight', () => client.requests.length >= 10);
      droppedAt = Date.now();
      rig.sandbox.dropConnection(client.connectionId);
      const result = await load;
      const timeToError = Math.max(...errorsAfterDrop.slice(0, 10));
      expect(result.wrongAnswers).toBe(0);
      expect(result.delivered + result.errors).toBe(20);
      expect(timeToError).toBeLessThan(1000);
      const pending = (await rig.pendingItems()).filter((i) => i[Attr.ConnectionId] === client.connectionId);
      expect(pending).toEqual([]);
      expect(await rig.queuesLeft()).toEqual([]);
      recordFigures({
        case: 'WebSocket dropped mid-wait (under load)',
        invocations: 20,
        delivered: result.delivered,
        errors: result.errors,
        lost: 0,
        wrongAnswers: result.wrongAnswers,
        timeToErrorMs: timeToError,
        queuesLeft: 0,
        pendingLeft: 0,
        note: `answered before the drop: ${result.delivered}; errors: ${JSON.stringify(result.errorMessages)}`,
      });
    });
  });

  describe('runtime process killed mid-wait', () => {
    const sqs = () => new SQSClient({ endpoint: rig.sandbox.endpoints.sqs, region: rig.sandbox.region, credentials: { ...SANDBOX_CREDENTIALS } });

    it('alone: the caller gets Runtime.ExitError, the next invocation works on a fresh environment, the sweeper removes the orphaned queue', async () => {
      let hold = true;
      const client = await rig.connectDebugger(async (request, self) => {
        if (hold) return;
        await self.answer(request.requestId, { response: echoResponse(request) });
      });
      rig.createDebuggedFunction('killed', { connectionId: client.connectionId });
      const call = rig.invoke('killed', { token: 'kill' });
      await waitUntil('the request to reach the debugger', () => client.requests.length === 1);
      const [before] = rig.sandbox.functions.instances('killed');
      const killedAt = Date.now();
      await rig.sandbox.functions.killInstance('killed');
      const result = await call;
      const timeToError = Date.now() - killedAt;
      expect(lambdaError(result.payload).errorType).toBe('Runtime.ExitError');
      hold = false;
      const next = await rig.invoke('killed', { token: 'after-kill' });
      expect(JSON.parse(next.payload).echo).toEqual({ token: 'after-kill' });
      expect(rig.sandbox.functions.instances('killed').map((i) => i.id)).not.toContain(before?.id);

      const orphanQueue = String((await rig.item(result.requestId))?.[Attr.QueueName]);
      expect(await rig.queuesLeft()).toEqual([orphanQueue]);
      const client2 = sqs();
      try {
        const directory = new SqsQueueDirectory(client2);
        const invocations = new DynamoDbInvocationStatus(rig.table, rig.sandbox.tableName);
        expect(sweepCandidates(await directory.list(DEFAULT_QUEUE_PREFIX), DEFAULT_QUEUE_PREFIX, Date.now())).toEqual([]);
        // Its item still reads PENDING: the invocation might be a long one (Lambda Managed Instances), so the queue stays...
        expect(await sweep(directory, invocations, DEFAULT_QUEUE_PREFIX, Date.now() + MIN_AGE_MS + 1000, () => undefined)).toEqual({ listed: 1, deleted: 0, failed: 0 });
        // ...until no invocation can still be running.
        const swept = await sweep(directory, invocations, DEFAULT_QUEUE_PREFIX, Date.now() + PENDING_MAX_AGE_MS + 1000, () => undefined);
        expect(swept).toEqual({ listed: 1, deleted: 1, failed: 0 });
      } finally {
        client2.destroy();
      }
      expect(rig.sandbox.queueNames()).toEqual([]);
      recordFigures({
        case: 'runtime killed mid-wait (alone)',
        invocations: 2,
        delivered: 1,
        errors: 1,
        lost: 0,
        timeToErrorMs: timeToError,
        queuesLeft: 0,
        note: 'caller: Runtime.ExitError; next invocation answered on a fresh environment; 1 orphaned queue left, kept by the sweeper while its item reads PENDING and deleted past the longest Lambda timeout (5400 s) plus a margin; the item stays PENDING until its TTL',
      });
    });

    it('under load: only the killed environment\'s caller fails; the sweeper removes its queue', async () => {
      // The debugger holds one request unanswered, so its environment is surely mid-wait when killed.
      let held: string | undefined;
      const answering = answerAfterRandomDelay(ANSWER_DELAY_MS);
      rig.debuggerClient.setBehaviour((request, client) => {
        if (held === undefined) held = request.requestId;
        else return answering(request, client);
      });
      const load = runLoad(rig, FN, LOAD);
      await waitUntil('a held request', () => held !== undefined);
      const target = rig.sandbox.functions.instances(FN).find((i) => i.requestId === held);
      await rig.sandbox.functions.killInstance(FN, target?.id);
      const result = await load;
      rig.debuggerClient.setBehaviour(answering);
      expect(result.wrongAnswers).toBe(0);
      expect(result.errors).toBe(1);
      expect(Object.keys(result.errorMessages)).toEqual([expect.stringMatching(/^Runtime\.ExitError/)]);
      const left = await rig.queuesLeft();
      const client2 = sqs();
      let swept;
      try {
        swept = await sweep(new SqsQueueDirectory(client2), new DynamoDbInvocationStatus(rig.table, rig.sandbox.tableName), DEFAULT_QUEUE_PREFIX, Date.now() + PENDING_MAX_AGE_MS + 1000, () => undefined);
      } finally {
        client2.destroy();
      }
      expect(left).toHaveLength(1);
      expect(swept.deleted).toBe(1);
      expect(rig.sandbox.queueNames()).toEqual([]);
      recordFigures({
        case: 'runtime killed mid-wait (under load)',
        invocations: result.invocations,
        delivered: result.delivered,
        errors: result.errors,
        lost: 0,
        wrongAnswers: 0,
        queuesLeft: 0,
        durationMs: result.durationMs,
        note: `1 Runtime.ExitError; ${left.length} orphaned queue(s) swept`,
      });
    });
  });
});
