import { resolve } from 'node:path';
import { Argument, Command, Option } from 'commander';
import { discoverFunctions } from '../discover/discover.js';
import { jetbrainsNodeConfig, writeIfAbsent } from '../ide/jetbrains.js';
import { vscodeEntries, writeVscodeLaunch } from '../ide/vscode.js';
import { action, info, warn } from './common.js';

export interface IdeOptions {
  app: string;
}

export function ideCommand(): Command {
  return new Command('ide')
    .summary('write debug configurations for your IDE')
    .description(
      'vscode: merge into .vscode/launch.json a configuration that runs plldb debug under the Node.js debugger (source maps on), one that attaches debugpy to the Python functions, and a compound of both (entries of the same name are replaced, all others kept). jetbrains: a shared WebStorm/IntelliJ run configuration (.run/PLLDB debug.run.xml) that runs plldb debug under the Node.js debugger; an existing file is never overwritten.',
    )
    .addArgument(new Argument('<ide>', 'the IDE').choices(['vscode', 'jetbrains']))
    .addOption(new Option('--app <dir>', 'the project folder (its functions are discovered)').default('.', 'the current folder'))
    .action(action((ide: 'vscode' | 'jetbrains', opts: IdeOptions) => runIde(ide, opts)));
}

export async function runIde(ide: 'vscode' | 'jetbrains', opts: IdeOptions, workspace: string = process.cwd()): Promise<void> {
  const app = resolve(opts.app);
  const { functions } = await discoverFunctions(app);
  const hasPython = functions.some((f) => f.runtime?.startsWith('python') && !f.problem);
  if (ide === 'vscode') {
    const result = writeVscodeLaunch(workspace, vscodeEntries(workspace, app, hasPython));
    if (result.written) info(`wrote ${result.file}: run "PLLDB: debug (Node.js)"${hasPython ? ' or the compound "PLLDB: Node.js + Python"' : ''} from Run and Debug`);
    else warn(`${result.file} was left as it is: ${result.text}`);
    return;
  }
  const { path, xml } = jetbrainsNodeConfig(workspace, app);
  const outcome = writeIfAbsent(path, xml);
  if (outcome === 'kept') warn(`${path} exists with other content and was left as it is; plldb's configuration is:\n${xml}`);
  else info(`${outcome === 'written' ? 'wrote' : 'already there:'} ${path} (WebStorm/IntelliJ: Run > PLLDB debug, with the debugger)`);
  if (hasPython) info('Python functions: PyCharm cannot attach to debugpy (which plldb debug --debugpy listens with); debug them with the VS Code configuration (plldb ide vscode)');
}
