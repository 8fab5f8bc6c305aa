import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LambdaError } from '../../../protocol/index.js';
import type { InvokeMessage, WorkerMessage, WorkerSetup } from './node-worker-messages.js';
import { prepareNodeHandler } from './node-handler-build.js';
import type { SourceSnapshot } from './source-snapshot.js';
import { exitError, signalExit } from './exit-error.js';
import { InitError, type ExecutionEnvironment, type Invocation, type Outcome } from './types.js';
import { afterTerminations, terminateWorker } from './worker-terminations.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The worker's script: the CLI bundle ships it next to itself (`plldb-worker.mjs`); run from
 * source (tests), node-worker.ts is bundled once into a script evaluated by the worker.
 */
let workerScript: Promise<{ source: string | URL; eval: boolean }> | undefined;
export function script(): Promise<{ source: string | URL; eval: boolean }> {
  const shipped = join(here, 'plldb-worker.mjs');
  if (existsSync(shipped)) return Promise.resolve({ source: pathToFileURL(shipped), eval: false });
  workerScript ??= build({ entryPoints: [join(here, 'node-worker.ts')], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' }).then((r) => ({
    source: r.outputFiles[0]!.text,
    eval: true,
  }));
  return workerScript;
}

export interface NodeEnvironmentOptions {
  codeDir: string;
  handler: string;
  /** The variables the handler's module is loaded with (each invocation then sets its own). */
  env: Record<string, string>;
  /** The function's memory: the heap limit of its environment, so an out-of-memory shows up as on Lambda. */
  memoryMb: number;
  /** A line the handler printed. */
  output(line: string, stream: 'stdout' | 'stderr'): void;
  /** Something that happened outside an invocation (a fault between invocations). */
  notice(line: string): void;
}

/**
 * A Node.js execution environment: a worker thread with its own `process.env` and module cache,
 * so functions sharing a handler file share nothing; a handler that exits, throws from a timer,
 * spins or runs out of memory ends only this environment. With `plldb debug --inspect` the
 * inspector reaches the thread (breakpoints by .ts line through the inline source map).
 */
export class NodeEnvironment implements ExecutionEnvironment {
  ended = false;
  private initialized = false;
  private pending?: { id: string; settle: (outcome: Outcome) => void };

  private constructor(
    private readonly worker: Worker,
    private readonly sources: SourceSnapshot,
    private readonly options: NodeEnvironmentOptions,
  ) {}

  /** Prepares the handler and starts the environment; throws InitError when the handler cannot load (as Lambda's init phase fails). */
  static async start(options: NodeEnvironmentOptions): Promise<NodeEnvironment> {
    const prepared = await prepareNodeHandler(options.codeDir, options.handler);
    const { source, eval: isEval } = await script();
    await afterTerminations();
    const setup: WorkerSetup = { moduleUrl: pathToFileURL(prepared.moduleFile).href, modulePath: prepared.ref.modulePath, exportName: prepared.ref.exportName };
    const worker = new Worker(source, {
      eval: isEval,
      workerData: setup,
      env: options.env,
      argv: [],
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
    });
    const environment = new NodeEnvironment(worker, prepared.sources, options);
    try {
      await environment.ready();
    } finally {
      prepared.cleanup();
    }
    return environment;
  }

  private ready(): Promise<void> {
    const { worker, options } = this;
    createInterface({ input: worker.stdout }).on('line', (line) => options.output(line, 'stdout'));
    createInterface({ input: worker.stderr }).on('line', (line) => options.output(line, 'stderr'));
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'ready') {
          this.initialized = true;
          resolve();
        }
        else if (msg.type === 'result') this.settle(msg.id, msg.outcome);
        else if (msg.type === 'signal') this.end(exitError(this.pending?.id, signalExit(msg.signal)), reject);
        else this.end(msg.error, reject);
      });
      worker.on('error', (err) => {
        const oom = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        this.end(oom ? exitError(this.pending?.id, 'signal: killed', `out of memory: the heap is limited to the function's ${options.memoryMb} MB`) : exitError(this.pending?.id, err.message), reject);
      });
      worker.on('exit', (code) => this.end(exitError(this.pending?.id, `exit status ${code}`), reject));
    });
  }

  invoke(invocation: Invocation, env: Record<string, string>): Promise<Outcome> {
    if (this.ended) return Promise.resolve({ ok: false, error: exitError(invocation.context.awsRequestId, 'the environment had ended') });
    const id = invocation.context.awsRequestId;
    return new Promise<Outcome>((settle) => {
      this.pending = { id, settle };
      const message: InvokeMessage = { type: 'invoke', id, event: invocation.event, context: invocation.context, env };
      this.worker.postMessage(message);
    });
  }

  changedSource(): string | undefined {
    return this.sources.changed();
  }

  async dispose(): Promise<void> {
    this.ended = true;
    if (this.pending) this.settle(this.pending.id, { ok: false, error: exitError(this.pending.id, 'signal: killed', 'ended by plldb') });
    await terminateWorker(this.worker);
  }

  private settle(id: string, outcome: Outcome): void {
    if (this.pending?.id !== id) return;
    const { settle } = this.pending;
    this.pending = undefined;
    settle(outcome);
  }

  /**
   * The environment is over (init failed, a fault, an exit): the running invocation ends with
   * the error, or it is reported on its own; once ended (or disposed) later events say nothing.
   */
  private end(error: LambdaError, rejectInit: (err: InitError) => void): void {
    if (this.ended) return;
    this.ended = true;
    void terminateWorker(this.worker);
    rejectInit(new InitError(error));
    if (this.pending) this.settle(this.pending.id, { ok: false, error });
    else if (this.initialized) this.options.notice(`environment ended between invocations: ${error.errorType}: ${error.errorMessage}`);
  }
}
