import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { PACKAGE_ROOT } from '../../../sandbox/package-root.js';
import { clientConfig } from '../aws/options.js';
import { bootstrapBucketName, s3AssetBucket } from '../deploy/asset-bucket.js';
import { packageAssetZips } from '../deploy/asset-zips.js';
import { deployStack } from '../deploy/deployer.js';
import { explainAwsError } from '../errors.js';
import { loadStackPackage } from '../package/stack-package.js';
import { action, addAwsOptions, awsClients, info, resolvedRegion, type StackOptions } from './common.js';

export interface DeployOptions extends StackOptions {
  dryRun?: boolean;
  out: string;
}

export function deployCommand(): Command {
  const command = new Command('deploy')
    .summary('deploy or update the PLLDB helper stack')
    .description(
      'Deploy (or update) the helper stack from the template shipped in this package: upload its Lambda code and layers to the CDK bootstrap bucket (standalone layers fetch their pinned Node.js from the npm registry the first time), create and execute a CloudFormation change set, wait, and print the stack\'s outputs. Needs an account and region bootstrapped for CDK (npx aws-cdk@2 bootstrap). --dry-run --out DIR writes the exact template instead, with no AWS call. The template\'s table, role and WebSocket API have fixed names (PLLDBDebugger, PLLDBDebuggerRole, PLLDBWebSocket): one helper stack per account and region, and --stack names only the CloudFormation stack (a second, prefixed stack deploys from a clone: npx cdk deploy -c prefix=Dev).',
    )
    .addOption(new Option('--dry-run', 'write the template and the asset list to --out instead of deploying (no credentials needed)'))
    .addOption(new Option('--out <dir>', 'folder --dry-run writes to').default('plldb-stack'));
  return addAwsOptions(command).action(action((opts: DeployOptions) => runDeploy(opts)));
}

export async function runDeploy(opts: DeployOptions, root: string = PACKAGE_ROOT): Promise<void> {
  const pkg = loadStackPackage(root);
  if (opts.dryRun) {
    const out = resolve(opts.out);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, `${opts.stack}.template.json`), pkg.template);
    writeFileSync(join(out, `${opts.stack}.assets.json`), `${JSON.stringify(pkg.assets, null, 2)}\n`);
    info(`wrote ${join(out, `${opts.stack}.template.json`)} (the template plldb deploy would deploy as stack ${opts.stack}) and ${opts.stack}.assets.json (the ${pkg.assets.length} zips it would upload to the CDK bootstrap bucket)`);
    return;
  }
  const clients = awsClients(opts);
  const region = await resolvedRegion(clients.lambda);
  const sts = new STSClient({ ...clientConfig(opts), credentials: clients.credentials });
  const account = await sts
    .send(new GetCallerIdentityCommand({}))
    .then((id) => id.Account ?? '')
    .catch((err: unknown) => {
      throw explainAwsError(err, 'find your AWS account (sts:GetCallerIdentity)');
    });
  const bucket = s3AssetBucket({
    bucket: bootstrapBucketName(account, region),
    account,
    region,
    credentials: clients.credentials,
    ...(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL ? { endpoint: (process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) as string } : {}),
  });
  info(`deploying stack ${opts.stack} to account ${account}, ${region}`);
  const outputs = await deployStack(pkg, opts.stack, { cloudFormation: clients.cloudFormation, bucket, assetZip: packageAssetZips(root), info });
  info(`stack ${opts.stack} is deployed; outputs:`);
  for (const [key, value] of Object.entries(outputs)) info(`  ${key} = ${value}`);
}
