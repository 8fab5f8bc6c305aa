import { Command } from 'commander';
import { destroyStack } from '../deploy/deployer.js';
import { action, addAwsOptions, awsClients, info, resolvedRegion, type StackOptions } from './common.js';

export function destroyCommand(): Command {
  const command = new Command('destroy')
    .summary('delete the PLLDB helper stack')
    .description('Delete the helper stack and wait until it is gone: its table, roles, WebSocket API, functions and layers are all removed. Detach your functions first (plldb detach --all). The code zips stay in the CDK bootstrap bucket, which CDK shares between apps.');
  return addAwsOptions(command).action(action((opts: StackOptions) => runDestroy(opts)));
}

export async function runDestroy(opts: StackOptions): Promise<void> {
  const clients = awsClients(opts);
  const region = await resolvedRegion(clients.lambda);
  const removed = await destroyStack(opts.stack, { cloudFormation: clients.cloudFormation, info });
  info(
    removed
      ? `stack ${opts.stack} is deleted from ${region}; nothing of it is left but its code zips in the CDK bootstrap bucket (shared with CDK)`
      : `there is no stack ${opts.stack} in ${region}: nothing to delete`,
  );
}
