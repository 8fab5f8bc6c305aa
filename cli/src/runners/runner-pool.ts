import { resolve } from 'node:path';
import inspector from 'node:inspector';
import { FunctionEnvironments } from './function-environments.js';
import { withHandler, type FunctionSource } from './function-sources.js';
import { NodeEnvironment, script } from './node-environment.js';
import { PythonEnvironment } from './python-environment.js';
import { runtimeError } from './lambda-error.js';
import { InitError, type HandlerRunner, type Invocation } from './types.js';

/** The runtime id (`python3.12`) of a request's `runtime`, which the layer fills from AWS_EXECUTION_ENV (`AWS_Lambda_python3.12`). */
function runtimeId(runtime: string): string {
  return runtime.replace(/^AWS_Lambda_/, '');
}

export const DEFAULT_CONCURRENCY = 4;
/** How long a handler may run past its deadline before its environment is killed (when no debugger may hold it). */
const DEFAULT_GRACE_MS = 2000;
/** Lambda's smallest memory setting, used when a request does not say. */
const DEFAULT_MEMORY_MB = 128;

export interface PythonSetup {
  /** The interpreter's absolute path and its `major.minor` version (checked at start). */
  executable: string;
  version: string;
  /** debugpy: the first port's host and number (each environment takes the next port), and the folder debugpy is imported from. */
  debugpy?: { host: string; port: number; path: string };
}

export interface RunnerPoolOptions {
  codeDir: string;
  /** Environments per function at most (default 4). */
  concurrency?: number;
  /** Python handlers; without it they fail with the reason given in `pythonMissing`. */
  python?: PythonSetup;
  pythonMissing?: string;
  /** The variables a function's handler gets, from the invocation's (default: exactly those: functionEnvironment computed them). */
  environment?: (functionName: string, given: Record<string, string>) => Record<string, string>;
  /** Functions whose handler lives elsewhere than codeDir/<handler setting> (from plldb discover), by function name. */
  sources?: ReadonlyMap<string, FunctionSource>;
  /** A line a handler printed (default: this process's stdout/stderr, prefixed with the function's name). */
  output?: (functionName: string, line: string, stream: 'stdout' | 'stderr') => void;
  info?: (line: string) => void;
  warn?: (line: string) => void;
  graceMs?: number;
}

/**
 * The execution environments of every function, as Lambda keeps them: per function, isolated
 * Node.js worker threads or Python processes (see FunctionEnvironments). Functions never share
 * an environment, even when they share a handler file.
 */
export class RunnerPool {
  /** By function name and runtime language. */
  private readonly functions = new Map<string, FunctionEnvironments>();
  private readonly codeDir: string;
  /** debugpy ports by function and environment slot: a replaced environment listens where its predecessor did. */
  private readonly ports = new Map<string, number>();
  private readonly warned = new Set<string>();

  constructor(private readonly options: RunnerPoolOptions) {
    this.codeDir = resolve(options.codeDir);
    // Ready before the first invocation (run from source, the worker's script is bundled first).
    script().catch(() => undefined);
  }

  /** The runner for a function's runtime, or undefined when plldb cannot run that runtime locally. */
  runnerFor(functionName: string, runtime: string): HandlerRunner | undefined {
    const id = runtimeId(runtime);
    if (!id.startsWith('nodejs') && !id.startsWith('python')) return undefined;
    const python = id.startsWith('python');
    const key = `${functionName} ${python ? 'python' : 'nodejs'}`;
    let runner = this.functions.get(key);
    if (!runner) {
      this.warnOnVersion(functionName, id);
      runner = this.environmentsOf(functionName, python);
      this.functions.set(key, runner);
    }
    // A mapped function runs its mapped export, whatever handler setting the deployed function has.
    const mapped = this.options.sources?.get(functionName);
    return mapped ? withHandler(runner, mapped.handler) : runner;
  }

  /** With debugpy: starts a Python function's first environment now, so the IDE can attach before the first invocation. */
  prestartPython(functionName: string, runtime: string): void {
    if (!this.options.python?.debugpy || !runtimeId(runtime).startsWith('python')) return;
    this.runnerFor(functionName, runtime);
    const runner = this.functions.get(`${functionName} python`);
    runner?.prestart((slot) => this.pythonEnvironment(functionName, slot));
  }

