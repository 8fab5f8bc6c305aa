import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { LambdaClient, UpdateFunctionConfigurationCommand, type FunctionConfiguration, type Runtime } from '@aws-sdk/client-lambda';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTACH_POLICY_NAME, ATTACHED_ROLE_TAG, DEFAULT_STACK_NAME, Env, EXEC_WRAPPER_PATH, readAttachment, StackOutput } from '../../protocol/index.js';
import { Attacher, assumeRolePolicy, type AttachOptions, type AttachResult } from '../../cli/src/attach/attacher.js';
import { AttachmentStore } from '../../cli/src/attach/state-store.js';
import { apiGatewayConnectionStatusApi } from '../../cli/src/aws/connection-status-api.js';
import { lambdaFunctionConfigApi } from '../../cli/src/aws/function-config-api.js';
import { iamRolePolicyApi } from '../../cli/src/aws/role-policy-api.js';
import { cloudFormationStackOutputsApi, loadHelperStack } from '../../cli/src/aws/stack-outputs.js';
import { CliError } from '../../cli/src/errors.js';
import { ACCOUNT, FakeAws, functionConfig, layerArn, STACK_OUTPUTS, useDummyAwsEnvironment } from './aws-fakes.js';

const OUTPUTS = STACK_OUTPUTS;
const LAYER = layerArn;
const fn = functionConfig;
const TARGET = { sessionId: 'session-1', connectionId: 'conn-1' };
const OTHER = { sessionId: 'session-2', connectionId: 'conn-2' };
const aws = new FakeAws();
let stateDir: string;
let otherMachine: string;

function attacher(dir = stateDir): Attacher {
  const cfnApi = cloudFormationStackOutputsApi(new CloudFormationClient({}));
  return new Attacher({
    functions: lambdaFunctionConfigApi(new LambdaClient({}), async () => undefined),
    policies: iamRolePolicyApi(new IAMClient({})),
    connections: apiGatewayConnectionStatusApi({ region: 'us-east-1', credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }) }),
    store: new AttachmentStore(dir),
    stack: () => loadHelperStack(cfnApi, DEFAULT_STACK_NAME),
  });
}

async function attached(name: string, target = TARGET, options: AttachOptions = {}, dir = stateDir): Promise<Extract<AttachResult, { status: 'attached' }>> {
  const result = await attacher(dir).attach(name, target, options);
  if (result.status !== 'attached') throw new Error(`not attached: ${result.status}`);
  return result;
}

const addFunction = (config: FunctionConfiguration) => aws.addFunction(config);
const current = (name: string) => aws.current(name);
/** The configuration without its revision (which every update changes). */
const settings = (name: string) => {
  const { RevisionId, ...rest } = current(name);
  void RevisionId;
  return rest;
};
const updates = () => aws.lambda.commandCalls(UpdateFunctionConfigurationCommand).length;
const policyOf = (role: string) => aws.policies.get(`${role}/${ATTACH_POLICY_NAME}`);

beforeAll(useDummyAwsEnvironment);

beforeEach(() => {
  aws.reset();
  stateDir = mkdtempSync(join(tmpdir(), 'plldb-state-'));
  otherMachine = mkdtempSync(join(tmpdir(), 'plldb-other-'));
});

afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(otherMachine, { recursive: true, force: true });
});

