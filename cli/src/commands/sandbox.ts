import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SANDBOX_LAYERS } from '../../../sandbox/constants.js';
import { PACKAGE_ROOT } from '../../../sandbox/package-root.js';
import { startSandbox, type Sandbox } from '../../../sandbox/sandbox.js';
import { discoverFunctions } from '../discover/discover.js';
import { deployToSandbox } from '../discover/sandbox-deploy.js';
import { CliError, describeError } from '../errors.js';
import { standaloneLayerDir } from '../package/standalone-layer.js';
import type { LayerArch } from '../package/stack-package.js';
import { action, info, warn } from './common.js';

/** The sandbox uses five consecutive ports from --port (see SandboxOptions.basePort). */
const PORTS_USED = 5;

export interface SandboxCommandOptions {
  port?: number;
  envFile?: string;
  quiet?: boolean;
  /** A project whose discovered functions the sandbox hosts as deployed. */
  app?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1024 || port > 65535 - PORTS_USED) throw new InvalidArgumentError(`a port from 1024 to ${65535 - PORTS_USED}`);
  return port;
}

export function sandboxCommand(): Command {
  return new Command('sandbox')
    .summary('run the local sandbox (AWS stand-ins) for your own functions, in the foreground')
    .description(
      'Start the sandbox on 127.0.0.1: DynamoDB with streams, SQS, STS, the WebSocket API, and a Lambda / IAM / CloudFormation control plane whose Lambda API hosts your functions (CreateFunction with Code.ZipFile, DeleteFunction, ListFunctions, GetFunction, GetFunctionConfiguration, UpdateFunctionConfiguration, Invoke), with the helper stack PLLDB already "deployed". Prints the export lines that point plldb, the AWS SDK and the aws CLI (--endpoint-url) at it. Ctrl+C or SIGTERM stops it.',
    )
    .addOption(new Option('--port <n>', `fixed ports: n to n+${PORTS_USED - 1} (DynamoDB, SQS, STS, WebSocket API, Lambda/IAM/CloudFormation); default: free ones`).argParser(parsePort))
    .addOption(new Option('--env-file <file>', 'also write the export lines to this file (removed when the sandbox stops)'))
    .addOption(new Option('--quiet', 'do not print what the functions write'))
    .addOption(new Option('--app <dir>', 'also "deploy" the functions plldb discover finds in this CDK/SAM project (or plldb.config.json): each is created with its runtime, handler and code (TypeScript bundled), and its stack lists them, so plldb discover and plldb debug --app find them'))
    .action(action((opts: SandboxCommandOptions) => runSandbox(opts)));
}

/**
 * The layer folders: the build's in a clone; in an installed package the standalone layers are
 * assembled once (pinned Node.js from the npm registry). Functions run on this machine, so both
 * standalone ARNs get this machine's architecture.
 */
export async function layerFolders(): Promise<Record<string, string>> {
  const arch: LayerArch = process.arch === 'arm64' ? 'arm64' : 'x86_64';
  const standalone = await standaloneLayerDir(arch, PACKAGE_ROOT);
  return {
    [SANDBOX_LAYERS.node.arn]: resolve(PACKAGE_ROOT, SANDBOX_LAYERS.node.dir),
    [SANDBOX_LAYERS.standaloneX8664.arn]: standalone,
    [SANDBOX_LAYERS.standaloneArm64.arn]: standalone,
  };
}

async function start(opts: SandboxCommandOptions): Promise<Sandbox> {
  try {
    return await startSandbox({
      layers: await layerFolders(),
      ...(opts.port !== undefined ? { basePort: opts.port } : {}),
      ...(opts.quiet ? {} : { onLog: (functionName: string, _instance: string, line: string) => process.stderr.write(`[${functionName}] ${line}\n`) }),
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new CliError(`a port of the sandbox is in use (${opts.port ?? 0}-${(opts.port ?? 0) + PORTS_USED - 1})`, 'stop what uses it (another plldb sandbox?) or pass another --port');
    }
    throw err;
  }
}

/** Creates the project's functions in the sandbox; their bundled code goes to `workDir`. */
async function deployApp(sandbox: Sandbox, app: string, workDir: string): Promise<void> {
  const { kind, functions } = await discoverFunctions(app);
  const { deployed, skipped } = await deployToSandbox(sandbox, functions, workDir);
  info(`${kind} ${resolve(app)}: ${deployed.length} function${deployed.length === 1 ? '' : 's'} deployed to the sandbox`);
  for (const fn of deployed) info(`  ${fn.logicalId} (stack ${fn.stackName}) -> ${fn.functionName}  ${fn.runtime}  ${fn.handler}`);
  for (const line of skipped) warn(`  not deployed: ${line}`);
}

/** Runs until SIGINT or SIGTERM (npm run forwards both), then stops every stand-in and function process and exits. */
export async function runSandbox(opts: SandboxCommandOptions): Promise<void> {
  const sandbox = await start(opts);
  const workDir = mkdtempSync(join(tmpdir(), 'plldb-sandbox-app-'));
  try {
    if (opts.app !== undefined) await deployApp(sandbox, opts.app, workDir);
  } catch (err) {
    await sandbox.stop();
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
  const lines = Object.entries(sandbox.env).map(([name, value]) => `export ${name}=${value}`);
  const envFile = opts.envFile ? resolve(opts.envFile) : undefined;
  if (envFile) writeFileSync(envFile, `${lines.join('\n')}\n`);
  info(`PLLDB sandbox running (helper stack ${sandbox.stackName}, region ${sandbox.region}). Point plldb and the AWS SDK at it with:`);
  for (const line of lines) info(line);
  if (envFile) info(`(also written to ${envFile}: source it in another shell)`);
  info(`Lambda API for the aws CLI: --endpoint-url ${sandbox.endpoints.lambda}. Ctrl+C stops the sandbox.`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    info(`${signal}: stopping the sandbox`);
    sandbox
      .stop()
      .catch((err: unknown) => warn(describeError(err)))
      .finally(() => {
        if (envFile) rmSync(envFile, { force: true });
        rmSync(workDir, { recursive: true, force: true });
        process.exit();
      });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
