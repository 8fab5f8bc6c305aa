import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Env } from '../protocol/index.js';
import { preciseNow } from '../sandbox/common/clock.js';
import { SANDBOX_LAYERS, startSandbox, type FunctionDefinition, type InvokeResult, type Sandbox } from '../sandbox/index.js';
import { buildBaselineLayer, type BaselineLayer } from './baseline/layer.js';
import { BenchDebugger, instant } from './debugger.js';
import { LogCollector } from './logs.js';

export type Strategy = 'plldb' | 'baseline';
export type LayerKind = 'node' | 'standalone';

export interface WorldOptions {
  callDelayMs: number;
  streamDelayMs: number;
  /** Extra variables for the PLLDB functions (runtime tuning knobs, NODE_OPTIONS). */
  plldbEnv: Record<string, string>;
  /** The slow debugger's longest answer delay: the functions' timeout leaves room for it. */
  slowToMs: number;
}

/** How long an environment may take to finish its bookkeeping after the caller has the result. */
const IDLE_WAIT_MS = 5000;
const IDLE_POLL_MS = 2;
/** Room beyond the slowest answer for the runtime's deadline margin and the path itself. */
const TIMEOUT_SLACK_S = 10;
const LAMBDA_MAX_TIMEOUT_S = 900;
/**
 * The heap limit the wrapper is to give the runtime on a 128 MB function (the bench's functions'
 * memory): without one V8 grows the heap towards the host's memory before it collects, and the
 * runtime's resident memory saws up past 100 MB. 48 MB keeps it flat near 70 MB and leaves room for
 * a 6 MB event's copies. `--plldb-env NODE_OPTIONS=` overrides it.
 */
const RUNTIME_NODE_OPTIONS = '--max-old-space-size=48';

/**
 * Everything the measurements share: one sandbox with latency injection, one debugger connection,
 * the baseline layer, and the functions (each strategy's functions attached to that debugger).
 */
export class BenchWorld {
  private readonly created = new Set<string>();

  private constructor(
    readonly sandbox: Sandbox,
    readonly debuggerClient: BenchDebugger,
    readonly logs: LogCollector,
    readonly baseline: BaselineLayer,
    private readonly tmp: string,
    private readonly options: WorldOptions,
  ) {}

  static async start(options: WorldOptions): Promise<BenchWorld> {
    const tmp = mkdtempSync(join(tmpdir(), 'plldb-bench-'));
    const logs = new LogCollector();
    let sandbox: Sandbox | undefined;
    try {
      const baseline = await buildBaselineLayer(join(tmp, 'baseline-layer'));
      writeFileSync(join(tmp, 'index.mjs'), 'export const handler = async () => ({ ok: true });\n');
      sandbox = await startSandbox({ callDelayMs: options.callDelayMs, streamDelayMs: options.streamDelayMs, onLog: logs.onLog, concurrency: 20 });
      const debuggerClient = await BenchDebugger.connect(sandbox.endpoints.webSocketUrl);
      return new BenchWorld(sandbox, debuggerClient, logs, baseline, tmp, options);
    } catch (err) {
      await sandbox?.stop();
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * `count` functions of a strategy, named `bench-{strategy}-{i}`, created and warmed (answered at
   * once) on first use, so cold starts and PLLDB's role assumption at init stay out of the phases.
   * Leaves the debugger answering at once: set its delay after this.
   */
  async functions(strategy: Strategy, count: number): Promise<string[]> {
    const names = Array.from({ length: count }, (_, i) => `bench-${strategy}-${i + 1}`);
    const fresh = names.filter((name) => !this.created.has(name));
    this.debuggerClient.answerDelay = instant;
    for (const name of fresh) this.create(this.definition(name, strategy, 'node'));
    await Promise.all(fresh.map((name) => this.invoke(name, { warm: true })));
    return names;
  }

  /**
   * Invokes and waits until the function's environments are idle again: the runtime keeps working
   * (bookkeeping) after the caller has its result, and an invocation arriving meanwhile would start
   * a second environment, whose requests and memory would mix with the first's.
   */
  async invoke(name: string, event: unknown): Promise<{ result: InvokeResult; returnedAt: number }> {
    const result = await this.sandbox.invoke(name, event);
    const returnedAt = preciseNow();
    const giveUpAt = Date.now() + IDLE_WAIT_MS;
    while (Date.now() < giveUpAt && this.sandbox.functions.instances(name).some((i) => i.state !== 'idle')) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
    }
    return { result, returnedAt };
  }

  /** A function with the PLLDB runtime on the given layer (not started until invoked). */
  layerFunction(layer: LayerKind): string {
    const name = `bench-init-${layer}`;
    if (!this.created.has(name)) this.create(this.definition(name, 'plldb', layer));
    return name;
  }

  async stop(): Promise<void> {
    await this.debuggerClient.close();
    await this.sandbox.stop();
    rmSync(this.tmp, { recursive: true, force: true });
  }

  private create(def: FunctionDefinition): void {
    this.sandbox.createFunction(def);
    this.created.add(def.name);
  }

  private definition(name: string, strategy: Strategy, layer: LayerKind): FunctionDefinition {
    // As `plldb attach` sets them: the role ARN lets the PLLDB runtime assume the role at init.
    const attach = { ...this.sandbox.debugEnvironment(this.debuggerClient.connectionId), [Env.DebuggerRoleArn]: this.sandbox.roleArn };
    const timeout = Math.min(LAMBDA_MAX_TIMEOUT_S, Math.ceil(this.options.slowToMs / 1000) + TIMEOUT_SLACK_S);
    const common = { name, runtime: 'nodejs22.x', handler: 'index.handler', codeDir: this.tmp, timeout };
    if (strategy === 'baseline') return { ...common, environment: { ...attach, [Env.ExecWrapper]: this.baseline.wrapper } };
    const standalone = process.arch === 'arm64' ? SANDBOX_LAYERS.standaloneArm64 : SANDBOX_LAYERS.standaloneX8664;
    return { ...common, layers: [layer === 'node' ? SANDBOX_LAYERS.node.arn : standalone.arn], environment: { ...attach, NODE_OPTIONS: RUNTIME_NODE_OPTIONS, ...this.options.plldbEnv } };
  }
}
