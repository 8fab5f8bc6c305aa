import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SANDBOX_LAYERS } from '../../sandbox/index.js';
import { preciseNow } from '../../sandbox/common/clock.js';
import { PACKAGE_ROOT } from '../../sandbox/package-root.js';
import { instant } from '../debugger.js';
import { slope } from '../stats.js';
import type { BenchWorld, LayerKind } from '../world.js';

const execFileAsync = promisify(execFile);

/** Per layer, over the cold starts (ms): process start to the first /next, and to the debugger having the first request. */
export interface ColdStarts {
  init: Record<LayerKind, number[]>;
  notified: Record<LayerKind, number[]>;
}

/**
 * Process start to the first /next (ms) over `starts` cold starts of the PLLDB runtime on each layer,
 * alternating the layers so that load from elsewhere on the machine falls on both alike; and, as the
 * runtime finishes loading while that /next waits, process start to the debugger having the request.
 */
export async function measureInit(world: BenchWorld, starts: number): Promise<ColdStarts> {
  const layers: LayerKind[] = ['node', 'standalone'];
  const out: ColdStarts = { init: { node: [], standalone: [] }, notified: { node: [], standalone: [] } };
  world.debuggerClient.answerDelay = instant;
  for (let k = 0; k < starts; k += 1) {
    for (const layer of layers) {
      const name = world.layerFunction(layer);
      await world.sandbox.functions.killInstance(name);
      const before = preciseNow();
      const { result } = await world.invoke(name, { coldStart: k });
      const started = world.sandbox.metrics().instances.find((i) => i.functionName === name && i.spawnedAt >= before);
      if (started?.firstNextAt !== undefined) out.init[layer].push(started.firstNextAt - started.spawnedAt);
      const receivedAt = world.debuggerClient.times.get(result.requestId)?.receivedAt;
      if (started !== undefined && receivedAt !== undefined) out.notified[layer].push(receivedAt - started.spawnedAt);
    }
  }
  return out;
}

export interface MemoryResult {
  invocations: number;
  /** Resident set size (MB) of the runtime process after every `every` invocations (key: invocations so far). */
  rssMb: Record<string, number>;
  /** The readings at the start and end of the growth window (100 and the last, by default). */
  fromInvocation: number;
  toInvocation: number;
  fromMb: number;
  toMb: number;
  /**
   * Growth over the window as the least-squares trend of all its readings (slope × span): a single
   * reading falls anywhere in V8's grow-and-collect cycle, a leak shows as a steady slope.
   */
  growthMb: number;
  peakMb: number;
}

/** Growth is read from this many invocations on (the issue: from 100 to 1000). */
const GROWTH_FROM = 100;

/**
 * Runs `invocations` instant invocations on one fresh runtime process, reading its VmRSS as it goes.
 * Without latency injection: it measures memory, not time, and the run is shorter.
 */
export async function measureMemory(world: BenchWorld, invocations: number, every: number): Promise<MemoryResult> {
  const name = world.layerFunction('node');
  const { conditions } = world.sandbox;
  const callDelayMs = conditions.callDelayMs;
  world.debuggerClient.answerDelay = instant;
  await world.sandbox.functions.killInstance(name);
  conditions.callDelayMs = 0;
  try {
    const readings: [number, number][] = [];
    for (let n = 1; n <= invocations; n += 1) {
      await world.invoke(name, { memory: n });
      if (n % every !== 0 && n !== invocations) continue;
      const pid = world.sandbox.functions.instances(name)[0]?.pid;
      if (pid !== undefined) readings.push([n, vmRssMb(pid)]);
    }
    return summarizeMemory(invocations, readings);
  } finally {
    conditions.callDelayMs = callDelayMs;
  }
}

export function summarizeMemory(invocations: number, readings: [number, number][]): MemoryResult {
  const last = readings[readings.length - 1] ?? [invocations, Number.NaN];
  const first = readings.find(([n]) => n >= GROWTH_FROM && n < last[0]) ?? readings[0] ?? last;
  const window = readings.filter(([n]) => n >= first[0]);
  return {
    invocations,
    rssMb: Object.fromEntries(readings.map(([n, mb]) => [String(n), mb])),
    fromInvocation: first[0],
    toInvocation: last[0],
    fromMb: first[1],
    toMb: last[1],
    growthMb: window.length > 1 ? slope(window) * (last[0] - first[0]) : 0,
    peakMb: Math.max(...readings.map(([, mb]) => mb)),
  };
}

function vmRssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) / 1024;
}

export interface Sizes {
  /** Bytes: `plldb/runtime.mjs` and the chunks it loads on first use. */
  runtimeBundle: number;
  /** Bytes of `plldb/runtime.mjs` and the chunks it imports statically: what start-up loads. */
  runtimeEntry: number;
  baselineBundle: number;
  /** Each layer folder zipped with `zip -r -9`, bytes; the standalone ones only when asked for. */
  nodeLayerZip: number;
  /** Each standalone layer folder unzipped (its files' bytes). */
  standaloneX8664Bytes: number;
  standaloneArm64Bytes: number;
  standaloneX8664Zip?: number;
  standaloneArm64Zip?: number;
}

/** Bundle sizes and zipped layers; the zips run as child processes (the standalone ones take a while). */
export async function measureSizes(baselineBundle: string, standalone: boolean): Promise<Sizes> {
  const tmp = mkdtempSync(join(tmpdir(), 'plldb-bench-zip-'));
  try {
    const zipped = async (dir: string): Promise<number> => {
      const zip = join(tmp, `${dir.replace(/\W/g, '_')}.zip`);
      await execFileAsync('zip', ['-r', '-9', '-q', zip, '.'], { cwd: join(PACKAGE_ROOT, dir) });
      return statSync(zip).size;
    };
    const [nodeLayerZip, standaloneX8664Zip, standaloneArm64Zip] = await Promise.all([
      zipped(SANDBOX_LAYERS.node.dir),
      standalone ? zipped(SANDBOX_LAYERS.standaloneX8664.dir) : undefined,
      standalone ? zipped(SANDBOX_LAYERS.standaloneArm64.dir) : undefined,
    ]);
    return {
      runtimeBundle: treeBytes(join(PACKAGE_ROOT, SANDBOX_LAYERS.node.dir, 'plldb'), (name) => name.endsWith('.mjs')),
      runtimeEntry: initPathBytes(join(PACKAGE_ROOT, SANDBOX_LAYERS.node.dir, 'plldb', 'runtime.mjs')),
      baselineBundle: statSync(baselineBundle).size,
      nodeLayerZip,
      standaloneX8664Bytes: treeBytes(join(PACKAGE_ROOT, SANDBOX_LAYERS.standaloneX8664.dir), () => true),
      standaloneArm64Bytes: treeBytes(join(PACKAGE_ROOT, SANDBOX_LAYERS.standaloneArm64.dir), () => true),
      ...(standaloneX8664Zip !== undefined ? { standaloneX8664Zip } : {}),
      ...(standaloneArm64Zip !== undefined ? { standaloneArm64Zip } : {}),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Bytes of a bundle file and of the chunks it imports statically (`import … from "./…"`, `import "./…"`), transitively. */
export function initPathBytes(entry: string): number {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/\b(?:from|import)\s*"(\.{1,2}\/[^"]+)"/g)) visit(join(dirname(file), spec as string));
  };
  visit(entry);
  return [...seen].reduce((sum, file) => sum + statSync(file).size, 0);
}

/** Bytes of the files under `dir` whose names `counts` accepts. */
function treeBytes(dir: string, counts: (name: string) => boolean): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && counts(e.name))
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}
