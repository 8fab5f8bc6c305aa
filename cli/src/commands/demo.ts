import { Command, Option } from 'commander';
import { runAppDemo } from '../demo/app-demo.js';
import { runDemo, type DemoOptions } from '../demo/run-demo.js';
import { runTrafficDemo } from '../demo/traffic-demo.js';
import { info, warn } from './common.js';

const LEFTOVER_GRACE_MS = 3000;

export function demoCommand(): Command {
  return new Command('demo')
    .summary('see plldb debug a Python and a Node.js function, on a local sandbox')
    .description(
      'Starts a local sandbox of the AWS services PLLDB uses (no AWS account needed), creates a Python and a Node.js sample function from examples/, attaches them with plldb debug (run in this process, against the sandbox\'s stack), invokes each a few times (results and errors), prints each invocation\'s latency breakdown, detaches, checks the functions\' configuration is restored, and stops everything. Needs npm run build (npm run demo does it) and python3.',
    )
    .addOption(new Option('--python <command>', 'Python interpreter for the Python function').default('python3'))
    .addOption(new Option('--traffic', 'instead: show who answers: a function with a route filter (half its invocations to the debugger, half to its deployed code) and one that keeps working after plldb debug is killed (pass-through)'))
    .addOption(new Option('--app <dir>', 'instead: discovery on the sandbox: the functions of this CDK/SAM project (examples/cdk-app in a clone) are deployed to the sandbox from their sources, plldb debug with no --function attaches them all in one session, each is invoked through it, then detach and a check that nothing is left changed').conflicts('traffic'))
    .action(async (opts: DemoOptions & { traffic?: boolean; app?: string }) => {
      const io = { info, warn };
      const app = opts.app;
      process.exitCode = app !== undefined ? await runAppDemo({ ...opts, app }, io) : await (opts.traffic ? runTrafficDemo : runDemo)(opts, io);
      // The process ends by itself once the demo has stopped everything; a leftover is a defect.
      setTimeout(() => {
        warn(`plldb: something the demo started was still running ${LEFTOVER_GRACE_MS / 1000} s after it ended; exiting anyway`);
        process.exit(1);
      }, LEFTOVER_GRACE_MS).unref();
    });
}
