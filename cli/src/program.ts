import { Command } from 'commander';
import { PACKAGE_ROOT } from '../../sandbox/package-root.js';
import { attachCommand } from './commands/attach.js';
import { debugCommand } from './commands/debug.js';
import { demoCommand } from './commands/demo.js';
import { deployCommand } from './commands/deploy.js';
import { destroyCommand } from './commands/destroy.js';
import { detachCommand } from './commands/detach.js';
import { statusCommand } from './commands/status.js';
import { discoverCommand } from './commands/discover.js';
import { ideCommand } from './commands/ide.js';
import { invokeCommand } from './commands/invoke.js';
import { sandboxCommand } from './commands/sandbox.js';
import { packageVersion } from './package/version.js';

/** The `plldb` command line: one sub-command per module under commands/. */
export function buildProgram(): Command {
  return new Command('plldb')
    .description('Debug AWS Lambda functions from your own machine: invocations of the deployed function run your handler locally, under your debugger.')
    .version(packageVersion(PACKAGE_ROOT))
    .showHelpAfterError()
    .addCommand(debugCommand())
    .addCommand(attachCommand())
    .addCommand(detachCommand())
    .addCommand(statusCommand())
    .addCommand(invokeCommand())
    .addCommand(sandboxCommand())
    .addCommand(discoverCommand())
    .addCommand(deployCommand())
    .addCommand(destroyCommand())
    .addCommand(ideCommand())
    .addCommand(demoCommand());
}
