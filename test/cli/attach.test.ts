import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { LambdaClient, UpdateFunctionConfigurationCommand, type FunctionConfiguration, type Runtime } from '@aws-sdk/client-lambda';
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
import { ACCOUNT, FakeAws, functionConfig, layerArn, STACK_OUTPUTS, useDummyAwsEnvironment } from './aws-fakes.js';

const OUTPUTS = STACK_OUTPUTS;
const LAYER = layerArn;
const fn = functionConfig;
const TARGET = { sessionId: 'session-1', connectionId: 'conn-1' };
const aws = new FakeAws();
let stateDir: string;

function attacher(dir = stateDir): Attacher {
  const cfnApi = cloudFormationStackOutputsApi(new CloudFormationClient({}));
  return new Attacher({
    functions: lambdaFunctionConfigApi(new LambdaClient({}), async () => undefined),
    policies: iamRolePolicyApi(new IAMClient({})),
    store: new AttachmentStore(dir),
    stack: () => loadHelperStack(cfnApi, DEFAULT_STACK_NAME),
  });
}

const addFunction = (config: FunctionConfiguration) => aws.addFunction(config);
const current = (name: string) => aws.current(name);

beforeAll(useDummyAwsEnvironment);

beforeEach(() => {
  aws.reset();
  stateDir = mkdtempSync(join(tmpdir(), 'plldb-state-'));
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
    expect(JSON.parse(aws.policies.get(`f-role/${ATTACH_POLICY_NAME}`)!)).toEqual(JSON.parse(assumeRolePolicy(OUTPUTS[StackOutput.DebuggerRoleArn]!)));
  });

  it.each(['python3.11', 'python3.9', 'nodejs18.x', 'java8.al2', 'java17', 'provided.al2'])('refuses Amazon Linux 2 runtime %s, saying why and what to do, changing nothing', async (runtime) => {
    addFunction(fn('old', { Runtime: runtime as Runtime }));
    const err = await attacher().attach('old', TARGET).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(/Amazon Linux 2.*glibc 2\.28/);
    expect((err as CliError).hint).toMatch(/python3\.12 or later/);
    expect(aws.lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(aws.iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('refuses a function that already uses another exec wrapper', async () => {
    addFunction(fn('wrapped', { Environment: { Variables: { [Env.ExecWrapper]: '/opt/otel-instrument' } } }));
    await expect(attacher().attach('wrapped', TARGET)).rejects.toThrow(/already uses AWS_LAMBDA_EXEC_WRAPPER=\/opt\/otel-instrument/);
    expect(aws.lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it('refuses a function that already has five layers', async () => {
    addFunction(fn('full', { Layers: [1, 2, 3, 4, 5].map((i) => ({ Arn: LAYER(`l${i}`) })) }));
    await expect(attacher().attach('full', TARGET)).rejects.toThrow(/already has 5 layers/);
    expect(aws.lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('explains access denied and unknown functions', async () => {
    addFunction(fn('denied'));
    aws.updateFault = Object.assign(new Error('User: arn:aws:iam::1:user/dev is not authorized to perform: lambda:UpdateFunctionConfiguration'), { name: 'AccessDeniedException' });
    const err = (await attacher().attach('denied', TARGET).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toMatch(/access denied while trying to update the configuration of function/);
    expect(err.hint).toMatch(/--profile/);
    await expect(attacher().attach('ghost', TARGET)).rejects.toThrow('function ghost not found');
  });

  it('refuses a version or alias (attach changes $LATEST), whatever way it is named', async () => {
    addFunction(fn('f'));
    for (const name of ['f:prod', `${ACCOUNT}:function:f:3`, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f:prod`]) {
      await expect(attacher().attach(name, TARGET)).rejects.toThrow(/names a version or alias/);
    }
    await expect(attacher().attach(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`, TARGET)).resolves.toMatchObject({ functionName: 'f' });
    expect(aws.lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(1);
  });

  it('says how to deploy the stack when it is not there', async () => {
    addFunction(fn('f'));
    aws.cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error(`Stack with id ${DEFAULT_STACK_NAME} does not exist`), { name: 'ValidationError' }));
    const err = (await attacher().attach('f', TARGET).catch((e: unknown) => e)) as CliError;
    expect(err.message).toContain(`helper stack ${DEFAULT_STACK_NAME} is not deployed`);
    expect(err.hint).toContain('plldb deploy');
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
    aws.policies.set(`f-role/${ATTACH_POLICY_NAME}`, '{"Version":"2012-10-17","Statement":[]}');
    await attacher().attach('f', TARGET, { timeout: 900 });
    await attacher().attach('f', { ...TARGET, connectionId: 'conn-2' });
    await expect(attacher().detach('f')).resolves.toEqual({ status: 'restored', functionName: 'f' });
    expect(current('f')).toEqual(original);
    expect(aws.policies.get(`f-role/${ATTACH_POLICY_NAME}`)).toBe('{"Version":"2012-10-17","Statement":[]}');
    const updates = aws.lambda.commandCalls(UpdateFunctionConfigurationCommand).length;
    await expect(attacher().detach('f')).resolves.toEqual({ status: 'not-attached', functionName: 'f' });
    expect(aws.lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(updates);
  });

  it('removes the policy it added only when the last function using the role is detached', async () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/shared`;
    addFunction(fn('a', { Role: role }));
    addFunction(fn('b', { Role: role, Runtime: 'python3.12' }));
    await attacher().attach('a', TARGET);
    await attacher().attach('b', TARGET);
    await attacher().detach('a');
    expect(aws.policies.has(`shared/${ATTACH_POLICY_NAME}`)).toBe(true);
    await attacher().detach('b');
    expect(aws.policies.has(`shared/${ATTACH_POLICY_NAME}`)).toBe(false);
    expect(current('a').Environment).toBeUndefined();
  });

  it('restores after a crash: a fresh process finds the saved state (also when the attach died half way)', async () => {
    addFunction(fn('f', { Environment: { Variables: { A: '1' } }, Timeout: 5 }));
    addFunction(fn('g', { Timeout: 7 }));
    await attacher().attach('f', TARGET, { timeout: 900 });
    // g: the state was saved and the policy put, then the process died before the update went through.
    aws.updateFault = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    await expect(attacher().attach('g', TARGET)).rejects.toThrow('socket hang up');
    aws.updateFault = undefined;
    const restarted = attacher(stateDir);
    expect(new AttachmentStore(stateDir).listFunctions().map((s) => s.functionName).sort()).toEqual(['f', 'g']);
    await restarted.detach('f');
    await restarted.detach('g');
    expect(current('f')).toEqual(fn('f', { Environment: { Variables: { A: '1' } }, Timeout: 5 }));
    expect(current('g')).toMatchObject({ Layers: [], Timeout: 7, Environment: undefined });
    expect(aws.policies.size).toBe(0);
    expect(new AttachmentStore(stateDir).listFunctions()).toEqual([]);
  });

  it('drops the saved state of a function deleted since', async () => {
    addFunction(fn('f'));
    await attacher().attach('f', TARGET);
    aws.functions.delete('f');
    await expect(attacher().detach('f')).resolves.toEqual({ status: 'gone', functionName: 'f' });
    expect(new AttachmentStore(stateDir).listFunctions()).toEqual([]);
    expect(aws.policies.size).toBe(0);
  });

  it('takes PLLDB out of a function attached from another machine (no saved state)', async () => {
    addFunction(fn('f', { Timeout: 3 }));
    const otherMachine = mkdtempSync(join(tmpdir(), 'plldb-other-'));
    try {
      await attacher(otherMachine).attach('f', TARGET);
    } finally {
      rmSync(otherMachine, { recursive: true, force: true });
    }
    await attacher().detach('f');
    expect(current('f')).toMatchObject({ Layers: [], Environment: undefined, Timeout: 3 });
  });
});
