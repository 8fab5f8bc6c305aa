import { Command } from 'commander';
import { attachCommand } from './commands/attach.js';
import { debugCommand } from './commands/debug.js';
import { demoCommand } from './commands/demo.js';
import { detachCommand } from './commands/detach.js';
import { statusCommand } from './commands/status.js';

/** The `plldb` command line: one sub-command per module under commands/. */
export function buildProgram(): Command {
  return new Command('plldb')
    .description('Debug AWS Lambda functions from your own machine: invocations of the deployed function run your handler locally, under your debugger.')
    .showHelpAfterError()
    .addCommand(debugCommand())
    .addCommand(attachCommand())
    .addCommand(detachCommand())
    .addCommand(statusCommand())
    .addCommand(demoCommand());
}
