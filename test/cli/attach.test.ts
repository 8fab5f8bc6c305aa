import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DeleteRolePolicyCommand, GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand, type FunctionConfiguration, type Runtime } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTACH_POLICY_NAME, DEFAULT_STACK_NAME, Env, EXEC_WRAPPER_PATH, StackOutput } from '../../protocol/index.js';
import { Attacher, assumeRolePolicy } from '../../cli/src/attach/attacher.js';
import { AttachmentStore } from '../../cli/src/attach/state-store.js';
import { lambdaFunctionConfigApi } from '../../cli/src/aws/function-config-api.js';
import { iamRolePolicyApi } from '../../cli/src/aws/role-policy-api.js';
import { cloudFormationStackOutputsApi, loadHelperStack } from '../../cli/src/aws/stack-outputs.js';
import { CliError } from '../../cli/src/errors.js';

const ACCOUNT = '123456789012';
const LAYER = (name: string, v = 3) => `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:${name}:${v}`;
const OUTPUTS: Record<string, string> = {
  [StackOutput.NodeLayerArn]: LAYER('PLLDBLayer'),
  [StackOutput.StandaloneLayerX8664Arn]: LAYER('PLLDBLayerStandaloneX8664'),
  [StackOutput.StandaloneLayerArm64Arn]: LAYER('PLLDBLayerStandaloneArm64'),
  [StackOutput.WebSocketUrl]: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod',
  [StackOutput.WebSocketManagementEndpoint]: 'https://abc.execute-api.us-east-1.amazonaws.com/prod',
  [StackOutput.DebuggerRoleArn]: `arn:aws:iam::${ACCOUNT}:role/PLLDBDebuggerRole`,
  [StackOutput.TableName]: 'PLLDBDebugger',
};
const TARGET = { sessionId: 'session-1', connectionId: 'conn-1' };

const lambda = mockClient(LambdaClient);
const iam = mockClient(IAMClient);
const cfn = mockClient(CloudFormationClient);

/** Lambda and IAM as mutable state: updates change what the next Get returns. */
let functions: Map<string, FunctionConfiguration>;
let policies: Map<string, string>;
let stateDir: string;
/** When set, UpdateFunctionConfiguration fails with it. */
let updateFault: Error | undefined;

function fn(name: string, config: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
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

function addFunction(config: FunctionConfiguration): void {
  functions.set(config.FunctionName!, config);
}

function attacher(dir = stateDir): Attacher {
  const cfnApi = cloudFormationStackOutputsApi(new CloudFormationClient({}));
  return new Attacher({
    functions: lambdaFunctionConfigApi(new LambdaClient({}), async () => undefined),
    policies: iamRolePolicyApi(new IAMClient({})),
    store: new AttachmentStore(dir),
    stack: () => loadHelperStack(cfnApi, DEFAULT_STACK_NAME),
  });
}

const current = (name: string) => functions.get(name)!;

beforeAll(() => {
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
});

beforeEach(() => {
  functions = new Map();
  policies = new Map();
  stateDir = mkdtempSync(join(tmpdir(), 'plldb-state-'));
  lambda.reset();
  iam.reset();
  cfn.reset();
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: DEFAULT_STACK_NAME, CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }] });
  lambda.on(GetFunctionConfigurationCommand).callsFake(({ FunctionName }) => {
    const found = [...functions.values()].find((f) => f.FunctionName === FunctionName || f.FunctionArn === FunctionName);
    if (!found) throw Object.assign(new Error(`Function not found: ${FunctionName}`), { name: 'ResourceNotFoundException' });
    return structuredClone(found);
  });
  updateFault = undefined;
  lambda.on(UpdateFunctionConfigurationCommand).callsFake(({ FunctionName, Layers, Environment, Timeout }) => {
    if (updateFault) throw updateFault;
    const found = [...functions.values()].find((f) => f.FunctionArn === FunctionName)!;
    const env = Environment?.Variables ?? {};
    functions.set(found.FunctionName!, {
      ...found,
      Layers: (Layers ?? []).map((Arn: string) => ({ Arn })),
      ...(Object.keys(env).length > 0 ? { Environment: { Variables: env } } : { Environment: undefined }),
      Timeout,
    });
    return {};
  });
  iam.on(GetRolePolicyCommand).callsFake(({ RoleName, PolicyName }) => {
    const doc = policies.get(`${RoleName}/${PolicyName}`);
    if (doc === undefined) throw Object.assign(new Error('not found'), { name: 'NoSuchEntityException' });
    return { RoleName, PolicyName, PolicyDocument: encodeURIComponent(doc) };
  });
  iam.on(PutRolePolicyCommand).callsFake(({ RoleName, PolicyName, PolicyDocument }) => {
    policies.set(`${RoleName}/${PolicyName}`, PolicyDocument);
    return {};
  });
  iam.on(DeleteRolePolicyCommand).callsFake(({ RoleName, PolicyName }) => {
    policies.delete(`${RoleName}/${PolicyName}`);
    return {};
  });
});

afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

describe('attach', () => {
  it.each([
    ['nodejs22.x', 'x86_64', OUTPUTS[StackOutput.NodeLayerArn]],
    ['nodejs24.x', 'arm64', OUTPUTS[StackOutput.NodeLayerArn]],
    ['python3.12', 'x86_64', OUTPUTS[StackOutput.StandaloneLayerX8664Arn]],
    ['python3.13', 'arm64', OUTPUTS[StackOutput.StandaloneLayerArm64Arn]],
    ['java21', 'arm64', OUTPUTS[StackOutput.StandaloneLayerArm64Arn]],
    ['provided.al2023', 'x86_64', OUTPUTS[StackOutput.StandaloneLayerX8664Arn]],
  ])('%s on %s gets layer %s, the wrapper and the debugger variables', async (runtime, arch, layer) => {
    addFunction(fn('f', { Runtime: runtime as Runtime, Architectures: [arch as 'x86_64'], Layers: [{ Arn: LAYER('deps', 1) }], Environment: { Variables: { KEEP: 'me' } } }));
    const result = await attacher().attach('f', TARGET, { timeout: 600 });
    expect(result.layerArn).toBe(layer);
    expect(current('f').Layers).toEqual([{ Arn: LAYER('deps', 1) }, { Arn: layer }]);
    expect(current('f').Timeout).toBe(600);
    expect(current('f').Environment?.Variables).toEqual({
      KEEP: 'me',
      [Env.ExecWrapper]: EXEC_WRAPPER_PATH,
      [Env.SessionId]: 'session-1',
      [Env.ConnectionId]: 'conn-1',
      [Env.WebSocketApiEndpoint]: OUTPUTS[StackOutput.WebSocketManagementEndpoint],
      [Env.DebuggerRoleArn]: OUTPUTS[StackOutput.DebuggerRoleArn],
      [Env.TableName]: 'PLLDBDebugger',
    });
    expect(JSON.parse(policies.get(`f-role/${ATTACH_POLICY_NAME}`)!)).toEqual(JSON.parse(assumeRolePolicy(OUTPUTS[StackOutput.DebuggerRoleArn]!)));
  });

  it.each(['python3.11', 'python3.9', 'nodejs18.x', 'java8.al2', 'java17', 'provided.al2'])('refuses Amazon Linux 2 runtime %s, saying why and what to do, changing nothing', async (runtime) => {
    addFunction(fn('old', { Runtime: runtime as Runtime }));
    const err = await attacher().attach('old', TARGET).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(/Amazon Linux 2.*glibc 2\.28/);
    expect((err as CliError).hint).toMatch(/python3\.12 or later/);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('refuses a function that already uses another exec wrapper', async () => {
    addFunction(fn('wrapped', { Environment: { Variables: { [Env.ExecWrapper]: '/opt/otel-instrument' } } }));
    await expect(attacher().attach('wrapped', TARGET)).rejects.toThrow(/already uses AWS_LAMBDA_EXEC_WRAPPER=\/opt\/otel-instrument/);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it('refuses a function that already has five layers', async () => {
    addFunction(fn('full', { Layers: [1, 2, 3, 4, 5].map((i) => ({ Arn: LAYER(`l${i}`) })) }));
    await expect(attacher().attach('full', TARGET)).rejects.toThrow(/already has 5 layers/);
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('explains access denied and unknown functions', async () => {
    addFunction(fn('denied'));
    updateFault = Object.assign(new Error('User: arn:aws:iam::1:user/dev is not authorized to perform: lambda:UpdateFunctionConfiguration'), { name: 'AccessDeniedException' });
    const err = (await attacher().attach('denied', TARGET).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toMatch(/access denied while trying to update the configuration of function/);
    expect(err.hint).toMatch(/--profile/);
    await expect(attacher().attach('ghost', TARGET)).rejects.toThrow('function ghost not found');
  });

  it('says how to deploy the stack when it is not there', async () => {
    addFunction(fn('f'));
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error(`Stack with id ${DEFAULT_STACK_NAME} does not exist`), { name: 'ValidationError' }));
    const err = (await attacher().attach('f', TARGET).catch((e: unknown) => e)) as CliError;
    expect(err.message).toContain(`helper stack ${DEFAULT_STACK_NAME} is not deployed`);
    expect(err.hint).toContain('npx cdk deploy');
  });

  it('is idempotent: re-attaching updates the connection and keeps the original saved configuration', async () => {
    addFunction(fn('f', { Layers: [{ Arn: LAYER('deps', 1) }], Timeout: 10 }));
    const first = await attacher().attach('f', TARGET, { timeout: 300 });
    const second = await attacher().attach('f', { sessionId: 'session-1', connectionId: 'conn-2' });
    expect([first.firstAttach, second.firstAttach]).toEqual([true, false]);
    expect(current('f').Layers).toEqual([{ Arn: LAYER('deps', 1) }, { Arn: OUTPUTS[StackOutput.NodeLayerArn] }]);
    expect(current('f').Environment?.Variables?.[Env.ConnectionId]).toBe('conn-2');
    expect(current('f').Timeout).toBe(300);
    expect(new AttachmentStore(stateDir).listFunctions()).toEqual([expect.objectContaining({ functionName: 'f', previous: { layers: [LAYER('deps', 1)], timeout: 10 } })]);
  });
});

describe('detach', () => {
  it('restores layers, environment, timeout and the role policy exactly; a second detach changes nothing', async () => {
    const original = fn('f', { Layers: [{ Arn: LAYER('deps', 1) }], Environment: { Variables: { A: '1', B: '2' } }, Timeout: 42 });
    addFunction(original);
    policies.set(`f-role/${ATTACH_POLICY_NAME}`, '{"Version":"2012-10-17","Statement":[]}');
    await attacher().attach('f', TARGET, { timeout: 900 });
    await attacher().attach('f', { ...TARGET, connectionId: 'conn-2' });
    await expect(attacher().detach('f')).resolves.toEqual({ status: 'restored', functionName: 'f' });
    expect(current('f')).toEqual(original);
    expect(policies.get(`f-role/${ATTACH_POLICY_NAME}`)).toBe('{"Version":"2012-10-17","Statement":[]}');
    const updates = lambda.commandCalls(UpdateFunctionConfigurationCommand).length;
    await expect(attacher().detach('f')).resolves.toEqual({ status: 'not-attached', functionName: 'f' });
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(updates);
  });

  it('removes the policy it added only when the last function using the role is detached', async () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/shared`;
    addFunction(fn('a', { Role: role }));
    addFunction(fn('b', { Role: role, Runtime: 'python3.12' }));
    await attacher().attach('a', TARGET);
    await attacher().attach('b', TARGET);
    await attacher().detach('a');
    expect(policies.has(`shared/${ATTACH_POLICY_NAME}`)).toBe(true);
    await attacher().detach('b');
    expect(policies.has(`shared/${ATTACH_POLICY_NAME}`)).toBe(false);
    expect(current('a').Environment).toBeUndefined();
  });

  it('restores after a crash: a fresh process finds the saved state (also when the attach died half way)', async () => {
    addFunction(fn('f', { Environment: { Variables: { A: '1' } }, Timeout: 5 }));
    addFunction(fn('g', { Timeout: 7 }));
    await attacher().attach('f', TARGET, { timeout: 900 });
    // g: the state was saved and the policy put, then the process died before the update went through.
    updateFault = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    await expect(attacher().attach('g', TARGET)).rejects.toThrow('socket hang up');
    updateFault = undefined;
    const restarted = attacher(stateDir);
    expect(new AttachmentStore(stateDir).listFunctions().map((s) => s.functionName).sort()).toEqual(['f', 'g']);
    await restarted.detach('f');
    await restarted.detach('g');
    expect(current('f')).toEqual(fn('f', { Environment: { Variables: { A: '1' } }, Timeout: 5 }));
    expect(current('g')).toMatchObject({ Layers: [], Timeout: 7, Environment: undefined });
    expect(policies.size).toBe(0);
    expect(new AttachmentStore(stateDir).listFunctions()).toEqual([]);
  });

  it('drops the saved state of a function deleted since', async () => {
    addFunction(fn('f'));
    await attacher().attach('f', TARGET);
    functions.delete('f');
    await expect(attacher().detach('f')).resolves.toEqual({ status: 'gone', functionName: 'f' });
    expect(new AttachmentStore(stateDir).listFunctions()).toEqual([]);
    expect(policies.size).toBe(0);
  });

  it('takes PLLDB out of a function attached from another machine (no saved state)', async () => {
    addFunction(fn('f', { Timeout: 3 }));
    await attacher(mkdtempSync(join(tmpdir(), 'plldb-other-'))).attach('f', TARGET);
    await attacher().detach('f');
    expect(current('f')).toMatchObject({ Layers: [], Environment: undefined, Timeout: 3 });
  });
});
