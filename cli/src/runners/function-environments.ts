import { relative } from 'node:path';
import { runtimeError } from './lambda-error.js';
import { InitError, type ExecutionEnvironment, type HandlerRunner, type Invocation, type Outcome } from './types.js';

export interface FunctionEnvironmentsOptions {
  functionName: string;
  codeDir: string;
  /** At most this many environments at once (a new one only when every other is busy, as Lambda scales out). */
  concurrency: number;
  /** Starts environment `slot` of the function (throws InitError when the handler cannot load). */
  create(slot: number, invocation: Invocation, env: Record<string, string>): Promise<ExecutionEnvironment>;
  /** The variables the handler gets for this invocation: exactly these. */
  environment(invocation: Invocation): Record<string, string>;
  /** True when a debugger may hold an environment paused: a timed-out one is then not killed, only recycled when it returns. */
  debuggerMayPause(): boolean;
  /** How long a handler may go on after its deadline before its environment is killed. */
  graceMs: number;
  info(line: string): void;
}

interface Slot {
  environment?: ExecutionEnvironment;
  /**
   * The handler setting the environment loaded (another one needs a new environment). Variables
   * are not part of it: they are set per invocation, as some change every time (_X_AMZN_TRACE_ID).
   */
  key?: string;
  busy: boolean;
}

/**
 * The execution environments of one function: each runs one invocation at a time, warm ones are
 * reused, a new one starts only when all are busy (up to the concurrency), an edited source or a
 * changed configuration replaces an environment before its next invocation, and a deadline ends
 * the invocation as Lambda's timeout does (the environment is recycled when the handler returns,
 * or killed after a grace period unless a debugger may be holding it at a breakpoint).
 */
export class FunctionEnvironments implements HandlerRunner {
  private readonly slots: Slot[] = [];
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: FunctionEnvironmentsOptions) {}

  /** An environment waiting from the start, before any invocation (e.g. so an IDE can attach to debugpy first). */
  prestart(create: (slot: number) => ExecutionEnvironment): void {
    if (this.slots.length === 0) this.slots.push({ environment: create(0), busy: false });
  }

  run(invocation: Invocation): Promise<Outcome> {
    const { deadlineMs } = invocation.context;
    const seconds = Math.max(0, deadlineMs - Date.now()) / 1000;
    let timer: NodeJS.Timeout | undefined;
    const state = { timedOut: false };
    const running = this.runInSlot(invocation, state);
    const deadline = new Promise<Outcome>((resolve) => {
      timer = setTimeout(
        () => {
          state.timedOut = true;
          resolve({ ok: false, timedOut: true, error: runtimeError('Sandbox.Timedout', `Task timed out after ${seconds.toFixed(2)} seconds`) });
        },
        Math.max(0, deadlineMs - Date.now()),
      );
    });
    return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all(this.slots.map((slot) => slot.environment?.dispose()));
  }

  private async runInSlot(invocation: Invocation, state: { timedOut: boolean }): Promise<Outcome> {
    const index = await this.acquire();
    const slot = this.slots[index]!;
    let recycle = false;
    try {
      if (this.closed) return { ok: false, error: runtimeError('PLLDB.Stopped', 'plldb debug is stopping') };
      // The deadline passed while every environment was busy: the caller has its timeout, nothing is to run.
      if (state.timedOut) return { ok: false, timedOut: true, error: runtimeError('Sandbox.Timedout', 'the deadline passed before an environment was free') };
      const env = this.options.environment(invocation);
      const environment = await this.ready(slot, index, invocation, env, invocation.handler);
      const killer = this.killAfterDeadline(environment, invocation, state);
      const outcome = await environment.invoke(invocation, env);
      clearTimeout(killer.timer);
      // The environment that overran its deadline is not reused, as Lambda ends it too.
      recycle = state.timedOut;
      return outcome;
    } catch (err) {
      if (err instanceof InitError) return { ok: false, error: err.error };
      return { ok: false, error: runtimeError('PLLDB.LocalEnvironmentFailed', `could not start an environment for ${this.options.functionName}: ${(err as Error).message}`) };
    } finally {
      if (recycle && slot.environment) {
        await slot.environment.dispose();
        slot.environment = undefined;
      }
      slot.busy = false;
      this.waiting.shift()?.();
    }
  }

  /** The slot's environment, replaced first when it ended, its sources changed or it loaded another handler. */
  private async ready(slot: Slot, index: number, invocation: Invocation, env: Record<string, string>, key: string): Promise<ExecutionEnvironment> {
    const current = slot.environment;
    if (current && !current.ended) {
      const changed = current.changedSource();
      if (!changed && (slot.key === undefined || slot.key === key)) {
        slot.key = key;
        return current;
      }
      if (changed) this.options.info(`${this.options.functionName}: ${relative(this.options.codeDir, changed) || changed} changed; reloaded`);
    }
    slot.environment = undefined;
    await current?.dispose();
    const environment = await this.options.create(index, invocation, env);
    slot.environment = environment;
    slot.key = key;
    return environment;
  }

  private killAfterDeadline(environment: ExecutionEnvironment, invocation: Invocation, state: { timedOut: boolean }): { timer: NodeJS.Timeout } {
    const wait = Math.max(0, invocation.context.deadlineMs - Date.now()) + this.options.graceMs;
    const timer = setTimeout(() => {
      if (!state.timedOut || this.options.debuggerMayPause()) return;
      this.options.info(`${this.options.functionName}: request ${invocation.context.awsRequestId} still ran ${this.options.graceMs} ms after its deadline; environment killed`);
      void environment.dispose();
    }, wait);
    return { timer };
  }

  private async acquire(): Promise<number> {
    for (;;) {
      const idle = this.slots.findIndex((slot) => !slot.busy);
      if (idle >= 0 || this.closed) {
        const index = idle >= 0 ? idle : this.slots.push({ busy: false }) - 1;
        this.slots[index]!.busy = true;
        return index;
      }
      if (this.slots.length < this.options.concurrency) {
        return this.slots.push({ busy: true }) - 1;
      }
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }
}
