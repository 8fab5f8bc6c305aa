import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../../sandbox/package-root.js';
import { lambdaFunctionConfigApi } from '../aws/function-config-api.js';
import { layerFolders } from '../commands/sandbox.js';
import { iamRolePolicyApi } from '../aws/role-policy-api.js';
import { discoverFunctions } from '../discover/discover.js';
import { deployToSandbox, type SandboxDeployment } from '../discover/sandbox-deploy.js';
import { CliError } from '../errors.js';
import { readRestorableConfig, type RestorableConfig } from './configuration-check.js';
import { startDebugInProcess } from './debug-in-process.js';
import { overrideEnvironment } from './environment.js';
import { checkPrerequisites, SHIPPED_BUILD_OUTPUTS } from './prerequisites.js';
import { table } from './report.js';
import { checkRestored, invoke, type DemoOptions, type DemoOutput } from './run-demo.js';
import { runStaged } from './staged-run.js';
import { cleanUpDemo, stopDebug, type DemoResources } from './demo-resources.js';

export interface AppDemoOptions extends DemoOptions {
  /** The CDK/SAM project (or plldb.config.json folder) whose functions are discovered and debugged. */
  app: string;
}

/** Past this the demo stops and says where it was: the CDK app is synthesized twice (deploy, then plldb debug's discovery). */
const APP_DEMO_DEADLINE_MS = 120_000;

/** Each function gets these, first from its deployed code, then through plldb debug from its source. */
const APP_EVENTS: readonly Record<string, unknown>[] = [{ item: 'tea', quantity: 2 }, { item: 'cake', quantity: 3 }];


interface Row {
  logicalId: string;
  functionName: string;
  source: string;
  event: unknown;
  deployedResult: string;
  debugResult: string;
  answeredBy: 'plldb debug' | 'deployed code';
  ok: boolean;
}

/**
 * `plldb demo --app DIR`: discovery on the sandbox. The project's functions are "deployed" to a
 * sandbox (created from their sources, listed by their stack), `plldb debug` with no --function
 * discovers and attaches them all in one session and runs each from its own source, each is
 * invoked, then detach and a check that every function is back to its configuration.
 */
export async function runAppDemo(options: AppDemoOptions, out: DemoOutput): Promise<number> {
  const resources: DemoResources = { restoreEnv: [] };
  const run = { name: 'the app demo', deadlineMs: APP_DEMO_DEADLINE_MS, onTimeout: 'the machine may be very busy, or the app slow to synthesize: try again' };
  return runStaged(run, out, (enter) => demo(options, out, resources, enter), () => cleanUpDemo(resources, out));
}