  async close(): Promise<void> {
    await Promise.all([...this.functions.values()].map((r) => r.close()));
    this.functions.clear();
  }

  /** Where a function's code is: its mapped source's folder, else codeDir. */
  private codeDirOf(functionName: string): string {
    return this.options.sources?.get(functionName)?.codeDir ?? this.codeDir;
  }

  private environmentsOf(functionName: string, python: boolean): FunctionEnvironments {
    const environment = this.options.environment ?? ((_name: string, given: Record<string, string>) => given);
    return new FunctionEnvironments({
      functionName,
      codeDir: this.codeDirOf(functionName),
      concurrency: this.options.concurrency ?? DEFAULT_CONCURRENCY,
      environment: (invocation: Invocation) => environment(functionName, invocation.environment),
      create: async (slot, invocation, env) => (python ? this.pythonEnvironment(functionName, slot) : this.nodeEnvironment(functionName, invocation, env)),
      // A Python environment under debugpy, or any Node.js one while this process's inspector is open.
      debuggerMayPause: () => (python ? this.options.python?.debugpy !== undefined : inspector.url() !== undefined),
      graceMs: this.options.graceMs ?? DEFAULT_GRACE_MS,
      info: (line) => this.info(line),
    });
  }

  private nodeEnvironment(functionName: string, invocation: Invocation, env: Record<string, string>): Promise<NodeEnvironment> {
    return NodeEnvironment.start({
      codeDir: this.codeDirOf(functionName),
      handler: invocation.handler,
      env,
      memoryMb: Number(invocation.context.memoryLimitInMB) || DEFAULT_MEMORY_MB,
      output: (line, stream) => this.output(functionName, line, stream),
      notice: (line) => this.info(`${functionName}: ${line}`),
    });
  }

  private pythonEnvironment(functionName: string, slot: number): PythonEnvironment {
    const { python } = this.options;
    if (!python) throw new InitError(runtimeError('PLLDB.PythonUnavailable', this.options.pythonMissing || 'no Python interpreter: pass --python <interpreter>'));
    let debugpy: { address: string; path: string } | undefined;
    if (python.debugpy) {
      const key = `${functionName}#${slot}`;
      let port = this.ports.get(key);
      if (port === undefined) {
        port = python.debugpy.port + this.ports.size;
        this.ports.set(key, port);
        this.info(`${functionName}: environment ${slot + 1} listens for debugpy on ${python.debugpy.host}:${port}`);
      }
      debugpy = { address: `${python.debugpy.host}:${port}`, path: python.debugpy.path };
    }
    return new PythonEnvironment({
      codeDir: this.codeDirOf(functionName),
      python: python.executable,
      ...(debugpy ? { debugpy } : {}),
      output: (line, stream) => this.output(functionName, line, stream),
      notice: (line) => this.info(`${functionName}: ${line}`),
    });
  }

  /** Once per function: the local Node.js or Python differs from the function's runtime (`nodejs22.x`, `python3.12`). */
  private warnOnVersion(functionName: string, id: string): void {
    const local = id.startsWith('nodejs') ? process.versions.node.split('.')[0] : this.options.python?.version;
    const wanted = id.startsWith('nodejs') ? /^nodejs(\d+)/.exec(id)?.[1] : /^python(\d+\.\d+)/.exec(id)?.[1];
    if (local === undefined || wanted === undefined || local === wanted || this.warned.has(functionName)) return;
    this.warned.add(functionName);
    this.warn(`${functionName} runs ${id} on Lambda, here ${id.startsWith('nodejs') ? 'Node.js' : 'Python'} ${local}: behaviour may differ`);
  }

  private output(functionName: string, line: string, stream: 'stdout' | 'stderr'): void {
    if (this.options.output) this.options.output(functionName, line, stream);
    else (stream === 'stdout' ? process.stdout : process.stderr).write(`[${functionName}] ${line}\n`);
  }

  private info(line: string): void {
    (this.options.info ?? ((l: string) => process.stdout.write(`${l}\n`)))(line);
  }

  private warn(line: string): void {
    (this.options.warn ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }
}
