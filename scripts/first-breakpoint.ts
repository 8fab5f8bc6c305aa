// Time from `npm i` to a first breakpoint in the sample CDK app (examples/cdk-app) on the sandbox, as a
// user goes: install the packed plldb into a copy of the app, `plldb sandbox --app .`, `plldb discover`,
// `plldb debug --inspect`, an inspector client with a breakpoint set by .ts line in src/orders.ts (as
// VS Code sets it: before each source-mapped script runs, the line is mapped to the compiled code),
// `plldb invoke`, until Debugger.paused at that line. Prints each stage's time and the sizes.
//
//   npx tsx scripts/first-breakpoint.ts [--tarball plldb-x.y.z.tgz]   (without --tarball: npm pack first)
//
// Needs the npm registry (npm i), python3, and the repository's node_modules (the app's own CDK
// dependencies are linked from there, as a user's CDK app has them installed). Leaves nothing behind.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { LEAST_UPPER_BOUND, TraceMap, generatedPositionFor, originalPositionFor } from '@jridgewell/trace-mapping';
import { SIGTERM_EXIT_CODE } from '../cli/src/debug/shutdown.js';
import { PACKAGE_ROOT as ROOT } from '../sandbox/package-root.js';
import { InspectorClient, type InspectorEvent } from '../test/support/inspector-client.js';

const execFileAsync = promisify(execFile);
const APP_DEPENDENCIES = ['aws-cdk-lib', 'constructs', 'tsx'];
const EVENT = '{"item":"tea","quantity":2}';
const STEP_TIMEOUT_MS = 180_000;
const now = () => performance.now();

function inlineSourceMap(url: unknown): TraceMap | undefined {
  const match = typeof url === 'string' ? /^data:application\/json;(?:charset=utf-8;)?base64,(.*)$/.exec(url) : null;
  return match ? new TraceMap(Buffer.from(match[1] as string, 'base64').toString('utf8')) : undefined;
}

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** A long-running plldb command; its output is kept and `lines` grows as it prints. */
function start(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, children: ChildProcess[]): { child: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, lines, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

/** Fails when the process ended before what is awaited from it happened. */
function running(proc: { child: ChildProcess; lines: string[] }, name: string): void {
  if (proc.child.exitCode !== null) throw new Error(`${name} exited with ${proc.child.exitCode}:\n${proc.lines.join('\n')}`);
}

async function stop(proc: { child: ChildProcess; exited: Promise<number | null> }): Promise<number | null> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
  return proc.exited;
}

