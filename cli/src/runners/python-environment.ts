import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { exitError, signalExit } from './exit-error.js';
import { SourceSnapshot } from './source-snapshot.js';
import type { ExecutionEnvironment, Invocation, Outcome } from './types.js';

/** The executor ships in the package at cli/python/, found from this module (source or bundle). */
function executorPath(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'cli', 'python', 'plldb_executor.py');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('plldb_executor.py not found next to the plldb package: reinstall plldb');
}

/** File descriptors of the executor: requests in, answers out, and a pipe whose end tells it plldb is gone. */
const REQUEST_FD = 3;
const ANSWER_FD = 4;
const LIFELINE_FD = 5;

export interface PythonEnvironmentOptions {
  codeDir: string;
  /** The interpreter, as an absolute path (checked at start): the executor gets no PATH to search. */
  python: string;
  /** debugpy for this environment: where it listens, and the folder it is imported from. */
  debugpy?: { address: string; path: string };
  output(line: string, stream: 'stdout' | 'stderr'): void;
  notice(line: string): void;
}

interface ExecutorAnswer {
  id: string;
  ok: boolean;
  response?: string;
  errorType?: string;
  errorMessage?: string;
  stackTrace?: string[];
  /** The project's module files the handler loaded with this invocation, with their mtime in ns. */
  sources?: Record<string, string>;
}

/**
 * A Python execution environment: one executor process (cli/python/plldb_executor.py), in its
 * own process group so a terminal's Ctrl+C does not reach it, exiting when plldb's end of its
 * lifeline pipe closes (plldb died, even by SIGKILL). The handler's variables are set per
 * invocation to exactly the function's; nothing of the CLI's environment is inherited.
 */
export class PythonEnvironment implements ExecutionEnvironment {
  ended = false;
  private disposing = false;
  private readonly child: ChildProcess;
  private readonly sources = new SourceSnapshot();
  private pending?: { id: string; settle: (outcome: Outcome) => void };
  private readonly exited: Promise<void>;

  constructor(private readonly options: PythonEnvironmentOptions) {
    const { codeDir, python, debugpy } = options;
    // -u: the handler's output shows as printed; -B: no __pycache__ written into the project.
    // With debugpy, no frozen standard modules (Python 3.11+), which debugpy warns may miss breakpoints; older Pythons ignore -X options they lack.
    const debugArgs = debugpy ? ['-X', 'frozen_modules=off'] : [];
    const args = [...debugArgs, '-u', '-B', executorPath(), '--code', codeDir, ...(debugpy ? ['--debugpy', debugpy.address, '--debugpy-path', debugpy.path] : [])];
    this.child = spawn(python, args, { cwd: codeDir, env: {}, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'] });
    const child = this.child;
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    createInterface({ input: child.stdout! }).on('line', (line) => options.output(line, 'stdout'));
    createInterface({ input: child.stderr! }).on('line', (line) => options.output(line, 'stderr'));
    createInterface({ input: child.stdio[ANSWER_FD] as Readable }).on('line', (line) => this.answer(JSON.parse(line) as ExecutorAnswer));
    // A write to an executor that just died fails here; the close handler answers the invocation.
    for (const fd of [REQUEST_FD, LIFELINE_FD]) (child.stdio[fd] as Writable).on('error', () => undefined);
    child.on('error', (err) => this.end(`${python}: ${err.message}`));
    child.on('close', (code, signal) => this.end(signal ? signalExit(signal) : `exit status ${code}`));
  }

  invoke(invocation: Invocation, env: Record<string, string>): Promise<Outcome> {
    const id = invocation.context.awsRequestId;
    if (this.ended) return Promise.resolve({ ok: false, error: exitError(id, 'the environment had ended') });
    return new Promise<Outcome>((settle) => {
      this.pending = { id, settle };
      const request = { id, handler: invocation.handler, event: invocation.event, context: invocation.context, env };
      (this.child.stdio[REQUEST_FD] as Writable).write(`${JSON.stringify(request)}\n`);
    });
  }

  changedSource(): string | undefined {
    return this.sources.changed();
  }

  /** Ends the executor: at once (its whole process group) when it runs a handler, else by closing its requests. */
  async dispose(): Promise<void> {
    this.disposing = true;
    if (!this.ended && this.pending) this.kill();
    else (this.child.stdio[REQUEST_FD] as Writable).end();
    const timer = setTimeout(() => this.kill(), 2000);
    await this.exited;
    clearTimeout(timer);
  }

  private kill(): void {
    if (this.child.pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  private answer(answer: ExecutorAnswer): void {
    for (const [file, mtime] of Object.entries(answer.sources ?? {})) this.sources.add(file, BigInt(mtime));
    if (this.pending?.id !== answer.id) return;
    const { settle } = this.pending;
    this.pending = undefined;
    if (answer.ok) settle({ ok: true, response: answer.response ?? 'null' });
    else settle({ ok: false, error: { errorType: answer.errorType ?? 'Error', errorMessage: answer.errorMessage ?? '', stackTrace: answer.stackTrace ?? [] } });
  }

  private end(how: string): void {
    if (this.ended) return;
    this.ended = true;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) pending.settle({ ok: false, error: exitError(pending.id, how) });
    else if (!this.disposing) this.options.notice(`environment ended between invocations: Runtime.ExitError: ${how}`);
  }
}
