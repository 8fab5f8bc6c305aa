import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type CloudFormationClient,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { createHash } from 'node:crypto';
import { CliError, explainAwsError } from '../errors.js';
import type { StackPackage } from '../package/stack-package.js';
import type { AssetBucket } from './asset-bucket.js';

/** CreateChangeSet's TemplateBody limit (51,200 bytes); a larger template goes through the bucket (TemplateURL). */
const TEMPLATE_BODY_LIMIT = 51_200;

export interface DeployDeps {
  cloudFormation: CloudFormationClient;
  bucket: AssetBucket;
  /** The zip of one asset of the package (a standalone layer fetches its Node.js first). */
  assetZip(asset: StackPackage['assets'][number]): Promise<Buffer>;
  info(line: string): void;
  /** Between two polls of CloudFormation. */
  pollMs?: number;
  now?: () => number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads a stack; undefined when it does not exist (or only as DELETE_COMPLETE). */
export async function describeStack(cloudFormation: CloudFormationClient, stackName: string): Promise<Stack | undefined> {
  try {
    const stack = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    return stack?.StackStatus === 'DELETE_COMPLETE' ? undefined : stack;
  } catch (err) {
    if ((err as Error).name === 'ValidationError' && /does not exist/.test((err as Error).message)) return undefined;
    throw explainAwsError(err, `read stack ${stackName}`);
  }
}

/** A stack state deploy cannot start from, with what to do. */
function refuseState(stackName: string, status: string): CliError | undefined {
  if (status === 'ROLLBACK_COMPLETE') {
    return new CliError(`stack ${stackName} is in ROLLBACK_COMPLETE: its first deployment failed and CloudFormation cannot update it`, `remove it with plldb destroy --stack ${stackName}, then run plldb deploy again (the stack's events in the CloudFormation console say why it failed)`);
  }
  if (status.endsWith('_IN_PROGRESS')) return new CliError(`stack ${stackName} is busy (${status})`, 'wait until the operation in progress ends, then run plldb deploy again');
  if (status.endsWith('_FAILED')) return new CliError(`stack ${stackName} is in ${status}`, 'fix it in the CloudFormation console (continue the rollback, or delete the stack with plldb destroy), then deploy again');
  return undefined;
}

function outputsOf(stack: Stack | undefined): Record<string, string> {
  return Object.fromEntries((stack?.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [])));
}

/** The first failure reason among the stack's recent events (newest first), for the error message. */
async function failureReason(cloudFormation: CloudFormationClient, stackName: string): Promise<string | undefined> {
  const events = await cloudFormation.send(new DescribeStackEventsCommand({ StackName: stackName })).catch(() => undefined);
  const failed = (events?.StackEvents ?? []).filter((e) => e.ResourceStatus?.endsWith('_FAILED') && e.ResourceStatusReason);
  const first = failed.at(-1) ?? failed[0];
  return first ? `${first.LogicalResourceId ?? ''}: ${first.ResourceStatusReason ?? ''}` : undefined;
}

/** Polls the stack until its status leaves *_IN_PROGRESS, printing each new status. */
async function waitForStack(deps: Pick<DeployDeps, 'cloudFormation' | 'info' | 'pollMs'>, stackName: string): Promise<Stack | undefined> {
  let last = '';
  for (;;) {
    const stack = await describeStack(deps.cloudFormation, stackName);
    const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
    if (status !== last) deps.info(`${stackName}: ${status}`);
    last = status;
    if (!status.endsWith('_IN_PROGRESS')) return stack;
    await sleep(deps.pollMs ?? 5000);
  }
}

/**
 * Creates or updates the helper stack from the packaged template: uploads the assets the bootstrap
 * bucket lacks, creates a change set, executes it, waits, and returns the stack's outputs.
 */
