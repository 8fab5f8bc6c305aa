import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Attr, CREDENTIAL_ENV_VARS, Env, REDACTED, ROLE_EXTERNAL_ID, Status, queueMessageFor, type DebuggerRequestMessage } from '../../protocol/index.js';
import { recordFigures } from './support/figures.js';
import { findLeaks, unstructuredLines } from './support/log-scan.js';
import { runLoad } from './support/load.js';
import { Rig } from './support/rig.js';
import { SANDBOX_CREDENTIALS } from '../../sandbox/index.js';
import { answerAfterRandomDelay, echoResponse, type ScriptedDebugger } from './support/scripted-debugger.js';
import { waitUntil } from './support/wait.js';

const EVENT_MARKER = `event-body-${randomUUID()}`;
const ANSWER_MARKER = `answer-body-${randomUUID()}`;

describe('security', () => {
  let rig: Rig;
  /** The function's own credentials (the sandbox sets them, as Lambda does), learned from a forwarding function. */
  let functionCredentials: Record<string, string>;

  beforeAll(async () => {
    rig = await Rig.start(async (request, self) => {
      await self.answer(request.requestId, { response: JSON.stringify({ said: ANSWER_MARKER, echo: echoResponse(request) }) });
    });
    rig.createDebuggedFunction('redacting');
    rig.createDebuggedFunction('forwarding', { environment: { [Env.ForwardCredentials]: 'true' } });
  });

  afterAll(async () => {
    await rig.stop();
  });

  async function itemAndMessage(fn: string): Promise<{ item: Record<string, unknown>; message: DebuggerRequestMessage }> {
    const result = await rig.invoke(fn, { secretish: EVENT_MARKER });
    expect(result.functionError).toBeUndefined();
    const message = rig.debuggerClient.requests.find((r) => r.requestId === result.requestId) as DebuggerRequestMessage;
    return { item: (await rig.item(result.requestId)) as Record<string, unknown>, message };
  }

  it('forwards the function\'s credentials in the message only with PLLDB_FORWARD_CREDENTIALS=true, never into the item', async () => {
    const { item, message } = await itemAndMessage('forwarding');
    const forwarded = message.environmentVariables;
    functionCredentials = Object.fromEntries(CREDENTIAL_ENV_VARS.filter((name) => forwarded[name] !== undefined).map((name) => [name, forwarded[name] as string]));
    expect(functionCredentials.AWS_SECRET_ACCESS_KEY).toBe(SANDBOX_CREDENTIALS.secretAccessKey);
    expect(functionCredentials.AWS_ACCESS_KEY_ID).toMatch(/^AKIA/);
    expect(findLeaks([JSON.stringify(item)], functionCredentials)).toEqual([]);
    recordFigures({ case: 'credentials, PLLDB_FORWARD_CREDENTIALS=true', invocations: 1, delivered: 1, note: `${Object.keys(functionCredentials).join(', ')} in the message only; the item holds names, no values` });
  });

  it('redacts them from the message by default, and the item holds variable names and no value at all', async () => {
    const { item, message } = await itemAndMessage('redacting');
    for (const name of Object.keys(functionCredentials)) expect(message.environmentVariables[name]).toBe(REDACTED);
    const stored = item[Attr.EnvironmentVariables] as Record<string, string>;
    expect(Object.keys(stored).sort()).toEqual(Object.keys(message.environmentVariables).sort());
    expect(Object.values(stored).every((value) => value === '')).toBe(true);
    expect(findLeaks([JSON.stringify(item), JSON.stringify(message)], functionCredentials)).toEqual([]);
    recordFigures({ case: 'credentials, default', invocations: 1, delivered: 1, note: `${Object.keys(functionCredentials).join(', ')} redacted in the message; the item holds ${Object.keys(stored).length} variable names and no value` });
  });

  it('a second connection cannot answer a request it was not sent; the item is untouched and the owner\'s answer wins', async () => {
    const intruder: ScriptedDebugger = await rig.connectDebugger();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const owner = await rig.connectDebugger(async (request, self) => {
      await released;
      await self.answer(request.requestId, { response: echoResponse(request) });
    });
    rig.createDebuggedFunction('owned', { connectionId: owner.connectionId });
    const call = rig.invoke('owned', { token: 'mine' });
    await waitUntil('the owner to get the request', () => owner.requests.length === 1);
    const requestId = owner.requests[0]?.requestId as string;
    const refused = await intruder.answer(requestId, { response: '"hijacked"' });
    expect(refused).toMatchObject({ kind: 'reply', reply: { type: 'error', requestId, message: expect.stringMatching(/belongs to another debugger connection/) } });
    const item = await rig.item(requestId);
    expect(item?.[Attr.Status]).toBe(Status.Pending);
    expect(item?.[Attr.Response]).toBeUndefined();
    expect(intruder.requests).toEqual([]);
    release();
    expect(JSON.parse((await call).payload).echo).toEqual({ token: 'mine' });
    recordFigures({ case: 'another connection answers (alone)', invocations: 1, delivered: 1, errors: 0, lost: 0, note: 'refused (belongs to another debugger connection); item still PENDING without an answer; the owner\'s answer delivered' });
  });

  it('believes no answer put on the invocation\'s queue with debugger-role credentials; the owner\'s answer is returned', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const owner = await rig.connectDebugger(async (request, self) => {
      await released;
      await self.answer(request.requestId, { response: '"genuine"' });
    });
    rig.createDebuggedFunction('queue-forged', { connectionId: owner.connectionId });
    const call = rig.invoke('queue-forged', {});
    await waitUntil('the owner to get the request', () => owner.requests.length === 1);
    const requestId = owner.requests[0]?.requestId as string;
    const queueName = (await rig.item(requestId))?.[Attr.QueueName] as string;
    // Any principal the role's trust admits can hold these credentials.
    const { sandbox } = rig;
    const sts = new STSClient({ endpoint: sandbox.endpoints.sts, region: sandbox.region, credentials: { ...SANDBOX_CREDENTIALS } });
    const assumed = (await sts.send(new AssumeRoleCommand({ RoleArn: sandbox.roleArn, RoleSessionName: 'intruder', ExternalId: ROLE_EXTERNAL_ID }))).Credentials;
    const sqs = new SQSClient({
      endpoint: sandbox.endpoints.sqs,
      region: sandbox.region,
      credentials: { accessKeyId: assumed?.AccessKeyId as string, secretAccessKey: assumed?.SecretAccessKey as string, sessionToken: assumed?.SessionToken as string },
    });
    try {
      let queueUrl: string | undefined;
      await waitUntil('the invocation\'s queue', async () => {
        queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName })).catch(() => undefined))?.QueueUrl;
        return queueUrl !== undefined;
      });
      const forged = queueMessageFor(requestId, { kind: 'response', statusCode: 200, body: '"forged"' }).body;
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: forged }));
      await waitUntil('the runtime to refuse it', () => rig.logLines.some((l) => l.includes('queue_message_ignored') && l.includes(requestId)));
    } finally {
      sts.destroy();
      sqs.destroy();
    }
    const refusal = rig.logLines.find((l) => l.includes('queue_message_ignored') && l.includes(requestId)) as string;
    expect(JSON.parse(refusal)).toMatchObject({ senderId: expect.stringMatching(/^AROA\w+:intruder$/) });
    expect((await rig.item(requestId))?.[Attr.Status]).toBe(Status.Pending);
    release();
    const result = await call;
    expect(result.payload).toBe('"genuine"');
    recordFigures({ case: 'answer on the queue with debugger-role credentials', invocations: 1, delivered: 1, errors: 0, lost: 0, note: 'not believed (SenderId is not the $default route\'s or the relay\'s role): the runtime read the item (still PENDING) and returned the owner\'s answer' });
  });

  it('logs (every line of the functions, the relay and the route handlers) hold no credential and no event or answer body', async () => {
    rig.createDebuggedFunction('logged', { environment: { [Env.ForwardCredentials]: 'true' } });
    rig.debuggerClient.setBehaviour(async (request, self) => {
      await answerAfterRandomDelay(200)(request, self);
    });
    const load = await runLoad(rig, 'logged', { invocations: 20, concurrency: 5 });
    expect(load.delivered).toBe(20);
    const assumedKeys = [...new Set(rig.sandbox.metrics().requestLog.filter((r) => r.caller === 'debugger-role').map((r) => r.accessKeyId as string))];
    expect(assumedKeys.length).toBeGreaterThan(0);
    const needles: Record<string, string> = {
      ...functionCredentials,
      ...Object.fromEntries(assumedKeys.map((key, i) => [`debugger role access key ${i + 1}`, key])),
      'event body': EVENT_MARKER,
      'answer body': ANSWER_MARKER,
      'load event body': '"token"',
    };
    const lines = rig.logLines;
    expect(lines.length).toBeGreaterThan(100);
    expect(findLeaks(lines, needles)).toEqual([]);
    const runtimeLines = lines.filter((l) => l.includes('"requestId"'));
    expect(unstructuredLines(runtimeLines)).toEqual([]);
    recordFigures({ case: 'log scan', note: `${lines.length} lines scanned (functions, relay, route handlers): 0 credentials (function keys, ${assumedKeys.length} debugger-role key ids), 0 event or answer bodies` });
  });
});
