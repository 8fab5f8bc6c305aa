import { randomUUID } from 'node:crypto';
import inspector from 'node:inspector';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { lambdaFunctionConfigApi } from '../aws/function-config-api.js';
import { dynamoRequestItemReader } from '../aws/request-items.js';
import { cloudFormationStackOutputsApi, loadHelperStack } from '../aws/stack-outputs.js';
import { DynamoDbAnswerWriter } from '../../../protocol/answer-write.js';
import { deliverAnswer } from '../debug/answer-delivery.js';
import { AttachedFunctions } from '../debug/attached-functions.js';
import { openWebSocket } from '../debug/connection.js';
import { ConnectionSwitch } from '../debug/connection-switch.js';
import { formatInvocation, type AnswerFate } from '../debug/invocation-log.js';
import { checkCodeFolder, parseListenAddress } from '../debug/local-options.js';
import { presignWebSocketUrl } from '../debug/presign.js';
import { handleRequest } from '../debug/request-handler.js';
import { SessionAttachments } from '../debug/session-attachments.js';
import { dynamoSessionConnections } from '../debug/session-connections.js';
import { DebugSession, type SessionObserver } from '../debug/session.js';
import { installShutdown, type ProcessEvents } from '../debug/shutdown.js';
import { CliError, describeError, explainAwsError } from '../errors.js';
import { selectDebugTargets, type DebugTargets } from '../discover/debug-targets.js';
import { cloudFormationDeployedFunctions } from '../discover/deployed-names.js';
import { discoverFunctions, isProject } from '../discover/discover.js';
import { checkPython } from '../runners/python-check.js';
import { DEFAULT_CONCURRENCY, RunnerPool, type PythonSetup } from '../runners/runner-pool.js';
import { DEBUG_DEFAULT_TIMEOUT_SECONDS, MANAGED_INSTANCES_MAX_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS } from '../attach/attacher.js';
import { parseTimeout } from './attach.js';
import type { DebuggerResponseMessage } from '../../../protocol/index.js';
import { addTrafficOptions, trafficEnvironment, type TrafficOptions } from './traffic-options.js';
import { action, addAwsOptions, awsClients, collect, info, makeAttacher, resolvedRegion, warn, type AwsClients, type StackOptions } from './common.js';

const DEFAULT_DEBUGPY_ADDRESS = '127.0.0.1:5678';
const DEFAULT_INSPECT_ADDRESS = '127.0.0.1:9229';
const DEFAULT_PYTHON = 'python3';
/** How long an invocation's line waits for the API to confirm its answer before it is printed anyway. */
const CONFIRM_WAIT_MS = 5000;

export interface DebugCommandOptions extends StackOptions, TrafficOptions {
  function?: string[];
  code?: string;
  /** The project whose functions are discovered when --code is not given. */
  app?: string;
  timeout?: number;
  takeover?: boolean;
  python: string;
  debugpy?: string | true;
  inspect?: string | true;
  concurrency?: number;
  verbose?: boolean;
}

export function debugCommand(): Command {
  const command = new Command('debug')
    .summary('run deployed functions\' invocations on this machine')
    .description(
      'Connect to the helper stack\'s WebSocket API (SigV4, your default AWS credentials), attach the functions to this connection, and run each invocation\'s handler locally (from --code, or from each discovered function\'s own source), in execution environments of its own as Lambda has them: Node.js handlers (.mjs/.js/.cjs, or .ts compiled with source maps) in worker threads (--inspect for VS Code or Chrome DevTools), Python handlers in one process per environment (--debugpy to attach your IDE); a new environment starts when all of a function\'s are busy (--concurrency), faults and timeouts end only their environment, and an edited source is reloaded on the next invocation. The answer goes back to the waiting function. Events too large for a WebSocket message are read from the stack\'s table with your credentials. One line per invocation is printed. The connection is kept alive, replaced before API Gateway\'s 2-hour limit and re-established when it drops; the functions follow it through the session\'s item in the table, without being updated. Each function\'s timeout is raised to 900 s while attached unless --timeout says otherwise. A function another session holds with an open connection is refused unless --takeover. Ctrl+C or SIGTERM detaches every function: PLLDB\'s additions are removed, whatever changed since is kept.',
    )
    .addOption(new Option('-f, --function <name>', 'function to debug: deployed name, ARN, or (in a project) logical id; * wildcards match discovered functions (repeat for more; default: every discovered function)').argParser(collect))
    .addOption(new Option('--code <dir>', 'folder the functions\' handler settings are relative to (instead of discovering each function\'s source)'))
    .addOption(new Option('--app <dir>', 'the CDK/SAM project (or plldb.config.json) whose functions and sources are discovered when --code is not given').default('.', 'the current folder'))
    .addOption(
      new Option(
        '--timeout <seconds>',
        `the functions' timeout while debugging (1-${MAX_TIMEOUT_SECONDS}, up to ${MANAGED_INSTANCES_MAX_TIMEOUT_SECONDS} on Lambda Managed Instances), time to sit at a breakpoint; default: raised to ${DEBUG_DEFAULT_TIMEOUT_SECONDS} (a longer one is kept); restored at detach`,
      ).argParser(parseTimeout),
    )
    .addOption(new Option('--takeover', 'debug functions another session holds, even while its connection is open (that session stops serving them)'))
    .addOption(new Option('--python <command>', 'Python interpreter for Python handlers').default(DEFAULT_PYTHON))
    .addOption(new Option('--debugpy [host:port]', `Python: each environment listens for a debugpy client from the start, on this port and the next ones (default ${DEFAULT_DEBUGPY_ADDRESS}); the first invocation waits for it; needs pip install debugpy`))
    .addOption(new Option('--inspect [host:port]', `Node.js: open the inspector (default ${DEFAULT_INSPECT_ADDRESS}); VS Code or Chrome DevTools reach every function's environment through it`))
    .addOption(new Option('--concurrency <n>', `execution environments per function at most (a new one starts when all are busy)`).argParser(parseConcurrency).default(DEFAULT_CONCURRENCY))
    .addOption(new Option('-v, --verbose', 'also print each event and answer'));
  return addAwsOptions(addTrafficOptions(command)).action(action((opts: DebugCommandOptions) => runDebug(opts)));
}

