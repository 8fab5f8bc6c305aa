import { ApiGatewayManagementApiClient, GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DeleteRolePolicyCommand, GetRolePolicyCommand, IAMClient, PutRolePolicyCommand, TagRoleCommand, UntagRoleCommand } from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  LambdaClient,
  ListFunctionsCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { DynamoDBClient, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';
import { Attr, DEFAULT_STACK_NAME, StackOutput } from '../../protocol/index.js';

export const ACCOUNT = '123456789012';
export const layerArn = (name: string, version = 3) => `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:${name}:${version}`;

export const STACK_OUTPUTS: Record<string, string> = {
  [StackOutput.NodeLayerArn]: layerArn('PLLDBLayer'),
  [StackOutput.StandaloneLayerX8664Arn]: layerArn('PLLDBLayerStandaloneX8664'),
  [StackOutput.StandaloneLayerArm64Arn]: layerArn('PLLDBLayerStandaloneArm64'),
  [StackOutput.WebSocketUrl]: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod',
  [StackOutput.WebSocketManagementEndpoint]: 'https://abc.execute-api.us-east-1.amazonaws.com/prod',
  [StackOutput.DebuggerRoleArn]: `arn:aws:iam::${ACCOUNT}:role/PLLDBDebuggerRole`,
  [StackOutput.TableName]: 'PLLDBDebugger',
  [StackOutput.AnswerSenderIds]: 'AROAROUTESROLE0000000,AROARELAYROLE00000000',
};

/** A function configuration as Lambda returns it. */
export function functionConfig(name: string, config: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
  return {
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`,
    Runtime: 'nodejs22.x',
    Architectures: ['x86_64'],
    PackageType: 'Zip',
    Layers: [],
    Timeout: 3,
    Role: `arn:aws:iam::${ACCOUNT}:role/service-role/${name}-role`,
    ...config,
  };
}

/**
 * Lambda, IAM, CloudFormation and API Gateway's management API mocked (aws-sdk-client-mock,
 * every client instance) over mutable state: an update changes what the next Get returns and
 * its RevisionId, and an update carrying an older RevisionId fails as Lambda's does. Create one per test file.
 */
export class FakeAws {
  readonly lambda = mockClient(LambdaClient);
  readonly iam = mockClient(IAMClient);
  readonly cfn = mockClient(CloudFormationClient);
  /** The table, as far as plldb debug writes it: the session's current connection. */
  readonly dynamo = mockClient(DynamoDBClient);
  /** Every connection plldb debug recorded as its session's, in order. */
  recordedConnections: string[] = [];
  readonly apigw = mockClient(ApiGatewayManagementApiClient);
  functions = new Map<string, FunctionConfiguration>();
  /** `role/policy` -> document. */
  policies = new Map<string, string>();
  /** `role` -> tag key -> value. */
  tags = new Map<string, Map<string, string>>();
  /** Connection ids API Gateway reports as connected (since the date). */
  connected = new Map<string, Date>();
  /** Layer ARN -> CodeSize GetLayerVersionByArn reports. */
  layerSizes = new Map<string, number>();
  /** When set, UpdateFunctionConfiguration fails with it. */
  updateFault: Error | undefined;
  /** Runs just before each update is applied (a deploy landing between a read and the update). */
  beforeUpdate: ((name: string) => void) | undefined;

  addFunction(config: FunctionConfiguration): void {
    this.functions.set(config.FunctionName!, { RevisionId: randomUUID(), ...config });
  }

  current(name: string): FunctionConfiguration {
    return this.functions.get(name)!;
  }

  /** What a deploy does: changes the function and its revision. */
  deploy(name: string, change: Partial<FunctionConfiguration>): void {
    this.functions.set(name, { ...this.current(name), ...change, RevisionId: randomUUID() });
  }

  roleTags(role: string): Record<string, string> {
    return Object.fromEntries(this.tags.get(role) ?? []);
  }

  reset(outputs: Record<string, string> = STACK_OUTPUTS): void {
    this.functions = new Map();
    this.policies = new Map();
    this.tags = new Map();
    this.connected = new Map();
    this.layerSizes = new Map();
    this.updateFault = undefined;
    this.beforeUpdate = undefined;
    this.lambda.reset();
    this.iam.reset();
    this.cfn.reset();
    this.dynamo.reset();
    this.recordedConnections = [];
    this.dynamo.on(PutItemCommand).callsFake(({ Item }) => {
      this.recordedConnections.push(String(unmarshall(Item)[Attr.CurrentConnectionId]));
      return {};
    });
    this.dynamo.on(QueryCommand).resolves({ Items: [] });
    this.dynamo.on(UpdateItemCommand).resolves({});
    this.apigw.reset();
    this.cfn.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: DEFAULT_STACK_NAME, CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
    });
    const find = (name: string | undefined) => [...this.functions.values()].find((f) => f.FunctionName === name || f.FunctionArn === name);
    this.lambda.on(GetFunctionConfigurationCommand).callsFake(({ FunctionName }) => {
      const found = find(FunctionName);
      if (!found) throw Object.assign(new Error(`Function not found: ${FunctionName}`), { name: 'ResourceNotFoundException' });
      return structuredClone(found);
    });
    this.lambda.on(ListFunctionsCommand).callsFake(() => ({ Functions: [...this.functions.values()].map((f) => structuredClone(f)) }));
    this.lambda.on(GetLayerVersionByArnCommand).callsFake(({ Arn }) => ({ LayerVersionArn: Arn, Content: { CodeSize: this.layerSizes.get(Arn) ?? 1000 } }));
    this.lambda.on(UpdateFunctionConfigurationCommand).callsFake(({ FunctionName, Layers, Environment, Timeout, RevisionId }) => {
      if (this.updateFault) throw this.updateFault;
      this.beforeUpdate?.(find(FunctionName)!.FunctionName!);
      const found = find(FunctionName)!;
      if (RevisionId !== undefined && RevisionId !== found.RevisionId) {
        throw Object.assign(new Error('The Revision Id provided does not match the latest Revision Id.'), { name: 'PreconditionFailedException' });
      }
      const env = Environment?.Variables ?? {};
      this.functions.set(found.FunctionName!, {
        ...found,
        Layers: (Layers ?? []).map((Arn: string) => ({ Arn })),
        Environment: Object.keys(env).length > 0 ? { Variables: env } : undefined,
        Timeout,
        RevisionId: randomUUID(),
      });
      return {};
    });
    this.iam.on(GetRolePolicyCommand).callsFake(({ RoleName, PolicyName }) => {
      const doc = this.policies.get(`${RoleName}/${PolicyName}`);
      if (doc === undefined) throw Object.assign(new Error('not found'), { name: 'NoSuchEntityException' });
      return { RoleName, PolicyName, PolicyDocument: encodeURIComponent(doc) };
    });
    this.iam.on(PutRolePolicyCommand).callsFake(({ RoleName, PolicyName, PolicyDocument }) => {
      this.policies.set(`${RoleName}/${PolicyName}`, PolicyDocument);
      return {};
    });
    this.iam.on(DeleteRolePolicyCommand).callsFake(({ RoleName, PolicyName }) => {
      this.policies.delete(`${RoleName}/${PolicyName}`);
      return {};
    });
    this.iam.on(TagRoleCommand).callsFake(({ RoleName, Tags }) => {
      const tags = this.tags.get(RoleName) ?? new Map<string, string>();
      for (const t of Tags ?? []) tags.set(t.Key, t.Value);
      this.tags.set(RoleName, tags);
      return {};
    });
    this.iam.on(UntagRoleCommand).callsFake(({ RoleName, TagKeys }) => {
      for (const key of TagKeys ?? []) this.tags.get(RoleName)?.delete(key);
      if (this.tags.get(RoleName)?.size === 0) this.tags.delete(RoleName);
      return {};
    });
    this.apigw.on(GetConnectionCommand).callsFake(({ ConnectionId }) => {
      const since = this.connected.get(ConnectionId);
      if (!since) throw Object.assign(new Error('gone'), { name: 'GoneException' });
      return { ConnectedAt: since };
    });
  }
}

/** Dummy credentials and region for SDK clients in tests. */
export function useDummyAwsEnvironment(): void {
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
}
