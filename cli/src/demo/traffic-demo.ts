import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Attr, Env, Status, WhenDisconnected } from '../../../protocol/index.js';
import type { Sandbox } from '../../../sandbox/index.js';
import { makeAttacher } from '../commands/common.js';
import { CliError } from '../errors.js';
import type { DemoOptions, DemoOutput } from './run-demo.js';
import { overrideEnvironment } from './environment.js';
import { checkPrerequisites } from './prerequisites.js';
import { table } from './report.js';
import { runStaged } from './staged-run.js';
import { examplesDir } from './sample-functions.js';

/** Past this the demo stops and says where it was (it starts two environments, two deployed runtimes and a plldb debug process). */
const DEMO_DEADLINE_MS = 60_000;

/** Only events with `"debug": true` go to the debugger; the deployed code answers the others. */
const FILTER = '{"debug":[true]}';
const FILTERED = { name: 'plldb-demo-filtered', runtime: 'nodejs22.x', handler: 'node/index.handler' };
const PASSTHROUGH = { name: 'plldb-demo-passthrough', runtime: 'python3.12', handler: 'python/app.handler' };
const FILTERED_EVENTS = [{ name: 'Ada', debug: true }, { name: 'Grace' }, { name: 'Alan', debug: true }, { name: 'Edsger' }];

interface Row {
  functionName: string;
  event: unknown;
  answeredBy: 'debugger' | 'deployed code';
  ok: boolean;
  summary: string;
}

/**
 * `plldb demo --traffic`: one function with a route filter (half its invocations to the debugger,
 * half answered by its deployed code) and one that keeps working after `plldb debug` is killed
 * (`--when-disconnected passthrough`), on a local sandbox with the real built layer and a real
 * `plldb debug` process. Returns the exit code; leaves nothing running.
 */
export async function runTrafficDemo(options: DemoOptions, out: DemoOutput): Promise<number> {
  const resources: Resources = { restoreEnv: [] };
  const run = { name: 'the traffic demo', deadlineMs: DEMO_DEADLINE_MS, onTimeout: 'the machine may be very busy: try again' };
  return runStaged(run, out, (enter) => demo(options, out, resources, enter), () => cleanUp(resources));
}

interface Resources {
  sandbox?: Sandbox;
  debug?: ChildProcess;
  restoreEnv: (() => void)[];
  stateDir?: string;
}