async function demo(options: AppDemoOptions, out: DemoOutput, resources: DemoResources, enter: (stage: string) => void): Promise<void> {
  const app = resolve(options.app);
  checkPrerequisites(PACKAGE_ROOT, options.python, SHIPPED_BUILD_OUTPUTS);
  out.info(`PLLDB app demo: the functions of ${app}, discovered, "deployed" to a local sandbox and debugged from their sources with plldb debug (no --function)`);
  resources.restoreEnv.push(overrideEnvironment({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }));

  enter('starting the sandbox');
  const { startSandbox } = await import('../../../sandbox/index.js');
  // The layer folders as plldb sandbox finds them: the build's in a clone, assembled once in an installed package.
  const sandbox = (resources.sandbox = await startSandbox({ pythonCommand: options.python, layers: await layerFolders() }));
  resources.tempDir = mkdtempSync(join(tmpdir(), 'plldb-app-demo-'));
  resources.restoreEnv.push(overrideEnvironment({ ...sandbox.env, PLLDB_STATE_DIR: join(resources.tempDir, 'state') }));

  enter('discovering and deploying the app');
  out.info(`\n$ plldb sandbox --app ${options.app}`);
  const { kind, functions } = await discoverFunctions(app);
  const deployment = await deployToSandbox(sandbox, functions, join(resources.tempDir, 'code'));
  if (deployment.deployed.length === 0) throw new CliError(`no function of ${app} could be deployed to the sandbox`, 'plldb discover --app DIR says why for each');
  out.info(`  | ${kind}: ${deployment.deployed.length} function(s) deployed to the sandbox`);
  for (const fn of deployment.deployed) out.info(`  |   ${fn.logicalId} (stack ${fn.stackName}) -> ${fn.functionName}  ${fn.runtime}  ${fn.handler}`);
  for (const line of deployment.skipped) out.warn(`  |   not deployed: ${line}`);

  const lambda = new LambdaClient({ maxAttempts: 1 });
  const iam = new IAMClient({});
  try {
    const configs = lambdaFunctionConfigApi(lambda);
    const policies = iamRolePolicyApi(iam);
    enter('invoking the deployed code');
    const before = new Map<string, RestorableConfig>();
    const deployedResults = new Map<string, string>();
    for (const fn of deployment.deployed) {
      before.set(fn.functionName, await readRestorableConfig(configs, policies, fn.functionName));
      for (const [i, event] of APP_EVENTS.entries()) deployedResults.set(`${fn.functionName}#${i}`, (await invoke(lambda, fn.functionName, event)).summary);
    }

    enter('starting plldb debug');
    out.info(`\n$ plldb debug --app ${options.app}`);
    const answered = new Set<string>();
    resources.debug = await startDebugInProcess(
      { app, python: options.python, stack: sandbox.stackName },
      { info: (l) => out.info(`  | ${l}`), warn: (l) => out.warn(`  | ${l}`) },
      { requestReceived: (msg) => answered.add(msg.requestId) },
    );

    enter('invoking the functions through plldb debug');
    const rows = await invokeThroughDebug(lambda, deployment, functions, app, deployedResults, answered);

    enter('stopping plldb debug (detach)');
    await stopDebug(resources, out, 'every function');

    out.info('\nInvocations, one at a time (first each function\'s deployed code, then the same event through plldb debug):');
    const lines = table(
      ['#', 'function', 'source', 'event', 'deployed code', 'through plldb debug', 'answered by'],
      rows.map((r, i) => [String(i + 1), r.logicalId, r.source, JSON.stringify(r.event), r.deployedResult, `${r.ok ? '' : 'error  '}${r.debugResult}`, r.answeredBy]),
    );
    for (const line of lines) out.info(`  ${line}`);

    enter('checking the restored configuration');
    out.info('\nConfiguration after detach:');
    for (const fn of deployment.deployed) out.info(`  ${fn.functionName}: restored exactly (${await checkRestored(configs, policies, fn.functionName, before.get(fn.functionName)!)})`);
    const wrong = rows.filter((r) => !r.ok || r.answeredBy !== 'plldb debug' || r.debugResult !== r.deployedResult);
    if (wrong.length > 0) throw new CliError(`${wrong.length} invocation(s) did not go as expected: ${wrong.map((r) => `${r.logicalId} ${JSON.stringify(r.event)} -> ${r.answeredBy}: ${r.debugResult} (deployed code: ${r.deployedResult})`).join('; ')}`);
    out.info(`\nEvery function answered through plldb debug from its own source, with its deployed code's result, in one session.`);
  } finally {
    lambda.destroy();
    iam.destroy();
  }
}

/** Each deployed function gets each event once more, now attached; the debugger must answer each. */
async function invokeThroughDebug(lambda: LambdaClient, deployment: SandboxDeployment, functions: { logicalId: string; source?: string }[], app: string, deployedResults: Map<string, string>, answered: Set<string>): Promise<Row[]> {
  const rows: Row[] = [];
  for (const fn of deployment.deployed) {
    const source = functions.find((f) => f.logicalId === fn.logicalId)?.source ?? '?';
    for (const [i, event] of APP_EVENTS.entries()) {
      const trace = await invoke(lambda, fn.functionName, event);
      rows.push({
        logicalId: fn.logicalId,
        functionName: fn.functionName,
        source: relative(app, source),
        event,
        deployedResult: deployedResults.get(`${fn.functionName}#${i}`) ?? '?',
        debugResult: trace.summary,
        answeredBy: answered.has(trace.requestId) ? 'plldb debug' : 'deployed code',
        ok: trace.ok,
      });
    }
  }
  return rows;
}
