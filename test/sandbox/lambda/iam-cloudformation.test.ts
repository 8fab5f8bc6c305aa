import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand, paginateListStackResources } from '@aws-sdk/client-cloudformation';
import { DeleteRolePolicyCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand, ListRoleTagsCommand, NoSuchEntityException, PutRolePolicyCommand, TagRoleCommand, UntagRoleCommand } from '@aws-sdk/client-iam';
import { ATTACH_POLICY_NAME, DEFAULT_ROLE_NAME, StackOutput } from '../../../protocol/index.js';
import { SANDBOX_REGION, SANDBOX_STACK_NAME } from '../../../sandbox/constants.js';
import { ControlPlaneServer } from '../../../sandbox/control-plane/index.js';
import { FunctionHost } from '../../../sandbox/lambda/index.js';
import { writeHandlers } from './support.js';

describe('IAM and CloudFormation control plane (real SDK clients)', () => {
  const dirs = writeHandlers();
  const host = new FunctionHost();
  const outputs = { [StackOutput.DebuggerRoleArn]: `arn:aws:iam::123456789012:role/${DEFAULT_ROLE_NAME}`, [StackOutput.TableName]: 'PLLDBDebugger' };
  const plane = new ControlPlaneServer({ functions: host, roles: [DEFAULT_ROLE_NAME], stacks: [{ stackName: SANDBOX_STACK_NAME, outputs }] });
  const clientConfig = () => ({ endpoint: plane.endpoint, region: SANDBOX_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  let iam: IAMClient;
  let cfn: CloudFormationClient;

  beforeAll(async () => {
    await plane.start();
    iam = new IAMClient(clientConfig());
    cfn = new CloudFormationClient(clientConfig());
    host.createFunction({ name: 'app-fn', runtime: 'nodejs22.x', handler: 'index.handler', codeDir: dirs.nodeDir, role: 'arn:aws:iam::123456789012:role/service-role/app-fn-role' });
  });

  afterAll(async () => {
    iam.destroy();
    cfn.destroy();
    await plane.stop();
    await host.stop();
    dirs.cleanup();
  });

  it("round-trips an inline policy on a function's execution role: put, get (URL-encoded), list, delete", async () => {
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: outputs[StackOutput.DebuggerRoleArn] }] });
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app-fn-role', PolicyName: ATTACH_POLICY_NAME, PolicyDocument: document }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'app-fn-role', PolicyName: ATTACH_POLICY_NAME }));
    expect(got).toMatchObject({ RoleName: 'app-fn-role', PolicyName: ATTACH_POLICY_NAME });
    expect(got.PolicyDocument).not.toContain('{');
    expect(decodeURIComponent(got.PolicyDocument ?? '')).toBe(document);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'app-fn-role' }))).PolicyNames).toEqual([ATTACH_POLICY_NAME]);
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'app-fn-role', PolicyName: ATTACH_POLICY_NAME }));
    const error = await iam.send(new GetRolePolicyCommand({ RoleName: 'app-fn-role', PolicyName: ATTACH_POLICY_NAME })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect((error as Error).message).toBe(`The role policy with name ${ATTACH_POLICY_NAME} cannot be found.`);
    expect(plane.iam.rolePolicy('app-fn-role', ATTACH_POLICY_NAME)).toBeUndefined();
  });

  it('tags and untags a role (TagRole, ListRoleTags, UntagRole)', async () => {
    await iam.send(new TagRoleCommand({ RoleName: 'app-fn-role', Tags: [{ Key: 'plldb:attached', Value: 'true' }, { Key: 'team', Value: 'a' }] }));
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'app-fn-role' }))).Tags).toEqual([{ Key: 'plldb:attached', Value: 'true' }, { Key: 'team', Value: 'a' }]);
    await iam.send(new UntagRoleCommand({ RoleName: 'app-fn-role', TagKeys: ['plldb:attached'] }));
    expect(plane.iam.roleTags('app-fn-role')).toEqual({ team: 'a' });
    expect((await iam.send(new TagRoleCommand({ RoleName: 'ghost', Tags: [{ Key: 'k', Value: 'v' }] })).catch((e: unknown) => e)) as Error).toBeInstanceOf(NoSuchEntityException);
  });

  it('answers NoSuchEntity for an unknown role and MalformedPolicyDocument for a broken document', async () => {
    const noRole = await iam.send(new PutRolePolicyCommand({ RoleName: 'ghost', PolicyName: 'p', PolicyDocument: '{"Statement":[]}' })).catch((e: unknown) => e);
    expect(noRole).toBeInstanceOf(NoSuchEntityException);
    expect((noRole as Error).message).toBe('The role with name ghost cannot be found.');
    const malformed = (await iam.send(new PutRolePolicyCommand({ RoleName: DEFAULT_ROLE_NAME, PolicyName: 'p', PolicyDocument: '{not json' })).catch((e: unknown) => e)) as Error;
    expect(malformed.name).toBe('MalformedPolicyDocumentException');
  });

  it("returns the stack's outputs from DescribeStacks", async () => {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: SANDBOX_STACK_NAME }));
    expect(Stacks).toHaveLength(1);
    expect(Stacks?.[0]).toMatchObject({ StackName: SANDBOX_STACK_NAME, StackStatus: 'CREATE_COMPLETE' });
    expect(Stacks?.[0]?.CreationTime).toBeInstanceOf(Date);
    const found = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    expect(found).toEqual(outputs);
  });

  it('answers ValidationError for a stack that does not exist, and sees outputs set later', async () => {
    const error = (await cfn.send(new DescribeStacksCommand({ StackName: 'Nope' })).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('Stack with id Nope does not exist');
    plane.cloudFormation.setStack({ stackName: 'Nope', outputs: { [StackOutput.QueuePrefix]: 'plldb-' } });
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: 'Nope' }));
    expect(Stacks?.[0]?.Outputs).toEqual([{ OutputKey: StackOutput.QueuePrefix, OutputValue: 'plldb-' }]);
  });

  it("lists a stack's resources (ListStackResources), paged by NextToken; an unknown stack is a ValidationError", async () => {
    const resources = Array.from({ length: 150 }, (_, i) => ({ logicalId: `Fn${i}`, physicalId: `app-Fn${i}-X`, type: 'AWS::Lambda::Function' }));
    plane.cloudFormation.setStack({ stackName: 'App', outputs: {}, resources });
    const first = await cfn.send(new ListStackResourcesCommand({ StackName: 'App' }));
    expect(first.StackResourceSummaries?.[0]).toEqual({ LogicalResourceId: 'Fn0', PhysicalResourceId: 'app-Fn0-X', ResourceType: 'AWS::Lambda::Function', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: expect.any(Date) });
    expect(first.NextToken).toBeDefined();
    const all = [];
    for await (const page of paginateListStackResources({ client: cfn }, { StackName: 'App' })) all.push(...(page.StackResourceSummaries ?? []));
    expect(all.map((r) => r.PhysicalResourceId)).toEqual(resources.map((r) => r.physicalId));
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: 'App' }));
    expect((await cfn.send(new ListStackResourcesCommand({ StackName: Stacks?.[0]?.StackId }))).StackResourceSummaries).toHaveLength(100);
    const error = (await cfn.send(new ListStackResourcesCommand({ StackName: 'Ghost' })).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('Stack with id Ghost does not exist');
  });
});
