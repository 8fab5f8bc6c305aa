import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, QueueDoesNotExist, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda';
import { Env, Status } from '../../protocol/index.js';
import { ManagementApiReplier, managementEndpoint } from '../../infra/websocket/management-replier.js';
import { SqsQueueSender } from '../../infra/websocket/sqs-queue-sender.js';
import { TEST_AWS } from '../support/dynalite.js';

const sqs = mockClient(SQSClient);
const management = mockClient(ApiGatewayManagementApiClient);
const dynamodb = mockClient(DynamoDBClient);

beforeEach(() => {
  sqs.reset();
  management.reset();
  dynamodb.reset();
});
afterAll(() => {
  sqs.restore();
  management.restore();
  dynamodb.restore();
});

describe('SqsQueueSender', () => {
  const home = { region: 'eu-west-1', accountId: '123456789012' };

  it("sends with one SendMessage to the URL SQS gives the queue, built from its name (no GetQueueUrl)", async () => {
    await new SqsQueueSender(new SQSClient(TEST_AWS), home).send({ name: 'plldb-a' }, 'body');
    expect(sqs.calls()).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/plldb-a', MessageBody: 'body' });
  });

  it('builds China-region URLs under amazonaws.com.cn', async () => {
    await new SqsQueueSender(new SQSClient(TEST_AWS), { region: 'cn-north-1', accountId: '123456789012' }).send({ name: 'q' }, 'body');
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe('https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q');
  });

  it('uses a known URL as it is', async () => {
    await new SqsQueueSender(new SQSClient(TEST_AWS), home).send({ url: 'https://sqs.local/1/q', name: 'q' }, 'body');
    expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe('https://sqs.local/1/q');
  });

  it('asks SQS for the URL and sends once more when no queue answers at the built URL', async () => {
    const other = 'https://eu-west-1.queue.amazonaws.com/123456789012/plldb-a';
    sqs.on(SendMessageCommand).rejectsOnce(new QueueDoesNotExist({ message: 'no such queue', $metadata: {} })).resolves({});
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: other });
    await new SqsQueueSender(new SQSClient(TEST_AWS), home).send({ name: 'plldb-a' }, 'body');
    expect(sqs.commandCalls(GetQueueUrlCommand)[0]?.args[0].input).toEqual({ QueueName: 'plldb-a' });
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input.QueueUrl)).toEqual(['https://sqs.eu-west-1.amazonaws.com/123456789012/plldb-a', other]);
  });

  it('gives up when the queue does not exist under its own URL either (not created yet, or gone)', async () => {
    sqs.on(SendMessageCommand).rejects(new QueueDoesNotExist({ message: 'no such queue', $metadata: {} }));
    sqs.on(GetQueueUrlCommand).rejects(new QueueDoesNotExist({ message: 'no such queue', $metadata: {} }));
    await expect(new SqsQueueSender(new SQSClient(TEST_AWS), home).send({ name: 'plldb-a' }, 'body')).rejects.toThrow(QueueDoesNotExist);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('looks the URL up when the account is unknown', async () => {
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://sqs.local/1/plldb-a' });
    await new SqsQueueSender(new SQSClient(TEST_AWS), { region: 'eu-west-1', accountId: undefined }).send({ name: 'plldb-a' }, 'body');
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe('https://sqs.local/1/plldb-a');
  });
});

describe('ManagementApiReplier', () => {
  it('posts the reply as JSON to the connection', async () => {
    await new ManagementApiReplier(new ApiGatewayManagementApiClient({ ...TEST_AWS, endpoint: 'https://api.local/prod' })).reply('c1', {
      type: 'response-accepted',
      requestId: 'r1',
    });
    const input = management.commandCalls(PostToConnectionCommand)[0]?.args[0].input;
    expect(input?.ConnectionId).toBe('c1');
    expect(JSON.parse(Buffer.from(input?.Data as Uint8Array).toString('utf8'))).toEqual({ type: 'response-accepted', requestId: 'r1' });
  });

  it('takes the endpoint from the event unless overridden', () => {
    expect(managementEndpoint(undefined, 'abc.execute-api.eu-west-1.amazonaws.com', 'prod')).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod');
    expect(managementEndpoint('', 'abc.example', 'prod')).toBe('https://abc.example/prod');
    expect(managementEndpoint('http://127.0.0.1:4510/prod', 'abc.example', 'prod')).toBe('http://127.0.0.1:4510/prod');
  });
});