/**
 * The functions of this run: with --code, the named ones (handlers under --code); otherwise the
 * project's discovered functions (or those --function selects), each from its own source file.
 */
async function debugTargets(opts: DebugCommandOptions, clients: AwsClients): Promise<DebugTargets> {
  const app = opts.app ?? '.';
  if (opts.code !== undefined || !isProject(app)) return selectDebugTargets(undefined, opts.function ?? []);
  const { functions } = await discoverFunctions(app, { deployed: cloudFormationDeployedFunctions(clients.cloudFormation) });
  return selectDebugTargets(functions, opts.function ?? []);
}

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new CliError(`--concurrency ${value}: not a whole number from 1 to 64`);
  return n;
}

/** Where a debug run lives: the process (signals, exit) and its output; tests pass stand-ins. */
export interface DebugHost {
  events: ProcessEvents;
  exit(code: number): void;
  info(line: string): void;
  warn(line: string): void;
  /** Told when each request arrives and each answer leaves (the demo measures with it). */
  observer?: SessionObserver;
  /** How long each WebSocket connection is used before it is replaced (tests shorten API Gateway's 2 hours). */
  replaceConnectionAfterMs?: number;
  /** A line a handler printed (default: this process's stdout/stderr, prefixed with the function's name). */
  output?: (functionName: string, line: string, stream: 'stdout' | 'stderr') => void;
}

const processHost: DebugHost = { events: process, exit: (code) => process.exit(code), info, warn };

