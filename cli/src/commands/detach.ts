import { Command, Option } from 'commander';
import type { DetachResult } from '../attach/attacher.js';
import { AttachmentStore } from '../attach/state-store.js';
import { CliError } from '../errors.js';
import { action, addAwsOptions, collect, info, makeAttacher, type StackOptions } from './common.js';

interface DetachCommandOptions extends StackOptions {
  function?: string[];
  all?: boolean;
}

/** `arn:aws:lambda:{region}:...`: the region of a saved attachment. */
function regionOfArn(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

function describe(result: DetachResult): string {
  if (result.status === 'restored') return `detached ${result.functionName}: configuration restored`;
  if (result.status === 'gone') return `${result.functionName} no longer exists: its saved configuration is dropped`;
  return `${result.functionName} is not attached: nothing to do`;
}

export function detachCommand(): Command {
  const command = new Command('detach')
    .summary('restore functions to their configuration before attach')
    .description(
      'Detach Lambda functions from PLLDB: writes back the layers, environment and timeout saved by attach and restores (or removes) the execution role\'s inline policy once no attached function uses that role. Works after a crash of "plldb debug" too (the saved state is on disk). A function that is not attached is left alone.',
    )
    .addOption(new Option('-f, --function <name>', 'function name or ARN (repeat for more)').argParser(collect))
    .addOption(new Option('--all', 'detach every function attached from this machine (all regions)'));
  return addAwsOptions(command).action(
    action(async (opts: DetachCommandOptions) => {
      if (!opts.all && !opts.function?.length) throw new CliError('nothing to detach', 'name functions with --function <name>, or use --all');
      if (opts.all) {
        const saved = new AttachmentStore().listFunctions();
        if (saved.length === 0) info('no saved attachments: nothing to detach');
        for (const s of saved) {
          const result = await makeAttacher({ ...opts, region: regionOfArn(s.functionArn) ?? opts.region }).detach(s.functionArn);
          info(describe(result));
        }
      }
      const attacher = makeAttacher(opts);
      for (const name of opts.function ?? []) {
        const result = await attacher.detach(name);
        info(describe(result));
      }
    }),
  );
}