describe('the Lambda handler', () => {
  let handler: (event: APIGatewayProxyWebsocketEventV2, context?: Context) => Promise<unknown>;
  const savedEnv = { ...process.env };
  let logLines: string[];

  beforeEach(() => {
    logLines = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      logLines.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  beforeAll(async () => {
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', [Env.TableName]: 'TestTable' });
    ({ handler } = await import('../../infra/websocket/index.js'));
  });
  afterAll(() => {
    process.env = savedEnv;
  });

  function event(routeKey: string, body?: string, isBase64Encoded = false): APIGatewayProxyWebsocketEventV2 {
    return {
      requestContext: { routeKey, connectionId: 'c1', domainName: 'abc.execute-api.us-east-1.amazonaws.com', stage: 'prod' },
      body,
      isBase64Encoded,
    } as APIGatewayProxyWebsocketEventV2;
  }

  it('accepts $connect without touching AWS', async () => {
    await expect(handler(event('$connect'))).resolves.toEqual({ statusCode: 200 });
    expect(dynamodb.calls()).toHaveLength(0);
    expect(management.calls()).toHaveLength(0);
  });

  it("on $disconnect looks up the connection's waiting invocations in the configured table's connection index", async () => {
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    await expect(handler(event('$disconnect'))).resolves.toEqual({ statusCode: 200 });
    const input = dynamodb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ TableName: 'TestTable', IndexName: 'GSI-ConnectionId' });
    expect(input?.ExpressionAttributeValues?.[':conn']).toEqual({ S: 'c1' });
    expect(management.calls()).toHaveLength(0);
  });

  it('answers a base64-encoded whoami on $default', async () => {
    await expect(handler(event('$default', Buffer.from('{"action":"whoami"}').toString('base64'), true))).resolves.toEqual({ statusCode: 200 });
    const input = management.commandCalls(PostToConnectionCommand)[0]?.args[0].input;
    expect(JSON.parse(Buffer.from(input?.Data as Uint8Array).toString('utf8'))).toEqual({ type: 'whoami', connectionId: 'c1' });
  });

  it('stores an answer in the configured table and still returns 200 when the sender is gone', async () => {
    dynamodb.on(UpdateItemCommand).resolves({ Attributes: marshall({ RequestId: 'r1', Status: Status.Responded }) });
    management.on(PostToConnectionCommand).rejects(new GoneException({ message: 'gone', $metadata: {} }));
    const body = JSON.stringify({ action: 'response', requestId: 'r1', statusCode: 200, response: '"secret-result"' });
    await expect(handler(event('$default', body))).resolves.toEqual({ statusCode: 200 });
    expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input.TableName).toBe('TestTable');
    // One JSON object per line, and never the answer itself.
    expect(logLines.map((line) => JSON.parse(line).event)).toEqual(['answer-stored', 'fast-path-skipped', 'reply-failed']);
    expect(logLines.join('')).not.toContain('secret-result');
  });

  it('answers with exactly two AWS calls on the answer path: the conditional UpdateItem, then SendMessage to the queue', async () => {
    dynamodb.on(UpdateItemCommand).resolves({ Attributes: marshall({ Status: Status.Pending, QueueName: 'plldb-r2-abcdefgh' }) });
    const body = JSON.stringify({ action: 'response', requestId: 'r2', statusCode: 200, response: '"ok"' });
    const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:PLLDBWebSocketRoutes' } as Context;
    await expect(handler(event('$default', body), context)).resolves.toEqual({ statusCode: 200 });

    expect(dynamodb.calls().map((c) => c.args[0].constructor.name)).toEqual(['UpdateItemCommand']);
    expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({ ReturnValues: 'UPDATED_OLD' });
    expect(sqs.calls().map((c) => c.args[0].constructor.name)).toEqual(['SendMessageCommand']);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe('https://sqs.us-east-1.amazonaws.com/123456789012/plldb-r2-abcdefgh');
    // The acknowledgement to the debugger is the only other call, and it is off the answer's path.
    expect(management.commandCalls(PostToConnectionCommand)).toHaveLength(1);
  });
});