async function main(): Promise<void> {
  const tarballArg = process.argv.indexOf('--tarball');
  const work = mkdtempSync(join(tmpdir(), 'plldb-first-breakpoint-'));
  const children: ChildProcess[] = [];
  let client: InspectorClient | undefined;
  try {
    let tarball = tarballArg > 0 ? resolve(process.argv[tarballArg + 1] ?? '') : '';
    if (!tarball) {
      const packed = now();
      const { stdout } = await execFileAsync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
      tarball = join(work, stdout.trim().split('\n').at(-1) as string);
      console.log(`npm pack (prepack: build + stack template): ${((now() - packed) / 1000).toFixed(1)} s`);
    }
    const app = join(work, 'app');
    cpSync(join(ROOT, 'examples', 'cdk-app'), app, { recursive: true, filter: (src) => !src.includes('__pycache__') });

    const t0 = now();
    await execFileAsync('npm', ['i', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: app });
    const installed = now();
    const { stdout: du } = await execFileAsync('du', ['-sh', join(app, 'node_modules')]);
    // The user's CDK app has its own dependencies installed already.
    for (const dep of APP_DEPENDENCIES) symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep));
    symlinkSync('../tsx/dist/cli.mjs', join(app, 'node_modules', '.bin', 'tsx'));

    const bin = join(app, 'node_modules', '.bin', 'plldb');
    const baseEnv: NodeJS.ProcessEnv = { ...process.env, PLLDB_STATE_DIR: join(work, 'state') };
    for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL']) delete baseEnv[name];
    mkdirSync(join(work, 'state'));
    const envFile = join(work, 'sandbox.env');
    const sandbox = start(bin, ['sandbox', '--app', '.', '--env-file', envFile, '--quiet'], app, baseEnv, children);
    await until('plldb sandbox (its env file)', () => {
      running(sandbox, 'plldb sandbox');
      return existsSync(envFile) || undefined;
    });
    const sandboxReady = now();
    const env: NodeJS.ProcessEnv = { ...baseEnv, ...Object.fromEntries(readFileSync(envFile, 'utf8').trim().split('\n').map((l) => l.replace(/^export /, '').split(/=(.*)/s).slice(0, 2) as [string, string])) };

    const { stdout: discovered } = await execFileAsync(bin, ['discover', '--app', '.', '--json'], { cwd: app, env });
    const discoveredAt = now();
    const functions = JSON.parse(discovered) as { logicalId: string; functionName?: string; source?: string }[];
    const placeOrder = functions.find((f) => f.logicalId.startsWith('PlaceOrder'))?.functionName;
    if (!placeOrder) throw new Error(`plldb discover found no deployed PlaceOrder:\n${discovered}`);

    const port = await freePort();
    const debug = start(bin, ['debug', '--inspect', `127.0.0.1:${port}`], app, env, children);
    await until('plldb debug (its "debugging" line)', () => {
      running(debug, 'plldb debug');
      return debug.lines.some((l) => l.startsWith('debugging ')) || undefined;
    });
    const debugReady = now();
    const inspectorUrl = await until('the inspector URL', () => debug.lines.map((l) => /(ws:\/\/\S+?)\)?:?\s/.exec(`${l} `)?.[1]).find(Boolean));

    const sourceFile = join(app, 'src', 'orders.ts');
    const tsLine = readFileSync(sourceFile, 'utf8').split('\n').findIndex((l) => l.includes('const quantity'));
    client = await InspectorClient.connect(inspectorUrl, (c) => {
      c.toWorker('Debugger.enable');
      c.toWorker('Debugger.setInstrumentationBreakpoint', { instrumentation: 'beforeScriptWithSourceMapExecution' });
    });
    const attached = now();

    const invoke = spawn(bin, ['invoke', placeOrder, '--event', '-'], { cwd: app, env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(invoke);
    let invokeOut = '';
    invoke.stdout.on('data', (c: Buffer) => (invokeOut += c.toString('utf8')));
    const invokeExited = new Promise<number | null>((r) => invoke.once('exit', (code) => r(code)));
    invoke.stdin.end(EVENT);
    const invoked = now();

    const scripts = (id: unknown) => client!.workerEvents.find((e) => e.method === 'Debugger.scriptParsed' && e.params.scriptId === id)?.params;
    let seen = 0;
    let paused: InspectorEvent | undefined;
    let map: { trace: TraceMap; source: string } | undefined;
    while (!paused) {
      const event = await until('Debugger.paused', () => client!.workerEvents.slice(seen).find((e) => e.method === 'Debugger.paused'));
      seen = client.workerEvents.indexOf(event) + 1;
      if ((event.params.hitBreakpoints as string[] | undefined)?.length) {
        paused = event;
        break;
      }
      // A worker stops once on start (it waited for this client); an instrumentation stop is before a script runs.
      if (event.params.reason !== 'instrumentation') {
        client.toWorker('Debugger.resume');
        continue;
      }
      const scriptId = (event.params.data as { scriptId: string }).scriptId;
      const trace = inlineSourceMap(scripts(scriptId)?.sourceMapURL);
      const source = trace?.sources.find((s) => s?.endsWith('orders.ts'));
      if (trace && source) {
        map = { trace, source };
        // trace-mapping's lines are 1-based, columns 0-based; the inspector's are both 0-based.
        const at = generatedPositionFor(trace, { source, line: tsLine + 1, column: 0, bias: LEAST_UPPER_BOUND });
        if (at.line === null) throw new Error(`src/orders.ts line ${tsLine + 1} has no compiled code`);
        client.toWorker('Debugger.setBreakpoint', { location: { scriptId, lineNumber: at.line - 1, columnNumber: at.column } });
      }
      client.toWorker('Debugger.resume');
    }
    const pausedAt = now();
    const frame = (paused.params.callFrames as { location: { lineNumber: number; columnNumber: number } }[])[0]!.location;
    const back = map && originalPositionFor(map.trace, { line: frame.lineNumber + 1, column: frame.columnNumber });
    if (!back || back.source !== map?.source || back.line !== tsLine + 1) throw new Error(`paused, but not at src/orders.ts:${tsLine + 1} (${JSON.stringify(frame)})`);
    client.toWorker('Debugger.resume');
    const invokeCode = await invokeExited;

    const ms = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
    console.log(`\nplldb discover --app . --json (against the sandbox):\n${discovered.trim()}`);
    console.log(`\nplldb invoke ${placeOrder} (exit ${invokeCode}): ${invokeOut.trim()}`);
    console.log(`\ntarball: ${(statSync(tarball).size / 1024 / 1024).toFixed(2)} MB (${tarball.split('/').at(-1)})`);
    console.log(`installed: ${du.split('\t')[0]} (du -sh node_modules, before linking the app's CDK dependencies)`);
    console.log(`npm i <tarball>:                         ${ms(t0, installed)}`);
    console.log(`plldb sandbox --app . ready:             ${ms(installed, sandboxReady)}`);
    console.log(`plldb discover --app . --json:           ${ms(sandboxReady, discoveredAt)}`);
    console.log(`plldb debug --inspect ready:             ${ms(discoveredAt, debugReady)}`);
    console.log(`inspector client attached:               ${ms(debugReady, attached)}`);
    console.log(`plldb invoke -> paused at src/orders.ts:${tsLine + 1}: ${ms(invoked, pausedAt)}`);
    console.log(`npm i -> first breakpoint (machine time): ${ms(t0, pausedAt)}`);
    if (invokeCode !== 0) throw new Error('plldb invoke failed');
    if ((await stop(debug)) !== SIGTERM_EXIT_CODE) console.log(`plldb debug did not exit with ${SIGTERM_EXIT_CODE} after SIGTERM`);
    if ((await stop(sandbox)) !== 0) console.log('plldb sandbox did not exit 0 after SIGTERM');
  } finally {
    client?.close();
    // SIGTERM first, so each cleans up (the sandbox removes its functions' code), SIGKILL if it hangs.
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
    }
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