/** Runs `plldb debug` until a signal or a fatal error; then detaches and calls host.exit. */
export async function runDebug(opts: DebugCommandOptions, host: DebugHost = processHost): Promise<void> {
  const { info, warn } = host;
  const traffic = trafficEnvironment(opts);
  const local = await checkLocalOptions(opts, warn);
  const clients = awsClients(opts);
  const targets = await debugTargets(opts, clients);
  for (const line of targets.skipped) warn(line);
  if (targets.functionNames.length === 0) throw new CliError('no function to debug', 'deploy the project, or fix the mappings listed above (plldb discover shows them)');
  const stack = await loadHelperStack(cloudFormationStackOutputsApi(clients.cloudFormation), opts.stack);
  const region = await resolvedRegion(clients.lambda);
  const sessionId = randomUUID();
  const timeout = opts.timeout !== undefined ? { timeout: opts.timeout } : { timeout: DEBUG_DEFAULT_TIMEOUT_SECONDS, raiseOnly: true };
  const functionConfigs = lambdaFunctionConfigApi(clients.lambda);
  const served = new AttachedFunctions(sessionId, (name) => functionConfigs.get(name));
  const attachments = new SessionAttachments(makeAttacher(opts, stack, clients), targets.functionNames, sessionId, { ...timeout, takeover: opts.takeover ?? false, traffic }, info, warn, served);
  const codeDir = resolve(opts.code ?? '.');
  const runners = new RunnerPool({
    codeDir,
    sources: targets.sources,
    concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
    ...(local.python ? { python: local.python } : { pythonMissing: local.pythonMissing }),
    ...(host.output ? { output: host.output } : {}),
    info,
    warn,
  });
  const items = dynamoRequestItemReader(clients.dynamo, stack.tableName);
  // Answers too large for a WebSocket message are written into the item with the user's credentials.
  const answerStore = new DynamoDbAnswerWriter(clients.dynamo, stack.tableName);

  const awaitingVerdict = new Map<string, (fate: AnswerFate) => void>();
  const settle = (requestId: string, refusal?: string, fate: AnswerFate = refusal === undefined ? { kind: 'accepted' } : { kind: 'refused', reason: refusal }) => {
    const print = awaitingVerdict.get(requestId);
    awaitingVerdict.delete(requestId);
    print?.(fate);
  };

  const session = new DebugSession({
    connect: async (events) => {
      const url = await presignWebSocketUrl(stack.webSocketUrl, region, clients.credentials).catch((err: unknown) => {
        throw explainAwsError(err, 'sign the WebSocket connection');
      });
      return openWebSocket(url, events);
    },
    attachAll: (connectionId) => attachments.attachAll(connectionId),
    connections: new ConnectionSwitch({
      table: dynamoSessionConnections(clients.dynamo, stack.tableName, sessionId),
      ...(host.replaceConnectionAfterMs !== undefined ? { replaceAfterMs: host.replaceConnectionAfterMs } : {}),
      info,
      warn,
    }),
    detachAll: () => attachments.detachAll(),
    serve: async (msg) => {
      const handled = await handleRequest(msg, { runners, items, functions: served, codeDir, warn });
      if (!handled) return undefined;
      const { answer, record } = handled;
      const print = (fate: AnswerFate, sent?: DebuggerResponseMessage) => {
        for (const line of formatInvocation(record, sent, opts.verbose ?? false, fate)) info(line);
      };
      if (!record.outcome.ok && record.outcome.timedOut) {
        print({ kind: 'timed-out' });
        return undefined;
      }
      // Observe mode: the deployed code answered the caller; the session sends nothing back.
      if (msg.observation === true) {
        print({ kind: 'observed' });
        return answer;
      }
      // The line waits for the API's verdict: an answer it refused (too late, ...) is never reported as ok.
      const timer = setTimeout(() => settle(record.requestId, undefined, { kind: 'unconfirmed' }), CONFIRM_WAIT_MS);
      awaitingVerdict.set(record.requestId, (fate) => {
        clearTimeout(timer);
        print(fate, answer);
      });
      return answer;
    },
    deliver: (answer, route) => deliverAnswer(answer, route, answerStore, warn),
    observer: { ...host.observer, answerSettled: (requestId, refusal) => settle(requestId, refusal) },
    info,
    warn,
  });
  const shutdown = installShutdown({
    signals: host.events,
    stop: async () => {
      await session.stop();
      for (const requestId of [...awaitingVerdict.keys()]) settle(requestId, undefined, { kind: 'unconfirmed' });
      await runners.close();
      if (local.inspector) inspector.close();
    },
    stillAttached: () => attachments.stillAttached(),
    exit: (code) => host.exit(code),
    warn,
  });
  try {
    const connectionId = await session.start();
    attachments.watch();
    for (const attached of attachments.attachedRuntimes()) runners.prestartPython(attached.functionName, attached.runtime);
    info(`debugging ${targets.functionNames.join(', ')} (session ${sessionId}, connection ${connectionId}); Ctrl+C stops and detaches`);
  } catch (err) {
    warn(describeError(err));
    await shutdown(1);
    return;
  }
  session.failed.catch((err: unknown) => {
    warn(describeError(err));
    void shutdown(1);
  });
}

interface LocalSetup {
  python?: PythonSetup;
  pythonMissing: string;
  inspector: boolean;
}

/**
 * Everything about this machine checked before any function is attached: --code, the debugger
 * addresses, the Python interpreter (and debugpy); --inspect opens the inspector now.
 */
async function checkLocalOptions(opts: DebugCommandOptions, warn: (line: string) => void): Promise<LocalSetup> {
  if (opts.code !== undefined) checkCodeFolder(opts.code);
  const debugpy = opts.debugpy ? parseListenAddress('--debugpy', opts.debugpy === true ? DEFAULT_DEBUGPY_ADDRESS : opts.debugpy) : undefined;
  const inspect = opts.inspect ? parseListenAddress('--inspect', opts.inspect === true ? DEFAULT_INSPECT_ADDRESS : opts.inspect) : undefined;
  let python: PythonSetup | undefined;
  let pythonMissing = '';
  try {
    python = await checkPython(opts.python, debugpy);
  } catch (err) {
    // Only an interpreter asked for is required: with the default one missing, Node.js functions still run.
    if (debugpy || opts.python !== DEFAULT_PYTHON) throw err;
    pythonMissing = describeError(err);
  }
  if (inspect && inspector.url() === undefined) {
    inspector.open(inspect.port, inspect.host);
    warn(`inspector listening on ${inspect.host}:${inspect.port} (${inspector.url()}): attach VS Code or Chrome DevTools; every function's environment appears there`);
  }
  return { ...(python ? { python } : {}), pythonMissing, inspector: inspect !== undefined };
}
