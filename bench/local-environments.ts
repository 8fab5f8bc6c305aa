import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebuggerRequestMessage, DebuggerResponseMessage } from '../protocol/index.js';
import { handleRequest } from '../cli/src/debug/request-handler.js';
import { RunnerPool } from '../cli/src/runners/runner-pool.js';
import type { TrustedFunctionConfig } from '../cli/src/runners/environment.js';
import { instant } from './debugger.js';
import type { PhaseResult, InvocationSample } from './phase.js';
import { runPhase } from './phase.js';
import type { DistributionFigures } from './result.js';
import { distribution, distributionFigures, ratioFigure, type Figure } from './stats.js';
import type { BenchWorld } from './world.js';

/** End-to-end overhead, instant debugger: the direct answer's, and the one through plldb debug's execution environments (same run). */
export interface LocalEnvironmentsFigures {
  direct: DistributionFigures;
  local: DistributionFigures;
  /** The local run alone: request message in to answer out at the debugger (handleRequest, the environment, the handler). */
  localRun: DistributionFigures;
  /** Local p50 / direct p50, per round. */
  ratioP50: Figure;
}

/**
 * The instant debugger answering as `plldb debug` does: each request goes through the CLI's
 * handleRequest and RunnerPool, which run a trivial handler in the function's warm worker-thread
 * environment. Trust is the attached function's configuration, as the session holds it.
 */
class LocalAnswerer {
  private readonly dir = mkdtempSync(join(tmpdir(), 'plldb-bench-local-'));
  private readonly pool: RunnerPool;

  constructor() {
    writeFileSync(join(this.dir, 'index.mjs'), 'export const handler = async () => ({ ok: true });\n');
    // The bench functions run Node.js 22 on Lambda; the local version warning is not a figure.
    this.pool = new RunnerPool({ codeDir: this.dir, info: () => undefined, warn: () => undefined, output: () => undefined });
  }

  readonly answer = async (msg: DebuggerRequestMessage): Promise<DebuggerResponseMessage> => {
    const fn: TrustedFunctionConfig = { name: msg.lambdaFunctionName, arn: msg.invokedFunctionArn, handler: 'index.handler', runtime: 'nodejs22.x', memorySize: 128, environment: {} };
    const handled = await handleRequest(msg, {
      runners: this.pool,
      items: { requestJson: () => Promise.resolve(undefined) },
      functions: { trust: () => Promise.resolve({ kind: 'serve', fn }) },
      codeDir: this.dir,
      warn: () => undefined,
    });
    return handled!.answer;
  };

  async close(): Promise<void> {
    await this.pool.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * One instant phase answered through the local execution environments, on the instant phase's
 * function, warmed first (its environment started) so the samples are warm invocations.
 */
export async function runLocalEnvironmentsPhase(world: BenchWorld, invocations: number): Promise<PhaseResult> {
  const answerer = new LocalAnswerer();
  const [name] = await world.functions('plldb', 1);
  world.debuggerClient.answerWith = answerer.answer;
  try {
    await world.invoke(name!, { warm: true });
    return await runPhase(world, { scenario: 'instant-local-environments', strategy: 'plldb', delay: instant, invocations, parallel: 1 });
  } finally {
    world.debuggerClient.answerWith = undefined;
    await answerer.close();
  }
}

/**
 * Invoke to result. The debugger's time is not taken off as in the direct answer's overhead: it
 * is the environments' whole cost (request to invocation, worker thread, answer), the handler
 * itself doing nothing.
 */
export const endToEndMs = (s: InvocationSample) => s.returnedAt - s.invokedAt;

export function localEnvironmentsFigures(direct: PhaseResult[], local: PhaseResult[], directOverheadMs: (s: InvocationSample) => number): LocalEnvironmentsFigures {
  const perRound = (phases: PhaseResult[], metric: (s: InvocationSample) => number) => phases.map((ph) => distribution(ph.samples.map(metric)));
  const d = perRound(direct, directOverheadMs);
  const l = perRound(local, endToEndMs);
  const run = perRound(local, (s) => s.sentAt - s.receivedAt);
  const figures = (perRun: ReturnType<typeof distribution>[]): DistributionFigures => ({ n: Math.min(...perRun.map((x) => x.n)), ...distributionFigures(perRun) });
  return {
    direct: figures(d),
    local: figures(l),
    localRun: figures(run),
    ratioP50: ratioFigure(
      l.map((x) => x.p50),
      d.map((x) => x.p50),
    ),
  };
}
