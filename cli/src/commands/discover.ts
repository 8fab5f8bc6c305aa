import { Command, Option } from 'commander';
import { cloudFormationDeployedFunctions } from '../discover/deployed-names.js';
import { discoverFunctions } from '../discover/discover.js';
import type { DiscoveredFunction } from '../discover/types.js';
import { action, awsClients, info } from './common.js';
import type { AwsOptions } from '../aws/options.js';

export interface DiscoverCommandOptions extends AwsOptions {
  app: string;
  json?: boolean;
  stack?: string;
  aws: boolean;
}

export function discoverCommand(): Command {
  return new Command('discover')
    .summary('list the Lambda functions of your project and their sources')
    .description(
      'Read the infrastructure-as-code project in --app (an AWS CDK app: cdk.json, synthesized without bundling; an AWS SAM template.yaml; a plldb.config.json that adds or overrides mappings) and map each Lambda function to the local file and export of its handler. With AWS credentials, the deployed name of each function is read from its stack.',
    )
    .addOption(new Option('--app <dir>', 'the project folder').default('.', 'the current folder'))
    .addOption(new Option('--json', 'print a JSON array: logicalId, runtime, handler, source, export, functionName, problem'))
    .addOption(new Option('--stack <name>', 'the deployed stack, when the project does not name it (SAM without samconfig.toml, a config file alone)'))
    .addOption(new Option('--no-aws', 'do not look up deployed function names'))
    .addOption(new Option('--region <region>', 'AWS region (default: AWS_REGION or your profile\'s region)'))
    .addOption(new Option('--profile <profile>', 'AWS profile from your shared config'))
    .action(action((opts: DiscoverCommandOptions) => runDiscover(opts)));
}

/** One line per function: where its handler is, and its deployed name or why it cannot be debugged. */
export function describeFunction(fn: DiscoveredFunction): string {
  const where = fn.problem ? `cannot be mapped: ${fn.problem}` : `${fn.source ?? ''}#${fn.export ?? ''}`;
  const deployed = fn.functionName ? ` -> ${fn.functionName}` : fn.notDeployed ? ` (not deployed: ${fn.notDeployed})` : '';
  return `${fn.logicalId}  ${fn.runtime ?? '?'}  ${where}${deployed}`;
}

export async function runDiscover(opts: DiscoverCommandOptions): Promise<void> {
  const { kind, functions } = await discoverFunctions(opts.app, {
    ...(opts.stack ? { stack: opts.stack } : {}),
    ...(opts.aws ? { deployed: cloudFormationDeployedFunctions(awsClients(opts).cloudFormation) } : {}),
  });
  if (opts.json) {
    info(JSON.stringify(functions, null, 2));
    return;
  }
  info(`${kind}: ${functions.length} function${functions.length === 1 ? '' : 's'}`);
  for (const fn of functions) info(`  ${describeFunction(fn)}`);
}
