import { Command, Option } from 'commander';
import { describeDetach } from '../attach/describe.js';
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

export function detachCommand(): Command {
  const command = new Command('detach')
    .summary('take PLLDB out of functions')
    .description(
      'Detach Lambda functions from PLLDB, whoever attached them and from any machine: removes exactly what attach added (its layer, its variables, the timeout while it is still the one attach set), read from the record on the function (or this machine\'s copy when a deploy wiped it), and keeps whatever changed since, saying what. The execution role\'s policy and tag go with the last attached function using the role. A function that is not attached is left alone.',
    )
    .addOption(new Option('-f, --function <name>', 'function name or ARN (repeat for more)').argParser(collect))
    .addOption(new Option('--all', 'detach every function attached from this machine (all regions), e.g. after a crash'));
  return addAwsOptions(command).action(
    action(async (opts: DetachCommandOptions) => {
      if (!opts.all && !opts.function?.length) throw new CliError('nothing to detach', 'name functions with --function <name>, or use --all');
      if (opts.all) {
        const saved = new AttachmentStore().listFunctions();
        if (saved.length === 0) info('no attachments recorded on this machine: nothing to detach');
        // Each for the session that attached it here: one taken over since stays with its new owner.
        for (const s of saved) {
          const result = await makeAttacher({ ...opts, region: regionOfArn(s.functionArn) ?? opts.region }).detach(s.functionArn, { sessionId: s.record.sessionId });
          info(describeDetach(result));
        }
      }
      const attacher = makeAttacher(opts);
      for (const name of opts.function ?? []) {
        const result = await attacher.detach(name);
        info(describeDetach(result));
      }
    }),
  );
}
