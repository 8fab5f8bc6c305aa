import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Command, Option } from 'commander';
import { DEFAULT_STACK_NAME } from '../../../protocol/index.js';
import { Attacher } from '../attach/attacher.js';
import { AttachmentStore } from '../attach/state-store.js';
import { apiGatewayConnectionStatusApi } from '../aws/connection-status-api.js';
import { lambdaFunctionConfigApi } from '../aws/function-config-api.js';
import { clientConfig, credentialProvider, type AwsOptions } from '../aws/options.js';
import { dynamoSessionDirectory } from '../aws/session-directory.js';
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

/**
 * The SDK clients and the credentials that sign outside them (the WebSocket URL), all from one
 * resolution of the user's default credential chain, honouring AWS_ENDPOINT_URL_*.
 */
export function awsClients(options: AwsOptions) {
  const credentials = credentialProvider(options);
  const config = { ...clientConfig(options), credentials };
  return {
    credentials,
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
    cloudFormation: new CloudFormationClient(config),
    dynamo: new DynamoDBClient(config),
    connections: apiGatewayConnectionStatusApi({ ...clientConfig(options), credentials }),
  };
}

export type AwsClients = ReturnType<typeof awsClients>;

/** The region the clients resolved (option, environment or profile). */
export async function resolvedRegion(lambda: LambdaClient): Promise<string> {
  try {
    return await lambda.config.region();
  } catch (err) {
    throw explainAwsError(err, 'find the AWS region');
  }
}

/** An Attacher over real AWS (the given clients, or new ones); the helper stack is read once, and only when needed. */
export function makeAttacher(options: StackOptions, stack?: HelperStack, clients: Omit<AwsClients, 'credentials'> = awsClients(options)): Attacher {
  let loading: Promise<HelperStack> | undefined = stack ? Promise.resolve(stack) : undefined;
  return new Attacher({
    functions: lambdaFunctionConfigApi(clients.lambda),
    policies: iamRolePolicyApi(clients.iam),
    connections: clients.connections,
    sessions: dynamoSessionDirectory(clients.dynamo),
    store: new AttachmentStore(),
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
