import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteQueueCommand, QueueDoesNotExist, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { Attr, DeliveredVia, INVALID_ANSWER_ERROR_TYPE, QUEUE_MAX_MESSAGE_BYTES, ROLE_EXTERNAL_ID, Status, encodeQueueMessage, sessionItemKey, type LambdaError } from '../../protocol/index.js';
import { PlldbErrorType } from '../../runtime/src/errors.js';
import { createAwsEdges } from '../../runtime/src/aws/clients.js';
import { sessionPolicy } from '../../runtime/src/aws/session-policy.js';
import { loadConfig } from '../../runtime/src/config.js';
import { handleInvocation } from '../../runtime/src/invocation.js';
import type { Logger } from '../../runtime/src/logger.js';
import { RuntimeApiError, type NextInvocation } from '../../runtime/src/runtime-api/client.js';

const ddb = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
const sts = mockClient(STSClient);
const ws = mockClient(ApiGatewayManagementApiClient);

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:111122223333:function:demo';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/PLLDBDebuggerRole';
const aws = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: {} });

function setup(env: Record<string, string> = {}) {
  const config = loadConfig({
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    DEBUGGER_SESSION_ID: 'session-1',
    DEBUGGER_CONNECTION_ID: 'conn-1',
    DEBUGGER_WEBSOCKET_API_ENDPOINT: 'https://abc.execute-api.us-east-1.amazonaws.com/prod',
    PLLDB_DEADLINE_MARGIN_MS: '100',
    // The mocked queue listens and never answers: the item is read only by the safety-net poll.
    PLLDB_POLL_WITH_QUEUE_MS: '50',
    AWS_REGION: 'us-east-1',
    ...env,
  });
  const posted: ({ kind: 'response'; body: string } | { kind: 'error'; error: LambdaError })[] = [];
  const events: { event: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = { log: (_l, event, fields) => events.push({ event, fields }) };
  const api = {
    postResponse: async (_id: string, body: string) => void posted.push({ kind: 'response', body }),
    postError: async (_id: string, error: LambdaError) => void posted.push({ kind: 'error', error }),
  };
  const deps = { config, api, edges: createAwsEdges(config), logger, environment: { AWS_SECRET_ACCESS_KEY: 'x' } };
  const invoke = (body = '{"hello":"world"}', deadlineInMs = 5000) => {
    const next: NextInvocation = {
      requestId: 'req-1',
      body,
      headers: { 'lambda-runtime-invoked-function-arn': FUNCTION_ARN, 'lambda-runtime-deadline-ms': String(Date.now() + deadlineInMs) },
    };
    return handleInvocation(next, deps);
  };
  return { posted, events, invoke, api, eventNames: () => events.map((e) => e.event) };
}

const answered = (attrs: Record<string, unknown>) => ({ Item: marshall({ [Attr.RequestId]: 'req-1', [Attr.Status]: Status.Responded, ...attrs }) });
const pending = { Item: marshall({ [Attr.RequestId]: 'req-1', [Attr.Status]: Status.Pending }) };

describe('one invocation against the AWS edges (aws-sdk-client-mock)', () => {
  beforeAll(() => {
    process.env.AWS_REGION = 'us-east-1';
  });
  afterAll(() => {
    delete process.env.AWS_REGION;
    for (const m of [ddb, sqs, sts, ws]) m.restore();
  });
  beforeEach(() => {
    for (const m of [ddb, sqs, sts, ws]) m.reset();
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) } });
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).resolves({});
    ddb.on(GetItemCommand).resolves(answered({ [Attr.ResponseCode]: 200, [Attr.Response]: '{"ok":true}' }));
    sqs.on(CreateQueueCommand).resolves({ QueueUrl: 'https://sqs/111122223333/q' });
    sqs.on(ReceiveMessageCommand).callsFake(() => new Promise(() => undefined));
    sqs.on(DeleteQueueCommand).resolves({});
    ws.on(PostToConnectionCommand).resolves({});
  });

  it('assumes the debugger role of the function\'s account with the external id, once for many invocations', async () => {
    const t = setup();
    await t.invoke();
    await t.invoke();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({ RoleArn: ROLE_ARN, ExternalId: ROLE_EXTERNAL_ID, Policy: sessionPolicy(ROLE_ARN, 'us-east-1', 'conn-1') });
    expect(t.posted).toEqual([
      { kind: 'response', body: '{"ok":true}' },
      { kind: 'response', body: '{"ok":true}' },
    ]);
  });

  it('writes the request item, creates the queue with its maximum message size, records delivery and deletes the queue', async () => {
    const t = setup();
    await t.invoke();
    const item = ddb.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    expect(item?.[Attr.Status]).toEqual({ S: Status.Pending });
    expect(item?.[Attr.QueueName]?.S).toMatch(/^plldb-req-1-[A-Za-z0-9]{8}$/);
    expect(sqs.commandCalls(CreateQueueCommand)[0]?.args[0].input).toMatchObject({ QueueName: item?.[Attr.QueueName]?.S, Attributes: { MaximumMessageSize: String(QUEUE_MAX_MESSAGE_BYTES) } });
    const delivered = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(delivered?.ExpressionAttributeValues?.[':s']).toEqual({ S: Status.Delivered });
    expect(delivered?.ExpressionAttributeValues?.[':via']).toEqual({ S: DeliveredVia.Poll });
    expect(sqs.commandCalls(DeleteQueueCommand)).toHaveLength(1);
    expect(t.eventNames()).toEqual(expect.arrayContaining(['item_written', 'queue_created', 'debugger_notified', 'answer_received', 'answer_posted', 'bookkeeping_done']));
  });

  it('GoneException: posts an error at once naming the connection, and marks the item FAILED', async () => {
    ws.on(PostToConnectionCommand).rejects(new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } }));
    const t = setup();
    await t.invoke();
    expect(t.posted).toHaveLength(1);
    expect(t.posted[0]).toMatchObject({ kind: 'error', error: { errorType: PlldbErrorType.Gone, errorMessage: expect.stringContaining('conn-1') } });
    expect(ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({ ConditionExpression: '#s = :pending', ExpressionAttributeValues: expect.objectContaining({ ':s': { S: Status.Failed } }) });
    // Only the session item, which records no other connection.
    expect(ddb.commandCalls(GetItemCommand).map((c) => c.args[0].input.Key)).toEqual([marshall({ [Attr.RequestId]: sessionItemKey('session-1') })]);
  });

  describe('the session moved to another connection (plldb debug reconnected, the function was not updated)', () => {
    const sessionKey = { Key: marshall({ [Attr.RequestId]: sessionItemKey('session-1') }) };
    beforeEach(() => {
      ws.on(PostToConnectionCommand, { ConnectionId: 'conn-1' }).rejects(new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } }));
    });

    it('on 410 reads the session item, moves the request item, notifies the new connection and keeps it for the next invocations', async () => {
      ddb.on(GetItemCommand, sessionKey).resolves({ Item: marshall({ [Attr.RequestId]: sessionItemKey('session-1'), [Attr.CurrentConnectionId]: 'conn-2' }) });
      const t = setup();
      await t.invoke();
      expect(t.posted[0]).toEqual({ kind: 'response', body: '{"ok":true}' });
      const moved = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
      expect(moved).toMatchObject({ ConditionExpression: '#conn = :from AND #s = :pending', ExpressionAttributeValues: expect.objectContaining({ ':from': { S: 'conn-1' }, ':to': { S: 'conn-2' } }) });
      const posts = ws.commandCalls(PostToConnectionCommand).map((c) => c.args[0].input);
      expect(posts.map((p) => p.ConnectionId)).toEqual(['conn-1', 'conn-2']);
      expect(JSON.parse(Buffer.from(posts[1]?.Data as Uint8Array).toString('utf8'))).toMatchObject({ connectionId: 'conn-2' });
      expect(t.events).toContainEqual({ event: 'debugger_connection_followed', fields: { requestId: 'req-1', from: 'conn-1', to: 'conn-2', itemMoved: true } });

      ws.resetHistory();
      ddb.resetHistory();
      await t.invoke();
      expect(ws.commandCalls(PostToConnectionCommand).map((c) => c.args[0].input.ConnectionId)).toEqual(['conn-2']);
      expect(ddb.commandCalls(PutItemCommand)[0]?.args[0].input.Item?.[Attr.ConnectionId]).toEqual({ S: 'conn-2' });
      expect(ddb.commandCalls(GetItemCommand).map((c) => c.args[0].input.Key)).not.toContainEqual(sessionKey.Key);
      // The session policy names the notified connection: following it assumes the role again, for conn-2.
      expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.Policy)).toEqual([sessionPolicy(ROLE_ARN, 'us-east-1', 'conn-1'), sessionPolicy(ROLE_ARN, 'us-east-1', 'conn-2')]);
    });

    it('an item plldb debug already moved is posted to the new connection all the same', async () => {
      ddb.on(GetItemCommand, sessionKey).resolves({ Item: marshall({ [Attr.RequestId]: sessionItemKey('session-1'), [Attr.CurrentConnectionId]: 'conn-2' }) });
      ddb.on(UpdateItemCommand, { ConditionExpression: '#conn = :from AND #s = :pending' }).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
      const t = setup();
      await t.invoke();
      expect(t.posted[0]).toEqual({ kind: 'response', body: '{"ok":true}' });
      expect(ws.commandCalls(PostToConnectionCommand).map((c) => c.args[0].input.ConnectionId)).toEqual(['conn-1', 'conn-2']);
    });

    it('when the recorded connection is gone too, fails with DebuggerNotConnected naming it', async () => {
      ddb.on(GetItemCommand, sessionKey).resolves({ Item: marshall({ [Attr.RequestId]: sessionItemKey('session-1'), [Attr.CurrentConnectionId]: 'conn-2' }) });
      ws.on(PostToConnectionCommand, { ConnectionId: 'conn-2' }).rejects(new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } }));
      const t = setup();
      await t.invoke();
      expect(t.posted[0]).toMatchObject({ kind: 'error', error: { errorType: PlldbErrorType.Gone, errorMessage: expect.stringContaining('conn-2') } });
      expect(ws.commandCalls(PostToConnectionCommand)).toHaveLength(2);
    });
  });

  it('AccessDenied on AssumeRole: says which role and what the execution role needs; writes nothing', async () => {
    sts.on(AssumeRoleCommand).rejects(aws('AccessDenied', 'User is not authorized to perform: sts:AssumeRole'));
    const t = setup();
    await t.invoke();
    expect(t.posted[0]).toMatchObject({ kind: 'error', error: { errorType: PlldbErrorType.AssumeRole, errorMessage: expect.stringMatching(new RegExp(`${ROLE_ARN}.*execution role needs sts:AssumeRole`)) } });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(sqs.commandCalls(CreateQueueCommand)).toHaveLength(0);
  });

  it('a failed PutItem fails the invocation with an error and the runtime goes on', async () => {
    ddb.on(PutItemCommand).rejectsOnce(aws('AccessDeniedException', 'not authorized to perform dynamodb:PutItem')).resolves({});
    const t = setup();
    await t.invoke();
    await t.invoke();
    expect(t.posted[0]).toMatchObject({ kind: 'error', error: { errorMessage: expect.stringContaining('dynamodb:PutItem') } });
    expect(t.posted[1]).toEqual({ kind: 'response', body: '{"ok":true}' });
    expect(t.eventNames()).toContain('invocation_failed');
    expect(sqs.commandCalls(DeleteQueueCommand)).toHaveLength(2);
  });

  it('throttled polls then success: the poll arm keeps going', async () => {
    ddb.on(GetItemCommand).rejectsOnce(aws('ThrottlingException', 'Rate exceeded')).rejectsOnce(aws('ThrottlingException', 'Rate exceeded')).resolves(answered({ [Attr.ResponseCode]: 200, [Attr.Response]: '"late but fine"' }));
    const t = setup();
    await t.invoke();
    expect(t.posted).toEqual([{ kind: 'response', body: '"late but fine"' }]);
    expect(t.events.filter((e) => e.event === 'poll_failed')).toHaveLength(1);
  });

  it('QueueDoesNotExist: the SQS arm retries until the new queue is there', async () => {
    ddb.on(GetItemCommand).resolves(pending);
    sqs
      .on(ReceiveMessageCommand)
      .rejectsOnce(new QueueDoesNotExist({ message: 'no queue', $metadata: {} }))
      .resolvesOnce({
        Messages: [{ Body: encodeQueueMessage({ type: 'answer', requestId: 'req-1', answer: { kind: 'response', statusCode: 200, body: '"via sqs"' } }), Attributes: { SenderId: 'AROAROUTESROLE0000000:PLLDBWebSocketRoutes' } }],
      })
      .callsFake(() => new Promise(() => undefined));
    const t = setup({ PLLDB_ANSWER_SENDER_IDS: 'AROAROUTESROLE0000000,AROARELAYROLE00000000' });
    await t.invoke();
    expect(t.posted).toEqual([{ kind: 'response', body: '"via sqs"' }]);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(2);
    expect(sqs.commandCalls(ReceiveMessageCommand)[1]?.args[0].input).toMatchObject({ MessageSystemAttributeNames: ['SenderId'] });
    expect(ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':via']).toEqual({ S: DeliveredVia.Sqs });
  });

  it('a failed CreateQueue degrades to the poll arm and the invocation still succeeds', async () => {
    sqs.on(CreateQueueCommand).rejects(aws('AccessDenied', 'not authorized to perform sqs:CreateQueue'));
    const t = setup();
    await t.invoke();
    expect(t.posted).toEqual([{ kind: 'response', body: '{"ok":true}' }]);
    expect(t.eventNames()).toContain('queue_create_failed');
    expect(sqs.commandCalls(DeleteQueueCommand)).toHaveLength(0);
  });

  it('AWS calls before the wait that outlast the deadline: a timeout error before it, not Lambda ending the invocation', async () => {
    const t = setup();
    ddb.on(PutItemCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    await t.invoke('{}', 400);
    expect(Date.now() - started).toBeLessThan(400);
    expect(t.posted[0]).toMatchObject({ kind: 'error', error: { errorType: PlldbErrorType.Timeout, errorMessage: expect.stringContaining('answered too slowly') } });
    sts.on(AssumeRoleCommand).callsFake(() => new Promise(() => undefined));
    const cold = setup();
    await cold.invoke('{}', 400);
    expect(cold.posted[0]).toMatchObject({ kind: 'error', error: { errorType: PlldbErrorType.Timeout } });
  });

  it('deadline: marks TIMED_OUT only while PENDING and posts the timeout error', async () => {
    ddb.on(GetItemCommand).resolves(pending);
    const t = setup();
    await t.invoke('{}', 300);
    expect(t.posted[0]).toMatchObject({ kind: 'error', error: { errorType: PlldbErrorType.Timeout, errorMessage: expect.stringContaining('plldb attach --timeout') } });
    expect(ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({ ConditionExpression: '#s = :pending', ExpressionAttributeValues: expect.objectContaining({ ':s': { S: Status.TimedOut } }) });
  });

  it('deadline with a conditional-check failure on TIMED_OUT: an answer just arrived and is delivered', async () => {
    let refused = false;
    ddb.on(GetItemCommand).callsFake(async () => (refused ? answered({ [Attr.ResponseCode]: 200, [Attr.Response]: '"just in time"' }) : pending));
    ddb.on(UpdateItemCommand).callsFakeOnce(async () => {
      refused = true;
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }).resolves({});
    const t = setup();
    await t.invoke('{}', 300);
    expect(t.posted).toEqual([{ kind: 'response', body: '"just in time"' }]);
  });

  it('an event too large even compressed gets an error with its size, and nothing is written', async () => {
    const t = setup();
    const event = JSON.stringify({ data: randomBytes(450 * 1024).toString('base64') });
    await t.invoke(event);
    expect(t.posted[0]).toMatchObject({ kind: 'error', error: { errorType: PlldbErrorType.TooLarge, errorMessage: expect.stringContaining(`${Buffer.byteLength(event)} bytes`) } });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(sqs.commandCalls(CreateQueueCommand)).toHaveLength(0);
  });

  it('returns a Response that is not JSON as given, and a ResponseCode of the wrong type as a clear error', async () => {
    ddb.on(GetItemCommand).resolvesOnce(answered({ [Attr.ResponseCode]: 200, [Attr.Response]: 'plain <text>' })).resolves(answered({ [Attr.ResponseCode]: 'OK', [Attr.Response]: '1' }));
    const t = setup();
    await t.invoke();
    await t.invoke();
    expect(t.posted[0]).toEqual({ kind: 'response', body: 'plain <text>' });
    expect(t.posted[1]).toMatchObject({ kind: 'error', error: { errorType: INVALID_ANSWER_ERROR_TYPE, errorMessage: expect.stringContaining('"OK"') } });
  });

  it('a response Lambda refuses as too large (413) becomes an error the caller sees', async () => {
    const t = setup();
    t.api.postResponse = async () => {
      throw new RuntimeApiError(413, '/response', 'payload too large');
    };
    await t.invoke();
    expect(t.posted[0]).toMatchObject({ kind: 'error', error: { errorMessage: expect.stringContaining('larger than Lambda accepts') } });
  });
});
