import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import {
  ANSWER_FILTER_PATTERN_STRINGS,
  Attr,
  DEFAULT_ROLE_NAME,
  DEFAULT_TABLE_NAME,
  DEFAULT_WEBSOCKET_API_NAME,
  Env,
  GSI_CONNECTION_ID,
  GSI_SESSION_ID,
  ROLE_EXTERNAL_ID,
  StackOutput,
} from '../../protocol/index.js';
import { cfnText, statementsOfRole, synthesizeOnce } from './support/synth.js';
import type { Statement } from './support/synth.js';

const synth = synthesizeOnce();

function logicalId(type: string, props: Record<string, unknown> = {}): string {
  const ids = Object.keys(synth.template.findResources(type, { Properties: props }));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

function roleOfFunction(description: RegExp): string {
  const fns = Object.values(synth.template.findResources('AWS::Lambda::Function')) as { Properties: { Description: string; Role: { 'Fn::GetAtt': string[] } } }[];
  const fn = fns.find((f) => description.test(f.Properties.Description));
  return fn?.Properties.Role['Fn::GetAtt'][0] as string;
}

const QUEUES = 'arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:plldb-*';
let API: string;
let TABLE: string;
let CONNECTIONS: string;
beforeAll(() => {
  API = `<${logicalId('AWS::ApiGatewayV2::Api')}>`;
  TABLE = logicalId('AWS::DynamoDB::Table');
  CONNECTIONS = `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${API}/prod/POST/@connections/*`;
});

/** The dist/ folder a function or layer is deployed from (assets are referenced in place in tests). */
function assetFolder(type: string, props: Record<string, unknown>): string {
  const [resource] = Object.values(synth.template.findResources(type, { Properties: props })) as { Metadata: Record<string, string> }[];
  return String(resource?.Metadata['aws:asset:path']).replace(/^.*\/dist\//, 'dist/');
}

describe('the request table', () => {
  it('has the contract key, both indexes projecting only what is queried, TTL, on-demand billing and PITR', () => {
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: DEFAULT_TABLE_NAME,
      KeySchema: [{ AttributeName: Attr.RequestId, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: Attr.ExpiresAt, Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: GSI_SESSION_ID,
          KeySchema: [{ AttributeName: Attr.SessionId, KeyType: 'HASH' }, { AttributeName: Attr.RequestId, KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [Attr.Status, Attr.ConnectionId] },
        },
        {
          IndexName: GSI_CONNECTION_ID,
          KeySchema: [{ AttributeName: Attr.ConnectionId, KeyType: 'HASH' }, { AttributeName: Attr.RequestId, KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [Attr.Status, Attr.SessionId] },
        },
      ],
    });
  });

  it('is encrypted with the AWS owned key (no KMS key, no KMS permissions) unless a key is given', () => {
    // SSEEnabled false: DynamoDB's AWS owned key (CloudFormation's SSESpecification).
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: false } });
    const statements = Object.values(synth.template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
    expect(statements.flatMap((st) => [st.Action].flat()).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });

  it('streams new images: what the relay and its filter read', () => {
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
  });
});

describe('PLLDBDebuggerRole', () => {
  it('trusts only principals of this account that carry the attached tag and send the external id', () => {
    synth.template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: DEFAULT_ROLE_NAME,
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
            Condition: { StringEquals: { 'sts:ExternalId': ROLE_EXTERNAL_ID, 'aws:PrincipalTag/plldb:attached': 'true' } },
          },
        ],
      },
    });
  });

  it("grants only the runtime's calls: item read/write on the table, its own queue's life, PostToConnection and GetConnection", () => {
    const role = logicalId('AWS::IAM::Role', { RoleName: DEFAULT_ROLE_NAME });
    expect(statementsOfRole(synth.template, role)).toEqual([
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [`<${TABLE}.Arn>`] },
      { actions: ['sqs:CreateQueue', 'sqs:ReceiveMessage', 'sqs:DeleteQueue'], resources: [QUEUES] },
      { actions: ['execute-api:ManageConnections'], resources: [CONNECTIONS, CONNECTIONS.replace('/POST/', '/GET/')] },
    ]);
    const actions = statementsOfRole(synth.template, role).flatMap((st) => st.actions);
    expect(actions).not.toContain('sqs:SendMessage');
    expect(actions).not.toContain('dynamodb:Query');
  });

  it('outputs the role ids of the only two senders the runtime believes on its queue: the $default route and the relay', () => {
    const output = synth.template.findOutputs(StackOutput.AnswerSenderIds)[StackOutput.AnswerSenderIds] as { Value: unknown };
    expect(cfnText(output.Value)).toBe(`<${roleOfFunction(/WebSocket routes/)}.RoleId>,<${roleOfFunction(/stream relay/)}.RoleId>`);
  });
});

