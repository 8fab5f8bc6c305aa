import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { LaunchPlan } from './launch.js';
import { MemoryWatch } from './memory-watch.js';
import { RuntimeApiServer, type RuntimeInvocation, type RuntimeOutcome } from './runtime-api-server.js';
import type { InstanceInfo, InstanceState } from './types.js';

/** What an instance reports to the host. */
export interface InstanceEvents {
  onReady(instance: FunctionInstance): void;
  onNext(instance: FunctionInstance): void;
  onDelivered(instance: FunctionInstance, requestId: string, deadlineMs: number): void;
  onOutcome(instance: FunctionInstance, requestId: string, outcome: RuntimeOutcome): void;
  onInitError(instance: FunctionInstance, errorType: string | undefined, body: string): void;
  onExit(instance: FunctionInstance, code: number | null, signal: NodeJS.Signals | null): void;
  onLine(instance: FunctionInstance, line: string, stream: 'stdout' | 'stderr'): void;
}

/** One execution environment: a runtime process and its own Runtime API server. */
export class FunctionInstance {
  state: InstanceState = 'starting';
  /** The invocation it was given and has not answered yet. */
  current: string | undefined;
  private child: ChildProcess | undefined;
  private command: string | undefined;
  private readonly api: RuntimeApiServer;
  private readonly exited: Promise<void>;
  private markExited!: () => void;
  private killed: Promise<void> | undefined;
  private memory: MemoryWatch | undefined;

  constructor(
    readonly id: string,
    /** Configuration generation it was started with; stale instances retire after their invocation. */
    readonly generation: number,
    private readonly events: InstanceEvents,
  ) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    this.api = new RuntimeApiServer({
      onReady: () => events.onReady(this),
      onNext: () => events.onNext(this),
      onDelivered: (requestId, deadlineMs) => events.onDelivered(this, requestId, deadlineMs),
      onOutcome: (requestId, outcome) => events.onOutcome(this, requestId, outcome),
      onInitError: (errorType, body) => events.onInitError(this, errorType, body),
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  info(): InstanceInfo {
    return { id: this.id, pid: this.pid, command: this.command, state: this.state, ...(this.current ? { requestId: this.current } : {}) };
  }

  /** Starts the Runtime API server and returns its `host:port`. */
  async listen(): Promise<string> {
    await this.api.start();
    return this.api.endpoint;
  }

  /** Starts the runtime process (in its own process group, so a kill reaches whatever it spawned). */
  spawn(plan: LaunchPlan): void {
    const child = spawn(plan.command, plan.args, { cwd: plan.cwd, env: plan.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    this.command = plan.command;
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream], crlfDelay: Infinity }).on('line', (line) => this.events.onLine(this, line, stream));
    }
    let reported = false;
    const report = (code: number | null, signal: NodeJS.Signals | null) => {
      if (reported) return;
      reported = true;
      this.memory?.stop();
      this.markExited();
      this.events.onExit(this, code, signal);
    };
    child.on('error', (err) => {
      this.events.onLine(this, JSON.stringify({ level: 'ERROR', event: 'spawn_failed', instanceId: this.id, message: err.message }), 'stderr');
      report(127, null);
    });
    child.on('close', report);
  }

  /** Counts the process's resident memory against `limitMb`, as Lambda counts it against MemorySize. */
  watchMemory(limitMb: number, onExceeded: (usedMb: number) => void): void {
    if (this.child?.pid !== undefined) this.memory = new MemoryWatch(this.child.pid, limitMb, onExceeded);
  }

  /** The REPORT line's "Max Memory Used": the process's peak resident memory so far (MB). */
  maxMemoryUsedMb(): number | undefined {
    return this.memory?.peakMb();
  }

  deliver(invocation: RuntimeInvocation): void {
    this.current = invocation.requestId;
    this.api.deliver(invocation);
  }

  /** SIGKILLs the runtime's process group and closes the Runtime API; resolves once it is gone. */
  kill(): Promise<void> {
    this.killed ??= this.terminate();
    return this.killed;
  }

  private async terminate(): Promise<void> {
    this.state = 'stopping';
    this.memory?.stop();
    const pid = this.child?.pid;
    const running = this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
    if (pid !== undefined) {
      // The whole group, also when its leader is gone: a process it spawned (the deployed runtime) may outlive it.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        if (running) this.child?.kill('SIGKILL');
      }
      if (running) await this.exited;
    }
    await this.api.stop();
  }
}
