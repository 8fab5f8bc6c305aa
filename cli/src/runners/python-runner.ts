import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import type { HandlerRunner, Invocation, Outcome } from './types.js';

/** The executor ships in the package at cli/python/, found from this module (source or bundle). */
function executorPath(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'cli', 'python', 'plldb_executor.py');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('plldb_executor.py not found next to the plldb package: reinstall plldb');
}

export interface PythonRunnerOptions {
  codeDir: string;
  /** The Python interpreter (default `python3`). */
  python?: string;
  /** `host:port` for debugpy to listen on; the executor waits for the IDE before the first invocation. */
  debugpy?: string;
  /** Where the handler's stdout/stderr go: inherited (the terminal) unless given. */
  onOutput?: (chunk: Buffer) => void;
}

interface ExecutorAnswer {
  id: string;
  ok: boolean;
  response?: string;
  errorType?: string;
  errorMessage?: string;
  stackTrace?: string[];
}

/**
 * Runs Python handlers in a long-lived `python3` subprocess (one per function, like a warm
 * Lambda environment) through the shipped executor. Requests and answers travel on fds 3 and 4,
 * apart from the handler's own output. Invocations run one at a time, in order.
 */
export class PythonHandlerRunner implements HandlerRunner {
  private child?: ChildProcess;
  private readonly pending = new Map<string, (answer: ExecutorAnswer) => void>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PythonRunnerOptions) {}

  run(invocation: Invocation): Promise<Outcome> {
    const next = this.queue.then(() => this.runNow(invocation));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    (child.stdio[3] as Writable).end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }

  private runNow(invocation: Invocation): Promise<Outcome> {
    const child = this.ensureChild();
    const id = invocation.context.awsRequestId;
    return new Promise<Outcome>((resolvePromise) => {
      this.pending.set(id, (answer) => {
        if (answer.ok) resolvePromise({ ok: true, response: answer.response ?? 'null' });
        else resolvePromise({ ok: false, error: { errorType: answer.errorType ?? 'Error', errorMessage: answer.errorMessage ?? '', stackTrace: answer.stackTrace ?? [] } });
      });
      const request = { id, handler: invocation.handler, event: invocation.event, context: invocation.context, env: invocation.environment };
      (child.stdio[3] as Writable).write(`${JSON.stringify(request)}\n`);
    });
  }

  private ensureChild(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    const { codeDir, python = 'python3', debugpy, onOutput } = this.options;
    const args = [executorPath(), '--code', resolve(codeDir), ...(debugpy ? ['--debugpy', debugpy] : [])];
    const output = onOutput ? 'pipe' : 'inherit';
    const child = spawn(python, args, { cwd: resolve(codeDir), env: process.env, stdio: ['ignore', output, output, 'pipe', 'pipe'] });
    if (onOutput) {
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', onOutput);
    }
    createInterface({ input: child.stdio[4] as Readable }).on('line', (line) => {
      const answer = JSON.parse(line) as ExecutorAnswer;
      const settle = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      settle?.(answer);
    });
    const failPending = (reason: string) => {
      for (const settle of this.pending.values()) settle({ id: '', ok: false, errorType: 'Runtime.ExitError', errorMessage: reason });
      this.pending.clear();
    };
    child.on('error', (err) => {
      failPending((err as NodeJS.ErrnoException).code === 'ENOENT' ? `${python} not found: install Python 3 or pass --python <interpreter>` : err.message);
    });
    // A write to an executor that just died fails here; the close handler answers the invocation.
    (child.stdio[3] as Writable).on('error', () => undefined);
    child.on('close', (code, signal) => failPending(`the Python process exited (${signal ?? `code ${code}`}) while running the handler`));
    this.child = child;
    return child;
  }
}