async function demo(options: DemoOptions, out: DemoOutput, resources: Resources, enter: (stage: string) => void): Promise<void> {
  const examples = examplesDir();
  const root = dirname(examples);
  checkPrerequisites(root, options.python);
  out.info('PLLDB traffic demo: who answers an invocation, the debugger or the deployed code (local sandbox, real layer)');
  resources.restoreEnv.push(overrideEnvironment({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }));

  enter('starting the sandbox');
  const { startSandbox } = await import('../../../sandbox/index.js');
  const sandbox = (resources.sandbox = await startSandbox({ pythonCommand: options.python }));
  resources.stateDir = mkdtempSync(join(tmpdir(), 'plldb-demo-'));
  resources.restoreEnv.push(overrideEnvironment({ ...sandbox.env, PLLDB_STATE_DIR: resources.stateDir }));
  for (const fn of [FILTERED, PASSTHROUGH]) {
    sandbox.createFunction({ ...fn, codeDir: examples, timeout: 10 });
    out.info(`created ${fn.name} (${fn.runtime})`);
  }

  const lambda = new LambdaClient({ maxAttempts: 1 });
  const dynamo = new DynamoDBClient({});
  try {
    enter('starting plldb debug');
    const args = ['debug', '--function', FILTERED.name, '--function', PASSTHROUGH.name, '--code', examples, '--filter', FILTER, '--when-disconnected', WhenDisconnected.Passthrough];
    out.info(`\n$ plldb ${args.map((a) => (a.startsWith('{') ? `'${a}'` : a)).join(' ')}`);
    const debug = (resources.debug = spawn(process.execPath, [join(root, 'dist', 'cli', 'plldb.mjs'), ...args, '--stack', sandbox.stackName], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    await debuggerReady(debug, out);

    const rows: Row[] = [];
    const who = async (requestId: string) => ((await answeredByDebugger(dynamo, sandbox.tableName, requestId)) ? ('debugger' as const) : ('deployed code' as const));
    enter('invoking the filtered function');
    for (const event of FILTERED_EVENTS) rows.push(await invoke(lambda, FILTERED.name, event, who));
    enter('invoking the pass-through function');
    rows.push(await invoke(lambda, PASSTHROUGH.name, { name: 'Barbara', debug: true }, who));

    enter('killing plldb debug');
    out.info(`\n$ kill -9 ${debug.pid} (plldb debug ends without detaching: ${PASSTHROUGH.name} keeps ${Env.WhenDisconnected}=${WhenDisconnected.Passthrough})`);
    const exited = new Promise((resolve) => debug.once('exit', resolve));
    debug.kill('SIGKILL');
    await exited;
    delete resources.debug;
    for (const name of ['Barbara', 'Frances']) rows.push(await invoke(lambda, PASSTHROUGH.name, { name, debug: true }, who));

    out.info('\nInvocations, one at a time:');
    const lines = table(
      ['#', 'function', 'event', 'answered by', 'result'],
      rows.map((r, i) => [String(i + 1), r.functionName, JSON.stringify(r.event), r.answeredBy, `${r.ok ? 'ok' : 'error'}  ${r.summary}`]),
    );
    for (const line of lines) out.info(`  ${line}`);

    enter('detaching');
    out.info(`\n$ plldb detach --function ${FILTERED.name} --function ${PASSTHROUGH.name}`);
    const attacher = makeAttacher({ stack: sandbox.stackName });
    for (const fn of [FILTERED, PASSTHROUGH]) out.info(`  | ${(await attacher.detach(fn.name)).status === 'restored' ? `detached ${fn.name}: configuration restored` : `${fn.name} was not attached`}`);

    check(rows);
    out.info(`\n${FILTERED.name}: 2 of 4 invocations to the debugger (the filter), 2 answered by the deployed code; ${PASSTHROUGH.name}: answered by the deployed code after plldb debug was killed, no errors.`);
  } finally {
    lambda.destroy();
    dynamo.destroy();
  }
}

/** Waits for plldb debug's "debugging ..." line, showing its output indented; fails if it exits first. */
function debuggerReady(debug: ChildProcess, out: DemoOutput): Promise<void> {
  return new Promise((resolve, reject) => {
    let ready = false;
    const show = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        out.info(`  | ${line}`);
        if (!ready && line.startsWith('debugging ')) {
          ready = true;
          resolve();
        }
      }
    };
    debug.stdout?.on('data', show);
    debug.stderr?.on('data', show);
    debug.once('exit', (code) => {
      if (!ready) reject(new CliError(`plldb debug ended before it was ready (exit code ${code}; see its output above)`));
    });
  });
}

async function invoke(lambda: LambdaClient, functionName: string, event: Record<string, unknown>, who: (requestId: string) => Promise<Row['answeredBy']>): Promise<Row> {
  const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }));
  const payload = JSON.parse(Buffer.from(result.Payload ?? new Uint8Array()).toString('utf8') || 'null') as { message?: string; errorType?: string; errorMessage?: string } | null;
  const ok = result.FunctionError === undefined;
  const summary = ok ? (payload?.message ?? '') : `${payload?.errorType}: ${payload?.errorMessage}`;
  return { functionName, event, answeredBy: await who(result.$metadata.requestId ?? ''), ok, summary };
}

/**
 * The runtime writes a request item only for invocations it hands to the debugger. One that found the
 * debugger gone (FAILED after a 410, or answered with PLLDB.DebuggerDisconnected) went on to the deployed code.
 */
async function answeredByDebugger(dynamo: DynamoDBClient, tableName: string, requestId: string): Promise<boolean> {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: tableName, Key: { [Attr.RequestId]: { S: requestId } }, ConsistentRead: true }));
  return Item !== undefined && Item[Attr.Status]?.S !== Status.Failed && Item[Attr.Error] === undefined;
}

function check(rows: Row[]): void {
  const expected: Row['answeredBy'][] = ['debugger', 'deployed code', 'debugger', 'deployed code', 'debugger', 'deployed code', 'deployed code'];
  const wrong = rows.filter((r, i) => !r.ok || r.answeredBy !== expected[i]);
  if (wrong.length > 0) throw new CliError(`${wrong.length} invocation(s) were not answered as expected: ${wrong.map((r) => `${r.functionName} ${JSON.stringify(r.event)} -> ${r.answeredBy}, ${r.summary}`).join('; ')}`);
}

async function cleanUp(resources: Resources): Promise<void> {
  if (resources.debug && resources.debug.exitCode === null && resources.debug.signalCode === null) {
    const exited = new Promise((resolve) => resources.debug?.once('exit', resolve));
    resources.debug.kill('SIGKILL');
    await exited;
  }
  await resources.sandbox?.stop();
  for (const restore of resources.restoreEnv.reverse()) restore();
  if (resources.stateDir) rmSync(resources.stateDir, { recursive: true, force: true });
}
