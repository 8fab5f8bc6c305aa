import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Attr, Status } from '../../protocol/index.js';
import { recordFigures } from './support/figures.js';
import { runLoad } from './support/load.js';
import { Rig } from './support/rig.js';
import { echoResponse, sleep, type ScriptedDebugger, type SendOutcome } from './support/scripted-debugger.js';
import { lambdaError, waitUntil } from './support/wait.js';

const accepted = (o: SendOutcome) => o.kind === 'reply' && o.reply.type === 'response-accepted';
const refusal = (o: SendOutcome) => (o.kind === 'reply' && o.reply.type === 'error' ? o.reply.message : `not refused: ${JSON.stringify(o)}`);

describe('a debugger that answers twice, late, or for another connection', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await Rig.start(() => undefined);
  });

  afterAll(async () => {
    await rig.stop();
  });

  describe('answering twice', () => {
    it('alone: the second answer is refused and the caller gets the first', async () => {
      const outcomes: SendOutcome[] = [];
      const client = await rig.connectDebugger(async (request, self) => {
        outcomes.push(await self.answer(request.requestId, { response: echoResponse(request) }));
        outcomes.push(await self.answer(request.requestId, { response: '"second"' }));
      });
      rig.createDebuggedFunction('twice', { connectionId: client.connectionId });
      const result = await rig.invoke('twice', { token: 'first-wins' });
      expect(JSON.parse(result.payload).echo).toEqual({ token: 'first-wins' });
      await client.settled();
      expect(accepted(outcomes[0] as SendOutcome)).toBe(true);
      expect(refusal(outcomes[1] as SendOutcome)).toMatch(/already answered.*this answer was not stored/);
      recordFigures({ case: 'debugger answers twice (alone)', invocations: 1, delivered: 1, errors: 0, lost: 0, note: 'second answer refused: already answered' });
    });

    it('under load, both answers sent at once: exactly one is stored, and the caller gets the stored one', async () => {
      const verdicts = new Map<string, { accepted: number; refused: number }>();
      const client = await rig.connectDebugger(async (request, self) => {
        await sleep(Math.random() * 300);
        const answers = [echoResponse(request), JSON.stringify({ echo: { token: 'impostor' } })];
        // Replies carry no message id, so only the counts per request can be told apart.
        const outcomes = await Promise.all(answers.map((response) => self.answer(request.requestId, { response })));
        verdicts.set(request.requestId, { accepted: outcomes.filter(accepted).length, refused: outcomes.filter((o) => !accepted(o)).length });
      });
      rig.createDebuggedFunction('twice-load', { connectionId: client.connectionId });
      const results: { requestId: string; payload: string }[] = [];
      const load = await runLoad(rig, 'twice-load', { invocations: 30, concurrency: 10, onResult: (r) => results.push(r) });
      await client.settled();
      expect([...verdicts.values()]).toEqual(Array.from({ length: 30 }, () => ({ accepted: 1, refused: 1 })));
      for (const { requestId, payload } of results) expect((await rig.item(requestId))?.[Attr.Response]).toBe(payload);
      const impostors = load.wrongAnswers;
      expect(load.delivered + impostors).toBe(30);
      recordFigures({
        case: 'debugger answers twice at once (under load)',
        invocations: 30,
        delivered: 30,
        errors: 0,
        lost: 0,
        note: `30 of 60 answers refused (one per request); every caller got exactly the stored answer (${impostors} of them the copy sent second, which reached the table first)`,
      });
    });
  });

  describe('answering late', () => {
    it('the caller gets a timeout error before the deadline, the item is TIMED_OUT, the late answer is refused, the next invocation works', async () => {
      let late = true;
      let lateOutcome: SendOutcome | undefined;
      const client = await rig.connectDebugger(async (request, self) => {
        if (!late) return void (await self.answer(request.requestId, { response: echoResponse(request) }));
        await sleep(2500);
        lateOutcome = await self.answer(request.requestId, { response: echoResponse(request) });
      });
      rig.createDebuggedFunction('late', { connectionId: client.connectionId, timeout: 3 });
      const started = Date.now();
      const result = await rig.invoke('late', { token: 'late' });
      const timeToError = Date.now() - started;
      expect(lambdaError(result.payload).errorType).toBe('PLLDB.DebuggerTimeout');
      expect(timeToError).toBeLessThan(3000);
      await waitUntil('the late answer', () => lateOutcome !== undefined);
      expect(refusal(lateOutcome as SendOutcome)).toMatch(/timed out before this answer arrived/);
      expect((await rig.item(result.requestId))?.[Attr.Status]).toBe(Status.TimedOut);
      late = false;
      const next = await rig.invoke('late', { token: 'on-time' });
      expect(JSON.parse(next.payload).echo).toEqual({ token: 'on-time' });
      recordFigures({ case: 'debugger answers late (function timeout 3 s)', invocations: 2, delivered: 1, errors: 1, lost: 0, timeToErrorMs: timeToError, note: 'PLLDB.DebuggerTimeout before the deadline; item TIMED_OUT; late answer refused; next invocation answered' });
    });
  });

  describe('answering for another connection', () => {
    let owner: ScriptedDebugger;
    let intruder: ScriptedDebugger;

    beforeAll(async () => {
      intruder = await rig.connectDebugger();
    });

    it('under load: an intruder answering every request first is refused each time; every caller gets the owner\'s answer', async () => {
      const intruderOutcomes: SendOutcome[] = [];
      owner = await rig.connectDebugger(async (request, self) => {
        intruderOutcomes.push(await intruder.answer(request.requestId, { response: JSON.stringify({ echo: { token: 'intruder' } }) }));
        await sleep(Math.random() * 300);
        await self.answer(request.requestId, { response: echoResponse(request) });
      });
      rig.createDebuggedFunction('owned', { connectionId: owner.connectionId });
      const result = await runLoad(rig, 'owned', { invocations: 30, concurrency: 10 });
      expect(result.delivered).toBe(30);
      expect(intruderOutcomes).toHaveLength(30);
      for (const outcome of intruderOutcomes) expect(refusal(outcome)).toMatch(/belongs to another debugger connection/);
      recordFigures({ case: 'another connection answers first (under load)', invocations: 30, delivered: 30, errors: 0, lost: 0, wrongAnswers: result.wrongAnswers, note: '30 of 30 intruder answers refused: belongs to another debugger connection' });
    });
  });
});
