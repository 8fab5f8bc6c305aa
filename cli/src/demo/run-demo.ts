import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Attr } from '../../../protocol/index.js';
import type { Sandbox } from '../../../sandbox/index.js';
import { lambdaFunctionConfigApi, type FunctionConfigApi } from '../aws/function-config-api.js';
import { iamRolePolicyApi, type RolePolicyApi } from '../aws/role-policy-api.js';
import type { SessionObserver } from '../debug/session.js';
import { CliError } from '../errors.js';
import { runStaged } from './staged-run.js';
import { cleanUpDemo, stopDebug, type DemoResources } from './demo-resources.js';
import { latencyRows, type InvocationTrace } from './breakdown.js';
import { describeConfig, differences, readRestorableConfig, type RestorableConfig } from './configuration-check.js';
import { startDebugInProcess } from './debug-in-process.js';
import { overrideEnvironment } from './environment.js';
import { checkPrerequisites } from './prerequisites.js';
import { HEADER, LEGEND, invocationTable, summary } from './report.js';
import { DEBUG_TIMEOUT_SECONDS, SAMPLE_EVENTS, SAMPLE_FUNCTIONS, examplesDir } from './sample-functions.js';

export interface DemoOptions {
  /** Python interpreter for the Python function and its local handler. */
  python: string;
}

export interface DemoOutput {
  info(line: string): void;
  warn(line: string): void;
}

/** The whole demo must end well within 30 s; past this it stops and says where it was. */
const DEMO_DEADLINE_MS = 25_000;

/** Epoch ms with sub-ms precision, on the same clock as the sandbox's metrics. */
export const now = (): number => performance.timeOrigin + performance.now();

/**
 * `plldb demo`: a sandbox with a Python and a Node.js sample function, `plldb debug` attached to
 * both, a few invocations with their latency breakdown, then detach and a check that the
 * functions are back to their configuration. Returns the exit code; leaves nothing running.
 */
export async function runDemo(options: DemoOptions, out: DemoOutput): Promise<number> {
  const resources: DemoResources = { restoreEnv: [] };
  const run = { name: 'the demo', deadlineMs: DEMO_DEADLINE_MS, onTimeout: 'the machine may be very busy: try again, or run the end-to-end tests (npm run test:jest -- test/cli)' };
  return runStaged(run, out, (enter) => demo(options, out, resources, enter), () => cleanUpDemo(resources, out));
}


async function demo(options: DemoOptions, out: DemoOutput, resources: DemoResources, enter: (stage: string) => void): Promise<void> {
  const examples = examplesDir();
  checkPrerequisites(dirname(examples), options.python);
  for (const line of HEADER) out.info(line);
  // The SDK's notice about Node.js versions would interrupt the demo's output.
  resources.restoreEnv.push(overrideEnvironment({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }));

  enter('starting the sandbox');
  const sandboxStartedAt = now();
  const { startSandbox, ROUTES_FUNCTION_NAME } = await import('../../../sandbox/index.js');
  const sandbox = (resources.sandbox = await startSandbox({ pythonCommand: options.python }));
  resources.tempDir = mkdtempSync(join(tmpdir(), 'plldb-demo-'));
  // The CLI's own clients reach the sandbox through the standard endpoint variables alone.
  resources.restoreEnv.push(overrideEnvironment({ ...sandbox.env, PLLDB_STATE_DIR: resources.tempDir }));
  out.info(`sandbox started in ${Math.round(now() - sandboxStartedAt)} ms: stack ${sandbox.stackName}, WebSocket API ${sandbox.endpoints.webSocketUrl}`);

  const lambda = new LambdaClient({ maxAttempts: 1 });
  const dynamo = new DynamoDBClient({});
  const iam = new IAMClient({});
  try {
    const functions = lambdaFunctionConfigApi(lambda);
    const policies = iamRolePolicyApi(iam);
    const before = new Map<string, RestorableConfig>();
    for (const fn of SAMPLE_FUNCTIONS) {
      sandbox.createFunction({ name: fn.name, runtime: fn.runtime, handler: fn.handler, codeDir: examples, timeout: fn.timeout, environment: fn.environment });
      before.set(fn.name, await readRestorableConfig(functions, policies, fn.name));
      out.info(`created ${fn.name} (${fn.runtime}, handler ${fn.handler}): ${describeConfig(before.get(fn.name)!)}`);
    }

    enter('starting plldb debug');
    out.info(`\n$ plldb debug --function ${SAMPLE_FUNCTIONS.map((f) => f.name).join(' --function ')} --code examples --timeout ${DEBUG_TIMEOUT_SECONDS}`);
    const seen = new Map<string, Pick<InvocationTrace, 'requestReceivedAt' | 'answerSentAt' | 'delivery'>>();
    const observer: SessionObserver = {
      requestReceived: (msg) => seen.set(msg.requestId, { requestReceivedAt: now() }),
      answerSent: (requestId, delivery) => Object.assign(seen.get(requestId) ?? {}, { answerSentAt: now(), delivery }),
    };
    const debugIo = { info: (l: string) => out.info(`  | ${l}`), warn: (l: string) => out.warn(`  | ${l}`) };
    resources.debug = await startDebugInProcess(
      { function: SAMPLE_FUNCTIONS.map((f) => f.name), code: examples, python: options.python, timeout: DEBUG_TIMEOUT_SECONDS, stack: sandbox.stackName },
      debugIo,
      observer,
    );

    enter('invoking the functions');
    sandbox.resetMetrics();
    const traces = await invokeAll(sandbox, lambda, dynamo, seen, ROUTES_FUNCTION_NAME);
    const rows = latencyRows(traces, sandbox.metrics());

    enter('stopping plldb debug (detach)');
    await stopDebug(resources, out, 'both functions');

    out.info('\nInvocations, one at a time:');
    for (const line of invocationTable(rows)) out.info(`  ${line}`);
    out.info(`  ${summary(rows)}`);
    out.info('');
    for (const line of LEGEND) out.info(`  ${line}`);

    enter('checking the restored configuration');
    out.info('\nConfiguration after detach:');
    for (const fn of SAMPLE_FUNCTIONS) out.info(`  ${fn.name}: restored exactly (${await checkRestored(functions, policies, fn.name, before.get(fn.name)!)})`);
    const failed = traces.filter((t) => t.ok === asksToFail(t.event));
    if (failed.length > 0) throw new CliError(`${failed.length} invocation(s) did not end as expected: ${failed.map((t) => `${t.functionName} ${JSON.stringify(t.event)} -> ${t.summary}`).join('; ')}`);
  } finally {
    lambda.destroy();
    dynamo.destroy();
    iam.destroy();
  }
}

