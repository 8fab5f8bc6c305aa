import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import { Env } from '../../protocol/index.js';
import type { FunctionDefinition } from './types.js';

/** Where Lambda mounts layers; the sandbox maps paths under it to the layers' folders. */
const OPT = '/opt/';
const RUNTIMES_DIR = join(PACKAGE_ROOT, 'sandbox', 'runtimes');

/** How to start one execution environment's process. */
export interface LaunchPlan {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** Why an environment cannot start (Lambda: Runtime.InvalidEntrypoint); the message says what to do. */
export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}

export interface LaunchContext {
  runtimeApi: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Layer folders of the function, in the function's layer order. */
  layerDirs: string[];
  /** Added after Lambda's variables, before the function's own (e.g. AWS_ENDPOINT_URL_*). */
  extraEnv: Record<string, string>;
  logStreamName: string;
  /** Python interpreter for python* runtimes. */
  pythonCommand: string;
}

/**
 * The process Lambda would start: the exec wrapper (AWS_LAMBDA_EXEC_WRAPPER) with the runtime
 * command as its arguments, or the runtime command itself.
 */
export function planLaunch(fn: Required<Pick<FunctionDefinition, 'name' | 'runtime' | 'handler' | 'codeDir' | 'memorySize'>> & FunctionDefinition, ctx: LaunchContext): LaunchPlan {
  const runtimeCommand = runtimeCommandFor(fn.runtime, ctx.pythonCommand);
  const env = environmentFor(fn, ctx);
  const wrapper = fn.environment?.[Env.ExecWrapper];
  if (wrapper === undefined || wrapper === '') {
    const [command, ...args] = runtimeCommand;
    return { command: command as string, args, env, cwd: fn.codeDir };
  }
  return { command: resolveOptPath(wrapper, ctx.layerDirs), args: runtimeCommand, env, cwd: fn.codeDir };
}

function runtimeCommandFor(runtime: string, pythonCommand: string): string[] {
  if (runtime.startsWith('nodejs')) return [process.execPath, join(RUNTIMES_DIR, 'node-runtime.mjs')];
  if (runtime.startsWith('python3')) return [pythonCommand, join(RUNTIMES_DIR, 'python_runtime.py')];
  throw new LaunchError(`the sandbox runs nodejs* and python3* functions only, not ${runtime}: give the function one of those runtimes`);
}

/** Maps `/opt/...` to the last layer (in order) that has the file, as Lambda's merged /opt would. */
function resolveOptPath(path: string, layerDirs: string[]): string {
  if (!path.startsWith(OPT)) {
    if (!existsSync(path)) throw new LaunchError(`fork/exec ${path}: no such file or directory`);
    return path;
  }
  const relative = path.slice(OPT.length);
  for (const dir of [...layerDirs].reverse()) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
  }
  throw new LaunchError(`fork/exec ${path}: no such file or directory (none of the function's layers has ${relative}; attach the layer that provides it)`);
}

function environmentFor(fn: Required<Pick<FunctionDefinition, 'name' | 'runtime' | 'handler' | 'codeDir' | 'memorySize'>> & FunctionDefinition, ctx: LaunchContext): Record<string, string> {
  const isPython = fn.runtime.startsWith('python');
  const layerPaths = (sub: string) => ctx.layerDirs.map((dir) => join(dir, sub));
  const env: Record<string, string> = {
    // Lambda's PATH ends with /opt/bin; the runtime's own interpreter comes first.
    PATH: [dirname(process.execPath), process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', ...layerPaths('bin')].join(delimiter),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: fn.codeDir,
    LAMBDA_RUNTIME_DIR: RUNTIMES_DIR,
    _HANDLER: fn.handler,
    AWS_LAMBDA_RUNTIME_API: ctx.runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: ctx.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: ctx.region,
    AWS_DEFAULT_REGION: ctx.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_ACCESS_KEY_ID: ctx.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ctx.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: ctx.credentials.sessionToken ?? 'sandbox-session-token',
  };
  if (isPython) env.PYTHONPATH = layerPaths('python').join(delimiter);
  else env.NODE_PATH = [...layerPaths('nodejs/node_modules'), join(fn.codeDir, 'node_modules')].join(delimiter);
  return { ...env, ...ctx.extraEnv, ...(fn.environment ?? {}) };
}

let resolvedPython: string | undefined;

/**
 * The real interpreter behind `python3` (version-manager shims are shell scripts that need the
 * user's environment and cost a process per start).
 */
export function resolvePython(command = 'python3'): string {
  if (command === 'python3' && resolvedPython) return resolvedPython;
  const executable = execFileSync(command, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  if (command === 'python3') resolvedPython = executable;
  return executable;
}
