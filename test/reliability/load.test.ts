import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Attr, Status } from '../../protocol/index.js';
import { recordFigures } from './support/figures.js';
import { percentile, runLoad } from './support/load.js';
import { MemorySampler } from './support/proc-memory.js';
import { Rig } from './support/rig.js';
import { answerAfterRandomDelay } from './support/scripted-debugger.js';
import { waitUntil } from './support/wait.js';

/** `npm test` runs a short load; `npm run soak` sets 1000. */
const INVOCATIONS = Number(process.env.PLLDB_LOAD_INVOCATIONS ?? 100);
const SOAK = INVOCATIONS >= 1000;
const INSTANCES = 10;
const MAX_ANSWER_DELAY_MS = 2000;
/** Lambda's smallest memory size: the runtime replaces the function's own, so it must fit there. */
const SMALLEST_LAMBDA_KB = 128 * 1024;
const FN = 'loaded';
const QUARTERS = [0, 0.25, 0.5, 0.75, 1];

const mb = (kb: number) => Math.round(kb / 1024);

describe(`load: ${INVOCATIONS} debugged invocations over ${INSTANCES} function instances, debugger answering after 0-${MAX_ANSWER_DELAY_MS} ms`, () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await Rig.start(answerAfterRandomDelay(MAX_ANSWER_DELAY_MS), { concurrency: INSTANCES });
    rig.createDebuggedFunction(FN);
  });

  afterAll(async () => {
    await rig.stop();
  });

  it(
    'every caller gets exactly its own answer; no item left PENDING, no queue left; runtime memory within 128 MB',
    async () => {
      const memory = new MemorySampler();
      const result = await runLoad(rig, FN, {
        invocations: INVOCATIONS,
        concurrency: INSTANCES,
        onProgress: (done) => {
          if (done % INSTANCES === 0) memory.sample(rig.runtimePids(FN));
        },
      });
      memory.sample(rig.runtimePids(FN));
      // Callers have their answers before the runtimes' bookkeeping (DELIVERED, queue deleted) ends.
      await waitUntil('every item DELIVERED', async () => (await rig.items()).every((i) => i[Attr.Status] === Status.Delivered), 5000).catch(() => undefined);
      const items = await rig.items();
      const statuses = items.reduce<Record<string, number>>((counts, i) => ({ ...counts, [String(i[Attr.Status])]: (counts[String(i[Attr.Status])] ?? 0) + 1 }), {});
      const queuesLeft = await rig.queuesLeft();

      recordFigures({
        case: `load: ${INVOCATIONS} invocations, ${INSTANCES} instances, answers after 0-2 s`,
        invocations: INVOCATIONS,
        delivered: result.delivered,
        lost: INVOCATIONS - result.delivered - result.errors - result.wrongAnswers,
        errors: result.errors,
        wrongAnswers: result.wrongAnswers,
        queuesLeft: queuesLeft.length,
        pendingLeft: statuses[Status.Pending] ?? 0,
        memory: `VmRSS per runtime (average of ${memory.processes()}) at 0/25/50/75/100 % of the run: ${memory.curve(QUARTERS).map(mb).join(' / ')} MB; peak ${mb(memory.peakKb())} MB`,
        durationMs: result.durationMs,
        note: `latency p50 ${percentile(result.latenciesMs, 50)} ms, p99 ${percentile(result.latenciesMs, 99)} ms; items ${JSON.stringify(statuses)}; instances started ${rig.sandbox.metrics().instances.filter((i) => i.functionName === FN).length}`,
      });

      expect(result.wrongAnswers).toBe(0);
      expect(result.errors).toBe(0);
      expect(result.delivered).toBe(INVOCATIONS);
      expect(statuses).toEqual({ [Status.Delivered]: INVOCATIONS });
      expect(queuesLeft).toEqual([]);
      expect(memory.processes()).toBe(INSTANCES);
      expect(memory.peakKb()).toBeLessThan(SMALLEST_LAMBDA_KB);
    },
    INVOCATIONS * 300 + 60_000,
  );
});

describe('memory of one runtime over a long run', () => {
  let rig: Rig;

  beforeAll(async () => {
    // One environment only: the host would otherwise start another while the first does its bookkeeping.
    rig = await Rig.start(answerAfterRandomDelay(0), { concurrency: 1 });
    rig.createDebuggedFunction(FN);
  });

  afterAll(async () => {
    await rig.stop();
  });

  it(
    `one environment, ${2 * INVOCATIONS} invocations in a row: memory levels off once V8 collects (soak: no new peak in the second half)`,
    async () => {
      const memory = new MemorySampler();
      const result = await runLoad(rig, FN, {
        invocations: 2 * INVOCATIONS,
        concurrency: 1,
        onProgress: (done) => {
          if (done % Math.max(1, INVOCATIONS / 10) === 0) memory.sample(rig.runtimePids(FN));
        },
      });
      const firstHalfPeak = memory.peakKb(0, 0.5);
      const secondHalfPeak = memory.peakKb(0.5, 1);
      recordFigures({
        case: `memory: one environment, ${2 * INVOCATIONS} invocations in a row`,
        invocations: 2 * INVOCATIONS,
        delivered: result.delivered,
        errors: result.errors,
        memory: `VmRSS at 0/25/50/75/100 %: ${memory.curve(QUARTERS, 1).map(mb).join(' / ')} MB; peak first half ${mb(firstHalfPeak)} MB, second half ${mb(secondHalfPeak)} MB`,
        durationMs: result.durationMs,
      });
      expect(result.delivered).toBe(2 * INVOCATIONS);
      expect(memory.processes(1)).toBe(1);
      expect(memory.peakKb()).toBeLessThan(SMALLEST_LAMBDA_KB);
      // Only a long run gets past V8's first major collections; a short one is still warming up.
      if (SOAK) expect(secondHalfPeak).toBeLessThanOrEqual(firstHalfPeak + 2048);
    },
    INVOCATIONS * 200 + 60_000,
  );
});