export async function deployStack(pkg: StackPackage, stackName: string, deps: DeployDeps): Promise<Record<string, string>> {
  const { cloudFormation, bucket, info } = deps;
  const existing = await describeStack(cloudFormation, stackName);
  const refusal = existing?.StackStatus ? refuseState(stackName, existing.StackStatus) : undefined;
  if (refusal) throw refusal;
  await bucket.check();
  for (const asset of pkg.assets) {
    if (await bucket.has(asset.objectKey)) continue;
    info(`uploading ${asset.nodeArch ? `standalone layer (${asset.nodeArch})` : asset.folder} to s3://${bucket.name}/${asset.objectKey}`);
    await bucket.put(asset.objectKey, await deps.assetZip(asset));
  }
  const template: { TemplateBody: string } | { TemplateURL: string } =
    Buffer.byteLength(pkg.template) <= TEMPLATE_BODY_LIMIT ? { TemplateBody: pkg.template } : await uploadTemplate(pkg.template, bucket);
  const changeSetName = `plldb-deploy-${(deps.now ?? Date.now)()}`;
  const changeSetType = existing ? 'UPDATE' : 'CREATE';
  try {
    await cloudFormation.send(
      new CreateChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName, ChangeSetType: changeSetType, ...template, Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] }),
    );
  } catch (err) {
    throw explainAwsError(err, `create a change set for stack ${stackName}`);
  }
  for (;;) {
    const changeSet = await cloudFormation.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }));
    if (changeSet.Status === 'CREATE_COMPLETE') break;
    if (changeSet.Status === 'FAILED') {
      const reason = changeSet.StatusReason ?? '';
      await cloudFormation.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName })).catch(() => undefined);
      if (/didn't contain changes|No updates are to be performed/i.test(reason)) {
        info(`${stackName} is up to date`);
        return outputsOf(await describeStack(cloudFormation, stackName));
      }
      if (/cdk-bootstrap/.test(reason)) throw new CliError(`the CDK bootstrap version parameter is missing or too old (${reason})`, 'run npx aws-cdk@2 bootstrap in this account and region, then deploy again');
      throw new CliError(`CloudFormation refused the change set: ${reason}`);
    }
    await sleep(deps.pollMs ?? 2000);
  }
  await cloudFormation.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }));
  const stack = await waitForStack(deps, stackName);
  const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
  if (!/^(CREATE|UPDATE)_COMPLETE$/.test(status)) {
    const reason = await failureReason(cloudFormation, stackName);
    throw new CliError(`deploying ${stackName} failed (${status})${reason ? `: ${reason}` : ''}`, status === 'ROLLBACK_COMPLETE' ? `run plldb destroy --stack ${stackName}, fix the cause, and deploy again` : 'fix the cause shown above and run plldb deploy again');
  }
  return outputsOf(stack);
}

async function uploadTemplate(template: string, bucket: AssetBucket): Promise<{ TemplateURL: string }> {
  const key = `${createHash('sha256').update(template).digest('hex')}.json`;
  await bucket.put(key, Buffer.from(template));
  return { TemplateURL: bucket.url(key) };
}

/** Deletes the stack and waits until it is gone. False when there was no stack. */
export async function destroyStack(stackName: string, deps: Pick<DeployDeps, 'cloudFormation' | 'info' | 'pollMs'>): Promise<boolean> {
  const existing = await describeStack(deps.cloudFormation, stackName);
  if (!existing) return false;
  if (existing.StackStatus?.endsWith('_IN_PROGRESS') && existing.StackStatus !== 'DELETE_IN_PROGRESS') {
    throw new CliError(`stack ${stackName} is busy (${existing.StackStatus})`, 'wait until the operation in progress ends, then run plldb destroy again');
  }
  try {
    await deps.cloudFormation.send(new DeleteStackCommand({ StackName: stackName }));
  } catch (err) {
    throw explainAwsError(err, `delete stack ${stackName}`);
  }
  const stack = await waitForStack(deps, stackName);
  if (stack) {
    const reason = await failureReason(deps.cloudFormation, stackName);
    throw new CliError(`deleting ${stackName} failed (${stack.StackStatus ?? ''})${reason ? `: ${reason}` : ''}`, 'fix the cause shown above (for example a resource changed by hand) and run plldb destroy again');
  }
  return true;
}
