import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Command, Option } from 'commander';
import { DEFAULT_STACK_NAME } from '../../../protocol/index.js';
import { Attacher } from '../attach/attacher.js';
import { AttachmentStore } from '../attach/state-store.js';
import { lambdaFunctionConfigApi } from '../aws/function-config-api.js';
import { clientConfig, type AwsOptions } from '../aws/options.js';
import { iamRolePolicyApi } from '../aws/role-policy-api.js';
import { cloudFormationStackOutputsApi, loadHelperStack, type HelperStack } from '../aws/stack-outputs.js';
import { describeError, explainAwsError } from '../errors.js';

export interface StackOptions extends AwsOptions {
  stack: string;
}

export const info = (line: string): void => void process.stdout.write(`${line}\n`);
export const warn = (line: string): void => void process.stderr.write(`${line}\n`);

/** Repeatable option values: `--function a --function b`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** --stack, --region, --profile. */
export function addAwsOptions(command: Command): Command {
  return command
    .addOption(new Option('--stack <name>', 'name of the deployed PLLDB helper stack').default(DEFAULT_STACK_NAME))
    .addOption(new Option('--region <region>', 'AWS region (default: AWS_REGION or your profile\'s region)'))
    .addOption(new Option('--profile <profile>', 'AWS profile from your shared config (default: AWS_PROFILE or default)'));
}

/** The SDK clients, all from the user's default credential chain and honouring AWS_ENDPOINT_URL_*. */
export function awsClients(options: AwsOptions) {
  const config = clientConfig(options);
  return { lambda: new LambdaClient(config), iam: new IAMClient(config), cloudFormation: new CloudFormationClient(config), dynamo: new DynamoDBClient(config) };
}

/** The region the clients resolved (option, environment or profile). */
export async function resolvedRegion(lambda: LambdaClient): Promise<string> {
  try {
    return await lambda.config.region();
  } catch (err) {
    throw explainAwsError(err, 'find the AWS region');
  }
}

/** An Attacher over real AWS; the helper stack is read once, and only when needed. */
export function makeAttacher(options: StackOptions, stack?: HelperStack, store: AttachmentStore = new AttachmentStore()): Attacher {
  const clients = awsClients(options);
  let loading: Promise<HelperStack> | undefined = stack ? Promise.resolve(stack) : undefined;
  return new Attacher({
    functions: lambdaFunctionConfigApi(clients.lambda),
    policies: iamRolePolicyApi(clients.iam),
    store,
    stack: () => (loading ??= loadHelperStack(cloudFormationStackOutputsApi(clients.cloudFormation), options.stack)),
  });
}

/** Runs a command's action; an error is printed with what to do, and the exit code is 1. */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (err) {
      warn(describeError(err));
      process.exitCode = 1;
    }
  };
}
