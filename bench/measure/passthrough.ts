import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Env } from '../../protocol/index.js';
import { SANDBOX_LAYERS } from '../../sandbox/index.js';
import { preciseNow } from '../../sandbox/common/clock.js';
import { distribution, type Distribution } from '../stats.js';
import type { BenchWorld } from '../world.js';

export interface PassthroughResult {
  invocations: number;
  /** Invoke to result (ms): the function without PLLDB, and the same code answering through PLLDB's proxy. */
  deployedAlone: Distribution;
  passthrough: Distribution;
  /** passthrough p50 - deployedAlone p50, and the same for p95 (ms). */
  addedP50Ms: number;
  addedP95Ms: number;
  /** Resident memory (MB) after the run: PLLDB's runtime, the deployed runtime it started, and the function without PLLDB. */
  rssMb: { plldbRuntime: number; deployedRuntime: number; deployedAlone: number };
}

/** A route filter no bench event matches: every invocation is answered by the deployed code (writes nothing, sends nothing). */
const NEVER_MATCHES = '{"plldbBench":["never"]}';

/**
 * Pass-through overhead: the same handler invoked `invocations` times without PLLDB and through
 * PLLDB's Runtime API proxy (warm, alternating so that machine load falls on both alike), and the
 * warm resident memory of both processes.
 */
export async function measurePassthrough(world: BenchWorld, invocations: number): Promise<PassthroughResult> {
  const codeDir = mkdtempSync(join(tmpdir(), 'plldb-bench-passthrough-'));
  const alone = 'bench-deployed-alone';
  const proxied = 'bench-passthrough';
  try {
    writeFileSync(join(codeDir, 'index.mjs'), 'export const handler = async (event) => ({ ok: true, n: event.n });\n');
    const common = { runtime: 'nodejs22.x', handler: 'index.handler', codeDir, timeout: 30 };
    world.sandbox.createFunction({ ...common, name: alone });
    world.sandbox.createFunction({
      ...common,
      name: proxied,
      layers: [SANDBOX_LAYERS.node.arn],
      environment: { ...world.sandbox.debugEnvironment(world.debuggerClient.connectionId), [Env.DebuggerRoleArn]: world.sandbox.roleArn, [Env.RouteFilter]: NEVER_MATCHES },
    });
    for (const name of [alone, proxied]) await world.invoke(name, { n: 0 });
    const times: Record<string, number[]> = { [alone]: [], [proxied]: [] };
    for (let n = 1; n <= invocations; n += 1) {
      for (const name of n % 2 === 0 ? [alone, proxied] : [proxied, alone]) {
        const invokedAt = preciseNow();
        const { returnedAt, result } = await world.invoke(name, { n });
        if (result.functionError === undefined) times[name]?.push(returnedAt - invokedAt);
      }
    }
    const deployedAlone = distribution(times[alone] ?? []);
    const passthrough = distribution(times[proxied] ?? []);
    const plldbPid = world.sandbox.functions.instances(proxied)[0]?.pid;
    const alonePid = world.sandbox.functions.instances(alone)[0]?.pid;
    return {
      invocations,
      deployedAlone,
      passthrough,
      addedP50Ms: passthrough.p50 - deployedAlone.p50,
      addedP95Ms: passthrough.p95 - deployedAlone.p95,
      rssMb: {
        plldbRuntime: rssMb(plldbPid),
        deployedRuntime: rssMb(plldbPid === undefined ? undefined : childOf(plldbPid)),
        deployedAlone: rssMb(alonePid),
      },
    };
  } finally {
    rmSync(codeDir, { recursive: true, force: true });
  }
}

/** The deployed runtime: the PLLDB runtime's only child process. */
function childOf(pid: number): number | undefined {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return children.length > 0 ? Number(children[0]) : undefined;
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}