describe('least privilege', () => {
  it('grants `*` only for actions that have no resource-level permission', () => {
    const statements = Object.values(synth.template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
    const starActions = statements.filter((s) => [s.Resource].flat().includes('*')).flatMap((s) => [s.Action].flat());
    expect(starActions.sort()).toEqual(['dynamodb:ListStreams', 'sqs:ListQueues']);
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => a.endsWith('*'))).toEqual([]);
  });

  it('uses no managed policies (log writes go to each function\'s own log group)', () => {
    expect(Object.values(synth.template.findResources('AWS::IAM::Role')).filter((r) => (r as { Properties: Record<string, unknown> }).Properties.ManagedPolicyArns)).toEqual([]);
  });

  it('lets the $default handler update items, send to PLLDB queues and reply on its own API only', () => {
    expect(statementsOfRole(synth.template, roleOfFunction(/WebSocket routes/))).toEqual([
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [expect.stringMatching(/^<WebSocketHandlerLogs\w+\.Arn>$/)] },
      { actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'], resources: [`<${TABLE}.Arn>`] },
      { actions: ['dynamodb:Query'], resources: [`<${TABLE}.Arn>/index/GSI-ConnectionId`] },
      { actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'], resources: [QUEUES] },
      { actions: ['execute-api:ManageConnections'], resources: [CONNECTIONS] },
    ]);
  });

  it('lets the sweeper read invocation status and delete only PLLDB queues', () => {
    expect(statementsOfRole(synth.template, roleOfFunction(/deletes per-invocation queues/))).toEqual([
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [expect.stringMatching(/^<QueueSweeperLogs\w+\.Arn>$/)] },
      { actions: ['sqs:GetQueueAttributes', 'sqs:DeleteQueue'], resources: [QUEUES] },
      { actions: ['dynamodb:GetItem'], resources: [`<${TABLE}.Arn>`] },
      { actions: ['sqs:ListQueues'], resources: ['*'] },
    ]);
  });
});

describe('the stream relay', () => {
  it('runs on Node.js 24, arm64, from the relay bundle', () => {
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('stream relay'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    });
    expect(assetFolder('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('stream relay') })).toBe('dist/relay');
  });

  it("is fed by the table's stream through exactly protocol's answer filters, tuned for latency", () => {
    const failures = logicalId('AWS::SQS::Queue');
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::Table'), 'StreamArn'] },
      StartingPosition: 'LATEST',
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 900,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failures, 'Arn'] } } },
    });
    const mapping = Object.values(synth.template.findResources('AWS::Lambda::EventSourceMapping'))[0] as { Properties: { FilterCriteria: { Filters: { Pattern: string }[] } } };
    expect(mapping.Properties.FilterCriteria.Filters.map((f) => f.Pattern)).toEqual([...ANSWER_FILTER_PATTERN_STRINGS]);
  });

  it('may send to PLLDB queues, read items of its table and read its stream', () => {
    const statements = statementsOfRole(synth.template, roleOfFunction(/stream relay/));
    expect(statements).toContainEqual({ actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'], resources: [QUEUES] });
    expect(statements).toContainEqual({ actions: ['dynamodb:GetItem'], resources: [`<${TABLE}.Arn>`] });
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('stream relay'),
      Environment: { Variables: { [Env.TableName]: { Ref: TABLE } } },
    });
    expect(statements).toContainEqual({ actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], resources: [`<${TABLE}.StreamArn>`] });
  });
});

describe('PLLDBWebSocket', () => {
  it('is a WebSocket API with an auto-deployed stage', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: DEFAULT_WEBSOCKET_API_NAME, ProtocolType: 'WEBSOCKET' });
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'prod', AutoDeploy: true });
  });

  it('authorizes $connect with IAM; $disconnect and $default ride on that connection', () => {
    const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r as { Properties: { RouteKey: string; AuthorizationType: string } }).Properties);
    expect(Object.fromEntries(routes.map((r) => [r.RouteKey, r.AuthorizationType]))).toEqual({ $connect: 'AWS_IAM', $disconnect: 'NONE', $default: 'NONE' });
  });

  it('routes to the handler, which knows the table', () => {
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('WebSocket routes'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: { Variables: { [Env.TableName]: { Ref: logicalId('AWS::DynamoDB::Table') } } },
    });
    synth.template.resourceCountIs('AWS::ApiGatewayV2::Integration', 3);
    expect(assetFolder('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('WebSocket routes') })).toBe('dist/websocket');
  });
});

