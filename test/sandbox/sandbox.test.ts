import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { marshall } from '@aws-sdk/util-dynamodb';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_QUEUE_PREFIX, ROLE_EXTERNAL_ID, Status, StackOutput, decodeQueueMessage, queueNameFor, type RequestItem } from '../../protocol/index.js';
import { startSandbox, SANDBOX_CREDENTIALS, SANDBOX_LAYERS, type Sandbox } from '../../sandbox/index.js';
import { TestDebugger } from '../e2e/support/test-debugger.js';
import { isAlive } from './lambda/support.js';

/** The composition without the debugger runtime: stack outputs, endpoints in functions, the real route handlers and relay. */
describe('startSandbox', () => {
  const codeDir = mkdtempSync(join(tmpdir(), 'plldb-sandbox-'));
  let sandbox: Sandbox;
  let debuggerClient: TestDebugger;
  let dynamo: DynamoDBClient;
  let sqs: SQSClient;

  /** A PENDING request item of this connection with its own queue, as the runtime writes it. */
  const pendingInvocation = async (requestId: string) => {
    const queueName = queueNameFor(DEFAULT_QUEUE_PREFIX, requestId);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
    const item: RequestItem = {
      RequestId: requestId,
      SessionId: 'session-1',
      ConnectionId: debuggerClient.connectionId,
      Request: JSON.stringify({ event: {}, context: {} }),
      EnvironmentVariables: {},
      QueueName: queueName,
      Status: Status.Pending,
      CreatedAt: Date.now(),
      ExpiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
    await dynamo.send(new PutItemCommand({ TableName: sandbox.tableName, Item: marshall(item) }));
    return QueueUrl as string;
  };
  const receive = async (queueUrl: string, waitSeconds: number) => {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: waitSeconds }));
    return (Messages ?? []).map((m) => decodeQueueMessage(m.Body));
  };

  beforeAll(async () => {
    writeFileSync(
      join(codeDir, 'index.mjs'),
      `export const handler = async (event) => ({ event, dynamodb: process.env.AWS_ENDPOINT_URL_DYNAMODB, sqs: process.env.AWS_ENDPOINT_URL_SQS, sts: process.env.AWS_ENDPOINT_URL_STS });\n`,
    );
    sandbox = await startSandbox();
    const config = { region: sandbox.region, endpoint: '', credentials: { accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID as string, secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY as string } };
    dynamo = new DynamoDBClient({ ...config, endpoint: sandbox.endpoints.dynamodb });
    sqs = new SQSClient({ ...config, endpoint: sandbox.endpoints.sqs });
    debuggerClient = await TestDebugger.connect(sandbox.endpoints.webSocketUrl);
  });

  afterAll(async () => {
    debuggerClient?.close();
    dynamo?.destroy();
    sqs?.destroy();
    await sandbox?.stop();
    rmSync(codeDir, { recursive: true, force: true });
  });

  it('registers the helper stack outputs in its CloudFormation stand-in', async () => {
    const cfn = new CloudFormationClient({ region: sandbox.region, endpoint: sandbox.env.AWS_ENDPOINT_URL_CLOUDFORMATION as string, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: sandbox.stackName }));
    cfn.destroy();
    const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    expect(outputs).toEqual(sandbox.stackOutputs());
    expect(outputs[StackOutput.NodeLayerArn]).toBe(SANDBOX_LAYERS.node.arn);
    expect(outputs[StackOutput.WebSocketUrl]).toBe(sandbox.endpoints.webSocketUrl);
    expect(outputs[StackOutput.TableName]).toBe(sandbox.tableName);
  });

  it('gives functions the sandbox endpoints and records the Runtime API steps of an invocation', async () => {
    sandbox.createFunction({ name: 'plain', runtime: 'nodejs22.x', handler: 'index.handler', codeDir });
    const result = await sandbox.invoke('plain', { n: 1 });
    expect(JSON.parse(result.payload)).toEqual({ event: { n: 1 }, dynamodb: sandbox.endpoints.dynamodb, sqs: sandbox.endpoints.sqs, sts: sandbox.endpoints.sts });
    const steps = sandbox.metrics().invocations.find((i) => i.requestId === result.requestId);
    expect(steps).toMatchObject({ functionName: 'plain', outcome: 'response' });
    expect(steps?.deliveredAt).toBeGreaterThanOrEqual(steps?.queuedAt as number);
    expect(steps?.answeredAt).toBeGreaterThanOrEqual(steps?.deliveredAt as number);
    const instance = sandbox.metrics().instances.find((i) => i.instanceId === steps?.instanceId);
    expect(instance?.firstNextAt).toBeGreaterThanOrEqual(instance?.spawnedAt as number);
  });

  it('answers whoami through the real route handlers', () => {
    expect(sandbox.services.webSocket.connectionIds()).toContain(debuggerClient.connectionId);
  });

  it("puts a debugger's answer on the invocation's queue through the $default fast path", async () => {
    const queueUrl = await pendingInvocation('fast-path-1');
    sandbox.resetMetrics();
    expect(await debuggerClient.answer('fast-path-1', '{"ok":true}')).toEqual({ type: 'response-accepted', requestId: 'fast-path-1' });
    expect(await receive(queueUrl, 5)).toEqual([{ type: 'answer', requestId: 'fast-path-1', answer: { kind: 'response', statusCode: 200, body: '{"ok":true}' } }]);
    const { requestsByCaller, requestLog } = sandbox.metrics();
    expect(requestsByCaller['websocket-routes']).toMatchObject({ 'DynamoDB.UpdateItem': 1, 'SQS.SendMessage': 1, 'ApiGatewayManagementApi.PostToConnection': 1 });
    const send = requestLog.find((r) => r.caller === 'websocket-routes' && r.operation === 'SendMessage');
    expect(send?.resource).toBe(queueUrl.split('/').pop());
    const reply = requestLog.find((r) => r.operation === 'PostToConnection');
    expect(reply?.resource).toBe(debuggerClient.connectionId);
  });

  it('reports each message\'s SenderId as SQS does: role id and session for role sessions, the user id for a user', async () => {
    const [routesRoleId, relayRoleId] = sandbox.stackOutputs()[StackOutput.AnswerSenderIds]?.split(',') ?? [];
    const queueUrl = await pendingInvocation('sender-1');
    await debuggerClient.answer('sender-1', '"from the route"');
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'from a user' }));
    const sts = new STSClient({ endpoint: sandbox.endpoints.sts, region: sandbox.region, credentials: { ...SANDBOX_CREDENTIALS } });
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: sandbox.roleArn, RoleSessionName: 'someone', ExternalId: ROLE_EXTERNAL_ID }));
    sts.destroy();
    const c = assumed.Credentials;
    const asRole = new SQSClient({ endpoint: sandbox.endpoints.sqs, region: sandbox.region, credentials: { accessKeyId: c?.AccessKeyId as string, secretAccessKey: c?.SecretAccessKey as string, sessionToken: c?.SessionToken as string } });
    await asRole.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'from the debugger role' }));
    asRole.destroy();
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['SenderId'] }));
    const senderOf = (body: string) => Messages.filter((m) => m.Body === body).map((m) => m.Attributes?.SenderId);
    expect(senderOf('from a user')).toEqual(['AIDASANDBOXUSER00000']);
    expect(senderOf('from the debugger role')).toEqual([assumed.AssumedRoleUser?.AssumedRoleId]);
    // The answer arrives from the $default fast path, and possibly from the relay as well.
    const answerSenders = Messages.filter((m) => m.Body?.startsWith('{')).map((m) => m.Attributes?.SenderId);
    expect(answerSenders).toContain(`${routesRoleId}:PLLDBWebSocketRoutes`);
    expect(answerSenders.every((id) => id === `${routesRoleId}:PLLDBWebSocketRoutes` || id === `${relayRoleId}:PLLDBStreamRelay`)).toBe(true);
    expect(assumed.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:someone$/);
    expect(relayRoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
  });

  it('relays an answer from the stream when the fast path is off, and holds it while the relay is stopped', async () => {
    const queueUrl = await pendingInvocation('relay-1');
    sandbox.fastPath.stop();
    sandbox.relay.stop();
    try {
      expect(await debuggerClient.answer('relay-1', '"relayed"')).toEqual({ type: 'response-accepted', requestId: 'relay-1' });
      expect(await receive(queueUrl, 1)).toEqual([]);
      sandbox.relay.start();
      expect(await receive(queueUrl, 5)).toEqual([{ type: 'answer', requestId: 'relay-1', answer: { kind: 'response', statusCode: 200, body: '"relayed"' } }]);
    } finally {
      sandbox.relay.start();
      sandbox.fastPath.start();
    }
    const byCaller = sandbox.metrics().requestsByCaller;
    expect(byCaller.relay?.['SQS.SendMessage']).toBeGreaterThanOrEqual(1);
    expect(sandbox.metrics().requests.SQS?.SendMessage).toBeGreaterThanOrEqual(2);
  });

  it('stop() ends every server and process it started', async () => {
    const other = await startSandbox();
    other.createFunction({ name: 'plain', runtime: 'nodejs22.x', handler: 'index.handler', codeDir });
    await other.invoke('plain', {});
    const pids = other.metrics().instances.map((i) => i.pid as number);
    const ports = Object.values(other.endpoints).map((url) => Number(new URL(url).port));
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await other.stop();
    expect(pids.filter(isAlive)).toEqual([]);
    const open = await Promise.all(ports.map((port) => accepts(port)));
    expect(open.filter(Boolean)).toEqual([]);
  });
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