/** Each sample function gets each sample event, one invocation at a time. */
async function invokeAll(sandbox: Sandbox, lambda: LambdaClient, dynamo: DynamoDBClient, seen: Map<string, Partial<InvocationTrace>>, routesFunction: string): Promise<InvocationTrace[]> {
  const traces: InvocationTrace[] = [];
  for (const fn of SAMPLE_FUNCTIONS) {
    for (const event of SAMPLE_EVENTS) {
      const trace = await invoke(lambda, fn.name, event);
      Object.assign(trace, seen.get(trace.requestId), { arm: await deliveredVia(dynamo, sandbox.tableName, trace.requestId) });
      traces.push(trace);
      // A late copy of this answer (relay or fast path) must not count for the next invocation.
      await sandbox.relay.whenIdle();
      if (trace.delivery === 'websocket') await fastPathDone(() => sandbox.logs(routesFunction).map((l) => l.line), trace.requestId);
    }
  }
  return traces;
}

/** Describes the function's configuration when it is as before attach; throws saying what differs otherwise. */
export async function checkRestored(functions: FunctionConfigApi, policies: RolePolicyApi, name: string, before: RestorableConfig): Promise<string> {
  const after = await readRestorableConfig(functions, policies, name);
  const changed = differences(before, after);
  if (changed.length > 0) throw new CliError(`${name} was not restored: ${changed.join(', ')} differ (now ${describeConfig(after)})`, 'this is a PLLDB defect: please report it with this output');
  return describeConfig(after);
}

/** The sample functions throw for `{"fail": true}`. */
function asksToFail(event: unknown): boolean {
  return (event as { fail?: unknown }).fail === true;
}

export async function invoke(lambda: LambdaClient, functionName: string, event: Record<string, unknown>): Promise<InvocationTrace> {
  const invokedAt = now();
  const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }));
  const returnedAt = now();
  const payload = Buffer.from(result.Payload ?? new Uint8Array()).toString('utf8');
  const parsed = parseJson(payload) as { message?: unknown; errorType?: unknown; errorMessage?: unknown } | undefined;
  const ok = result.FunctionError === undefined;
  const summary = ok ? (typeof parsed?.message === 'string' ? parsed.message : payload) : `${String(parsed?.errorType)}: ${String(parsed?.errorMessage)}`;
  return { functionName, event, requestId: result.$metadata.requestId ?? '?', invokedAt, returnedAt, ok, summary };
}

/** The item's DeliveredVia; the runtime records it just after returning the answer, so wait a little. */
async function deliveredVia(dynamo: DynamoDBClient, tableName: string, requestId: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { Item } = await dynamo.send(new GetItemCommand({ TableName: tableName, Key: { [Attr.RequestId]: { S: requestId } }, ConsistentRead: true }));
    const via = Item?.[Attr.DeliveredVia]?.S;
    if (via !== undefined) return via;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

/** Waits (at most a second) until the `$default` route logged its fast path for this request: sent, failed or skipped. */
async function fastPathDone(routeLogLines: () => string[], requestId: string): Promise<void> {
  const done = (line: string) => line.includes('"fast-path-') && line.includes(`"requestId":"${requestId}"`);
  for (let waited = 0; waited < 1000 && !routeLogLines().some(done); waited += 10) await new Promise((r) => setTimeout(r, 10));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
