import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DeleteRolePolicyCommand, GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_STACK_NAME, StackOutput } from '../../protocol/index.js';

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
 * Lambda, IAM and CloudFormation mocked (aws-sdk-client-mock, every client instance) over
 * mutable state: an update changes what the next Get returns. Create one per test file.
 */
export class FakeAws {
  readonly lambda = mockClient(LambdaClient);
  readonly iam = mockClient(IAMClient);
  readonly cfn = mockClient(CloudFormationClient);
  functions = new Map<string, FunctionConfiguration>();
  /** `role/policy` -> document. */
  policies = new Map<string, string>();
  /** When set, UpdateFunctionConfiguration fails with it. */
  updateFault: Error | undefined;

  addFunction(config: FunctionConfiguration): void {
    this.functions.set(config.FunctionName!, config);
  }

  current(name: string): FunctionConfiguration {
    return this.functions.get(name)!;
  }

  reset(outputs: Record<string, string> = STACK_OUTPUTS): void {
    this.functions = new Map();
    this.policies = new Map();
    this.updateFault = undefined;
    this.lambda.reset();
    this.iam.reset();
    this.cfn.reset();
    this.cfn.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: DEFAULT_STACK_NAME, CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
    });
    const find = (name: string | undefined) => [...this.functions.values()].find((f) => f.FunctionName === name || f.FunctionArn === name);
    this.lambda.on(GetFunctionConfigurationCommand).callsFake(({ FunctionName }) => {
      const found = find(FunctionName);
      if (!found) throw Object.assign(new Error(`Function not found: ${FunctionName}`), { name: 'ResourceNotFoundException' });
      return structuredClone(found);
    });
    this.lambda.on(UpdateFunctionConfigurationCommand).callsFake(({ FunctionName, Layers, Environment, Timeout }) => {
      if (this.updateFault) throw this.updateFault;
      const found = find(FunctionName)!;
      const env = Environment?.Variables ?? {};
      this.functions.set(found.FunctionName!, {
        ...found,
        Layers: (Layers ?? []).map((Arn: string) => ({ Arn })),
        Environment: Object.keys(env).length > 0 ? { Variables: env } : undefined,
        Timeout,
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
  }
}

/** Dummy credentials and region for SDK clients in tests. */
export function useDummyAwsEnvironment(): void {
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
}
