import { NodeHandlerRunner } from './node-runner.js';
import { PythonHandlerRunner, type PythonRunnerOptions } from './python-runner.js';
import { withHandler, type FunctionSource } from './function-sources.js';
import type { HandlerRunner } from './types.js';

/** The runtime id (`python3.12`) of a request's `runtime`, which the layer fills from AWS_EXECUTION_ENV (`AWS_Lambda_python3.12`). */
function runtimeId(runtime: string): string {
  return runtime.replace(/^AWS_Lambda_/, '');
}

export interface RunnerPoolOptions {
  codeDir: string;
  python?: Omit<PythonRunnerOptions, 'codeDir'>;
  /** Functions whose handler lives elsewhere than codeDir/<handler setting> (from plldb discover), by function name. */
  sources?: ReadonlyMap<string, FunctionSource>;
}

/**
 * The runner for each function: Node.js handlers share this process; each Python function gets
 * its own executor process (its environment is per function, like a Lambda environment).
 */
export class RunnerPool {
  private readonly node: NodeHandlerRunner;
  private readonly python = new Map<string, PythonHandlerRunner>();
  private readonly mapped = new Map<string, HandlerRunner>();

  constructor(private readonly options: RunnerPoolOptions) {
    this.node = new NodeHandlerRunner(options.codeDir);
  }

  /** The runner for a function's runtime, or undefined when plldb cannot run that runtime locally. */
  runnerFor(functionName: string, runtime: string): HandlerRunner | undefined {
    const id = runtimeId(runtime);
    const source = this.options.sources?.get(functionName);
    if (source) return this.mappedRunner(functionName, id, source);
    if (id.startsWith('nodejs')) return this.node;
    if (!id.startsWith('python')) return undefined;
    let runner = this.python.get(functionName);
    if (!runner) {
      runner = new PythonHandlerRunner({ ...this.options.python, codeDir: this.options.codeDir });
      this.python.set(functionName, runner);
    }
    return runner;
  }

  /** A mapped function's own runner, over its own code folder, calling its mapped handler. */
  private mappedRunner(functionName: string, id: string, source: FunctionSource): HandlerRunner | undefined {
    let runner = this.mapped.get(functionName);
    if (!runner) {
      if (id.startsWith('nodejs')) runner = withHandler(new NodeHandlerRunner(source.codeDir), source.handler);
      else if (id.startsWith('python')) runner = withHandler(new PythonHandlerRunner({ ...this.options.python, codeDir: source.codeDir }), source.handler);
      else return undefined;
      this.mapped.set(functionName, runner);
    }
    return runner;
  }

  async close(): Promise<void> {
    await Promise.all([this.node.close(), ...[...this.python.values(), ...this.mapped.values()].map((r) => r.close())]);
    this.python.clear();
    this.mapped.clear();
  }
}