describe('the layers', () => {
  it('declares Node.js runtimes for the Node layer, on both architectures', () => {
    synth.template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      LayerName: 'PLLDBNode',
      CompatibleRuntimes: ['nodejs22.x', 'nodejs24.x'],
      CompatibleArchitectures: ['x86_64', 'arm64'],
    });
    expect(assetFolder('AWS::Lambda::LayerVersion', { LayerName: 'PLLDBNode' })).toBe('dist/layer');
  });

  it.each([
    ['PLLDBStandaloneX8664', 'x86_64'],
    ['PLLDBStandaloneArm64', 'arm64'],
  ])('declares Python and Node.js runtimes for %s (not OS-only, Java, .NET or Ruby, which PLLDB cannot serve), on %s only', (name, arch) => {
    synth.template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      LayerName: name,
      CompatibleRuntimes: ['python3.12', 'python3.13', 'python3.14', 'nodejs22.x', 'nodejs24.x'],
      CompatibleArchitectures: [arch],
    });
    expect(assetFolder('AWS::Lambda::LayerVersion', { LayerName: name })).toBe(`dist/layer-standalone-${arch}`);
  });

  it('declares at most the 15 runtimes Lambda accepts per layer', () => {
    for (const layer of Object.values(synth.template.findResources('AWS::Lambda::LayerVersion'))) {
      expect((layer as { Properties: { CompatibleRuntimes: string[] } }).Properties.CompatibleRuntimes.length).toBeLessThanOrEqual(15);
    }
  });
});

describe('the queue sweeper', () => {
  it('runs hourly with the queue prefix', () => {
    const fn = Object.entries(synth.template.findResources('AWS::Lambda::Function')).find(([, f]) =>
      /deletes per-invocation queues/.test((f as { Properties: { Description: string } }).Properties.Description),
    );
    expect(fn?.[1]).toMatchObject({ Properties: { Environment: { Variables: { [Env.QueuePrefix]: 'plldb-' } }, Runtime: 'nodejs24.x' } });
    expect(assetFolder('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('deletes per-invocation queues') })).toBe('dist/sweeper');
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn?.[0], 'Arn'] } })],
    });
  });
});

describe('outputs', () => {
  it("are named with protocol's StackOutput keys", () => {
    expect(Object.keys(synth.template.findOutputs('*')).sort()).toEqual(Object.values(StackOutput).sort());
  });

  it('give the wss:// URL, the https:// management endpoint, the role, table, queue prefix and layers', () => {
    const out = synth.template.findOutputs('*') as Record<string, { Value: unknown }>;
    const text = (key: string) => cfnText(out[key]?.Value);
    expect(text(StackOutput.WebSocketUrl)).toBe(`wss://${API}.execute-api.<AWS::Region>.<AWS::URLSuffix>/prod`);
    expect(text(StackOutput.WebSocketManagementEndpoint)).toBe(`https://${API}.execute-api.<AWS::Region>.<AWS::URLSuffix>/prod`);
    expect(text(StackOutput.DebuggerRoleArn)).toBe(`<${logicalId('AWS::IAM::Role', { RoleName: DEFAULT_ROLE_NAME })}.Arn>`);
    expect(text(StackOutput.TableName)).toBe(`<${logicalId('AWS::DynamoDB::Table')}>`);
    expect(text(StackOutput.QueuePrefix)).toBe('plldb-');
    expect(text(StackOutput.NodeLayerArn)).toBe(`<${logicalId('AWS::Lambda::LayerVersion', { LayerName: 'PLLDBNode' })}>`);
    expect(text(StackOutput.StandaloneLayerArm64Arn)).toBe(`<${logicalId('AWS::Lambda::LayerVersion', { LayerName: 'PLLDBStandaloneArm64' })}>`);
    expect(text(StackOutput.StandaloneLayerX8664Arn)).toBe(`<${logicalId('AWS::Lambda::LayerVersion', { LayerName: 'PLLDBStandaloneX8664' })}>`);
  });

  it('belong to the default stack name, with no account or region baked in', () => {
    expect(synth.stack.stackName).toBe('PLLDB');
    expect(synth.stack.resolve(synth.stack.account)).toEqual({ Ref: 'AWS::AccountId' });
    expect(synth.stack.resolve(synth.stack.region)).toEqual({ Ref: 'AWS::Region' });
  });
});