describe('attach', () => {
  it.each([
    ['nodejs22.x', 'x86_64', OUTPUTS[StackOutput.NodeLayerArn]],
    ['nodejs24.x', 'arm64', OUTPUTS[StackOutput.NodeLayerArn]],
    ['python3.12', 'x86_64', OUTPUTS[StackOutput.StandaloneLayerX8664Arn]],
    ['python3.13', 'arm64', OUTPUTS[StackOutput.StandaloneLayerArm64Arn]],
  ])('%s on %s gets layer %s, the wrapper, the debugger variables and its record; the role its policy and tag', async (runtime, arch, layer) => {
    addFunction(fn('f', { Runtime: runtime as Runtime, Architectures: [arch as 'x86_64'], Layers: [{ Arn: LAYER('deps', 1) }], Environment: { Variables: { KEEP: 'me' } } }));
    const result = await attached('f', TARGET, { timeout: 600 });
    expect(result.layerArn).toBe(layer);
    expect(result.timeout).toEqual({ before: 3, set: 600 });
    expect(current('f').Layers).toEqual([{ Arn: LAYER('deps', 1) }, { Arn: layer }]);
    expect(current('f').Timeout).toBe(600);
    const { [Env.Attachment]: record, ...variables } = current('f').Environment!.Variables!;
    expect(variables).toEqual({
      KEEP: 'me',
      [Env.ExecWrapper]: EXEC_WRAPPER_PATH,
      [Env.SessionId]: 'session-1',
      [Env.ConnectionId]: 'conn-1',
      [Env.WebSocketApiEndpoint]: OUTPUTS[StackOutput.WebSocketManagementEndpoint],
      [Env.DebuggerRoleArn]: OUTPUTS[StackOutput.DebuggerRoleArn],
      [Env.TableName]: 'PLLDBDebugger',
      [Env.AnswerSenderIds]: OUTPUTS[StackOutput.AnswerSenderIds],
    });
    expect(JSON.parse(record!)).toMatchObject({ sessionId: 'session-1', connectionId: 'conn-1', layerArn: layer, timeout: { before: 3, set: 600 }, addedEnv: expect.arrayContaining([Env.SessionId]) });
    expect(JSON.parse(policyOf('f-role')!)).toEqual(JSON.parse(assumeRolePolicy(OUTPUTS[StackOutput.DebuggerRoleArn]!)));
    expect(aws.roleTags('f-role')).toEqual({ [ATTACHED_ROLE_TAG.key]: ATTACHED_ROLE_TAG.value });
  });

  it.each([
    ['provided.al2023', /OS-only runtime provided\.al2023: Lambda ignores AWS_LAMBDA_EXEC_WRAPPER/],
    ['provided.al2', /OS-only runtime/],
    ['java21', /plldb debug runs handlers locally with Node\.js or Python only/],
    ['dotnet8', /Node\.js or Python only/],
    ['ruby3.4', /Node\.js or Python only/],
    ['python3.11', /Amazon Linux 2.*glibc 2\.28/],
    ['python3.9', /Amazon Linux 2/],
    ['nodejs18.x', /Amazon Linux 2/],
  ])('refuses runtime %s, saying why and what works, changing nothing', async (runtime, why) => {
    addFunction(fn('old', { Runtime: runtime as Runtime }));
    const err = await attacher().attach('old', TARGET).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(why);
    expect((err as CliError).hint).toMatch(/python3\.12 or later/);
    expect(updates()).toBe(0);
    expect(aws.iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it.each([
    ['Environment.Error', { Environment: { Error: { ErrorCode: 'AccessDeniedException', Message: 'Lambda was unable to decrypt the environment variables because KMS access was denied.' } } }, /Lambda reports AccessDeniedException: Lambda was unable to decrypt/],
    ['a KMS key and no Variables', { KMSKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k-1` }, /encrypted with KMS key arn:aws:kms:us-east-1:123456789012:key\/k-1 and Lambda returned none/],
  ])('refuses a function whose environment it cannot read (%s), changing nothing', async (_case, config, why) => {
    addFunction(fn('secret', config as Partial<FunctionConfiguration>));
    const err = (await attacher().attach('secret', TARGET).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toMatch(why);
    expect(err.message).toContain('nothing was changed');
    expect(err.hint).toMatch(/kms:Decrypt/);
    expect(updates()).toBe(0);
    expect(aws.policies.size + aws.tags.size).toBe(0);
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('re-reads and re-applies when a deploy lands between its read and its update (PreconditionFailedException)', async () => {
    addFunction(fn('f', { Environment: { Variables: { A: 'old' } }, Timeout: 10 }));
    let deploys = 0;
    aws.beforeUpdate = (name) => {
      if (deploys++ === 0) aws.deploy(name, { Environment: { Variables: { A: 'deployed', B: 'new' } }, Timeout: 20, Layers: [{ Arn: LAYER('deps', 2) }] });
    };
    await attached('f', TARGET, { timeout: 300 });
    expect(updates()).toBe(2);
    expect(current('f').Environment?.Variables).toMatchObject({ A: 'deployed', B: 'new', [Env.ConnectionId]: 'conn-1' });
    expect(current('f').Layers).toEqual([{ Arn: LAYER('deps', 2) }, { Arn: OUTPUTS[StackOutput.NodeLayerArn] }]);
    expect(readAttachment(current('f').Environment?.Variables)?.timeout).toEqual({ before: 20, set: 300 });
    await attacher().detach('f');
    expect(settings('f')).toEqual({ ...fn('f'), Environment: { Variables: { A: 'deployed', B: 'new' } }, Timeout: 20, Layers: [{ Arn: LAYER('deps', 2) }] });
  });

  it('gives up with a clear message when the function keeps changing', async () => {
    addFunction(fn('busy'));
    aws.beforeUpdate = (name) => aws.deploy(name, {});
    await expect(attacher().attach('busy', TARGET)).rejects.toThrow(/kept changing while plldb tried to update it \(5 attempts\)/);
  });

  it('refuses a function that already uses another exec wrapper', async () => {
    addFunction(fn('wrapped', { Environment: { Variables: { [Env.ExecWrapper]: '/opt/otel-instrument' } } }));
    await expect(attacher().attach('wrapped', TARGET)).rejects.toThrow(/already uses AWS_LAMBDA_EXEC_WRAPPER=\/opt\/otel-instrument/);
    expect(updates()).toBe(0);
  });

  it('refuses a function that already has five layers', async () => {
    addFunction(fn('full', { Layers: [1, 2, 3, 4, 5].map((i) => ({ Arn: LAYER(`l${i}`) })) }));
    await expect(attacher().attach('full', TARGET)).rejects.toThrow(/already has 5 layers/);
    expect(updates()).toBe(0);
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('refuses code and layers that cannot take PLLDB\'s layer under the 250 MB unzipped limit, explaining it', async () => {
    addFunction(fn('heavy', { Runtime: 'python3.12', CodeSize: 150 * 1024 * 1024, Layers: [{ Arn: LAYER('numpy', 1), CodeSize: 60 * 1024 * 1024 }] }));
    aws.layerSizes.set(OUTPUTS[StackOutput.StandaloneLayerX8664Arn]!, 45 * 1024 * 1024);
    const err = (await attacher().attach('heavy', TARGET).catch((e: unknown) => e)) as CliError;
    expect(err.message).toMatch(/at most 250 MB of function code and layers together, unzipped.*255\.0 MB zipped/);
    expect(updates()).toBe(0);
  });

  it('says what a function in a VPC needs', async () => {
    addFunction(fn('in-vpc', { VpcConfig: { VpcId: 'vpc-1', SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } }));
    const result = await attached('in-vpc');
    expect(result.notices).toEqual([expect.stringMatching(/in-vpc runs in VPC vpc-1: .*NAT gateway.*interface endpoints for STS and SQS.*private DNS.*403/)]);
  });

  it('accepts timeouts up to 5400 s only for functions on Lambda Managed Instances', async () => {
    addFunction(fn('lmi', { CapacityProviderConfig: { LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: 'arn:cp' } } }));
    addFunction(fn('std'));
    await attached('lmi', TARGET, { timeout: 5400 });
    expect(current('lmi').Timeout).toBe(5400);
    await expect(attacher().attach('std', TARGET, { timeout: 1000 })).rejects.toThrow(/more than Lambda allows for function std/);
    await expect(attacher().attach('std', TARGET, { timeout: 5401 })).rejects.toThrow(/is not valid/);
  });

  it('a default timeout only raises: 3 s becomes 900 s, a longer one is kept and not recorded', async () => {
    addFunction(fn('short', { Timeout: 3 }));
    addFunction(fn('long', { Timeout: 900 }));
    expect((await attached('short', TARGET, { timeout: 900, raiseOnly: true })).timeout).toEqual({ before: 3, set: 900 });
    expect((await attached('long', TARGET, { timeout: 900, raiseOnly: true })).timeout).toBeUndefined();
    expect(readAttachment(current('long').Environment?.Variables)?.timeout).toBeUndefined();
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
    expect(updates()).toBe(1);
  });

  it('says how to deploy the stack when it is not there', async () => {
    addFunction(fn('f'));
    aws.cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error(`Stack with id ${DEFAULT_STACK_NAME} does not exist`), { name: 'ValidationError' }));
    const err = (await attacher().attach('f', TARGET).catch((e: unknown) => e)) as CliError;
    expect(err.message).toContain(`helper stack ${DEFAULT_STACK_NAME} is not deployed`);
    expect(err.hint).toContain('plldb deploy');
  });

  it('re-attaching in the same session changes the connection and keeps the timeout before attach and the attach time', async () => {
    addFunction(fn('f', { Layers: [{ Arn: LAYER('deps', 1) }], Timeout: 10 }));
    const first = await attached('f', TARGET, { timeout: 300 });
    const before = readAttachment(current('f').Environment?.Variables)!;
    const second = await attached('f', { sessionId: 'session-1', connectionId: 'conn-9' }, { timeout: 300 });
    expect([first.firstAttach, second.firstAttach]).toEqual([true, false]);
    expect(current('f').Layers).toEqual([{ Arn: LAYER('deps', 1) }, { Arn: OUTPUTS[StackOutput.NodeLayerArn] }]);
    expect(current('f').Environment?.Variables?.[Env.ConnectionId]).toBe('conn-9');
    expect(readAttachment(current('f').Environment?.Variables)).toMatchObject({ connectionId: 'conn-9', attachedAt: before.attachedAt, timeout: { before: 10, set: 300 } });
  });
});

describe('one owner per function', () => {
  it('refuses a function another session holds with an open connection, naming it and when it attached', async () => {
    addFunction(fn('f'));
    aws.connected.set('conn-2', new Date());
    await attached('f', OTHER, {}, otherMachine);
    const at = readAttachment(current('f').Environment?.Variables)!.attachedAt;
    const err = (await attacher().attach('f', TARGET).catch((e: unknown) => e)) as CliError;
    expect(err.message).toBe(`function f is attached to session session-2 (connection conn-2, attached ${at}), still connected`);
    expect(err.hint).toMatch(/--takeover/);
    expect(current('f').Environment?.Variables?.[Env.SessionId]).toBe('session-2');
  });

  it('--takeover replaces a live session; that session then neither re-attaches nor detaches the function', async () => {
    addFunction(fn('f', { Timeout: 5 }));
    aws.connected.set('conn-2', new Date());
    await attached('f', OTHER, { timeout: 60 }, otherMachine);
    const result = await attached('f', TARGET, { takeover: true, timeout: 120 });
    expect(result.notices).toEqual([expect.stringMatching(/^took over f from session session-2 .*that session stops serving it$/)]);
    expect(readAttachment(current('f').Environment?.Variables)).toMatchObject({ sessionId: 'session-1', timeout: { before: 5, set: 120 } });
    await expect(attacher(otherMachine).attach('f', { ...OTHER, connectionId: 'conn-3' }, { resume: true })).resolves.toMatchObject({ status: 'lost', owner: { sessionId: 'session-1' } });
    await expect(attacher(otherMachine).detach('f', { sessionId: 'session-2' })).resolves.toMatchObject({ status: 'not-ours', owner: { sessionId: 'session-1' } });
    expect(current('f').Environment?.Variables?.[Env.SessionId]).toBe('session-1');
    await attacher().detach('f', { sessionId: 'session-1' });
    expect(settings('f')).toEqual({ ...fn('f'), Timeout: 5, Environment: undefined });
  });

  it('takes over an attachment whose connection is closed, with a notice', async () => {
    addFunction(fn('f'));
    await attached('f', OTHER, {}, otherMachine);
    const result = await attached('f', TARGET);
    expect(result.notices).toEqual([expect.stringMatching(/^took over f from session session-2 \(connection conn-2, attached .*\): that connection is closed$/)]);
  });
});

describe('detach', () => {
  it('removes exactly what attach added; a second detach changes nothing', async () => {
    const original = fn('f', { Layers: [{ Arn: LAYER('deps', 1) }], Environment: { Variables: { A: '1', B: '2' } }, Timeout: 42 });
    addFunction(original);
    await attached('f', TARGET, { timeout: 900 });
    await attached('f', { ...TARGET, connectionId: 'conn-9' }, { timeout: 900 });
    await expect(attacher().detach('f')).resolves.toEqual({ status: 'restored', functionName: 'f', kept: [] });
    const { RevisionId, ...withoutRevision } = original;
    void RevisionId;
    expect(settings('f')).toEqual(withoutRevision);
    expect(aws.policies.size + aws.tags.size).toBe(0);
    const before = updates();
    await expect(attacher().detach('f')).resolves.toEqual({ status: 'not-attached', functionName: 'f' });
    expect(updates()).toBe(before);
  });

  it('keeps what a deploy changed during the session (environment kept) and says what it kept', async () => {
    addFunction(fn('f', { Environment: { Variables: { A: '1' } }, Timeout: 10 }));
    await attached('f', TARGET, { timeout: 300 });
    const env = current('f').Environment!.Variables!;
    aws.deploy('f', { Environment: { Variables: { ...env, A: '2', NEW: 'x' } }, Timeout: 30 });
    const result = await attacher().detach('f');
    expect(result).toEqual({ status: 'restored', functionName: 'f', kept: ['timeout 30 s (PLLDB had set 300 s)', 'the environment as changed since attach'] });
    expect(settings('f')).toEqual({ ...fn('f'), Environment: { Variables: { A: '2', NEW: 'x' } }, Timeout: 30 });
  });

  it('after a deploy that wiped the environment, still removes PLLDB\'s layer and timeout (from this machine\'s copy)', async () => {
    addFunction(fn('f', { Environment: { Variables: { A: '1' } }, Timeout: 10 }));
    await attached('f', TARGET, { timeout: 300 });
    aws.deploy('f', { Environment: { Variables: { A: 'deployed' } } });
    const result = await attacher().detach('f');
    expect(result).toEqual({ status: 'restored', functionName: 'f', kept: ['the environment as changed since attach'] });
    expect(settings('f')).toEqual({ ...fn('f'), Environment: { Variables: { A: 'deployed' } }, Timeout: 10, Layers: [] });
    expect(aws.policies.size + aws.tags.size).toBe(0);
  });

  it('retries a detach whose update races a deploy, keeping the deploy', async () => {
    addFunction(fn('f', { Environment: { Variables: { A: '1' } } }));
    await attached('f', TARGET, { timeout: 60 });
    let deploys = 0;
    aws.beforeUpdate = (name) => {
      if (deploys++ === 0) aws.deploy(name, { Environment: { Variables: { ...current(name).Environment!.Variables!, A: 'raced' } } });
    };
    await attacher().detach('f');
    expect(settings('f')).toEqual({ ...fn('f'), Environment: { Variables: { A: 'raced' } }, Timeout: 3 });
  });

  it('refuses to detach a function whose environment became unreadable, changing nothing', async () => {
    addFunction(fn('f', { Environment: { Variables: { A: '1' } } }));
    await attached('f');
    const before = updates();
    aws.deploy('f', { Environment: { Error: { ErrorCode: 'KMSAccessDeniedException', Message: 'denied' } } });
    await expect(attacher().detach('f')).rejects.toThrow(/cannot detach function f: its environment variables cannot be read/);
    expect(updates()).toBe(before);
    expect(policyOf('f-role')).toBeDefined();
  });

  it.each([
    ['attach order', ['a', 'b']],
    ['reverse order', ['b', 'a']],
  ])('two machines sharing a role, stopped in %s: the role keeps its policy and tag until the last, each function its own timeout', async (_order, stopOrder) => {
    const role = `arn:aws:iam::${ACCOUNT}:role/shared`;
    addFunction(fn('a', { Role: role, Timeout: 10 }));
    addFunction(fn('b', { Role: role, Runtime: 'python3.12', Timeout: 20 }));
    const machines: Record<string, string> = { a: stateDir, b: otherMachine };
    await attached('a', TARGET, { timeout: 30 }, machines.a);
    await attached('b', OTHER, { timeout: 40 }, machines.b);
    const [first, last] = stopOrder as [string, string];
    await attacher(machines[first]).detach(first);
    expect(policyOf('shared')).toBeDefined();
    expect(aws.roleTags('shared')).toEqual({ [ATTACHED_ROLE_TAG.key]: 'true' });
    await attacher(machines[last]).detach(last);
    expect(policyOf('shared')).toBeUndefined();
    expect(aws.roleTags('shared')).toEqual({});
    expect([current('a').Timeout, current('b').Timeout]).toEqual([10, 20]);
    expect([current('a').Environment, current('b').Environment]).toEqual([undefined, undefined]);
  });

  it('works from another machine with no local state, restoring the timeout before attach (never PLLDB\'s own)', async () => {
    addFunction(fn('f', { Timeout: 3 }));
    await attached('f', TARGET, { timeout: 300 }, otherMachine);
    await attached('f', { ...TARGET, connectionId: 'conn-9' }, { timeout: 300 }, otherMachine);
    await attacher().detach('f');
    expect(settings('f')).toEqual({ ...fn('f'), Environment: undefined, Timeout: 3 });
    expect(aws.policies.size + aws.tags.size).toBe(0);
  });

  it('cleans up after a crash: a fresh process finds the local copy (also when the attach died before its update)', async () => {
    addFunction(fn('f', { Environment: { Variables: { A: '1' } }, Timeout: 5 }));
    addFunction(fn('g', { Timeout: 7 }));
    await attached('f', TARGET, { timeout: 900 });
    aws.updateFault = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    await expect(attacher().attach('g', TARGET)).rejects.toThrow('socket hang up');
    aws.updateFault = undefined;
    const restarted = attacher(stateDir);
    expect(restarted.localAttachments().map((s) => s.functionName).sort()).toEqual(['f', 'g']);
    await restarted.detach('f');
    await expect(restarted.detach('g')).resolves.toMatchObject({ status: 'not-attached' });
    expect(settings('f')).toEqual({ ...fn('f'), Environment: { Variables: { A: '1' } }, Timeout: 5 });
    expect(settings('g')).toEqual({ ...fn('g'), Timeout: 7 });
    expect(aws.policies.size + aws.tags.size).toBe(0);
    expect(restarted.localAttachments()).toEqual([]);
  });

  it('drops the local copy of a function deleted since', async () => {
    addFunction(fn('f'));
    await attached('f');
    aws.functions.delete('f');
    await expect(attacher().detach('f')).resolves.toEqual({ status: 'gone', functionName: 'f' });
    expect(attacher().localAttachments()).toEqual([]);
    expect(aws.policies.size).toBe(0);
  });

  it('takes PLLDB out of a function attached before attachments carried a record', async () => {
    addFunction(
      fn('legacy', {
        Timeout: 3,
        Layers: [{ Arn: LAYER('deps', 1) }, { Arn: OUTPUTS[StackOutput.NodeLayerArn]! }],
        Environment: { Variables: { A: '1', [Env.ExecWrapper]: EXEC_WRAPPER_PATH, [Env.SessionId]: 's', [Env.ConnectionId]: 'c', [Env.TableName]: 't' } },
      }),
    );
    await attacher().detach('legacy');
    expect(settings('legacy')).toMatchObject({ Layers: [{ Arn: LAYER('deps', 1) }], Environment: { Variables: { A: '1' } }, Timeout: 3 });
  });
});
