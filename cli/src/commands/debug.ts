import { randomUUID } from 'node:crypto';
import inspector from 'node:inspector';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { dynamoRequestItemReader } from '../aws/request-items.js';
import { cloudFormationStackOutputsApi, loadHelperStack } from '../aws/stack-outputs.js';
import { DynamoDbAnswerStore } from '../../../infra/websocket/dynamodb-answer-store.js';
import { deliverAnswer } from '../debug/answer-delivery.js';
import { openWebSocket } from '../debug/connection.js';
import { formatInvocation, type AnswerFate } from '../debug/invocation-log.js';
import { checkCodeFolder, parseListenAddress } from '../debug/local-options.js';
import { presignWebSocketUrl } from '../debug/presign.js';
import { handleRequest } from '../debug/request-handler.js';
import { SessionAttachments } from '../debug/session-attachments.js';
import { DebugSession, type SessionObserver } from '../debug/session.js';
import { installShutdown, type ProcessEvents } from '../debug/shutdown.js';
import { CliError, describeError, explainAwsError } from '../errors.js';
import { checkPython } from '../runners/python-check.js';
import { DEFAULT_CONCURRENCY, RunnerPool, type PythonSetup } from '../runners/runner-pool.js';
import { MAX_TIMEOUT_SECONDS } from '../attach/attacher.js';
import { parseTimeout } from './attach.js';
import type { DebuggerResponseMessage } from '../../../protocol/index.js';
import { action, addAwsOptions, awsClients, collect, info, makeAttacher, resolvedRegion, warn, type StackOptions } from './common.js';

const DEFAULT_DEBUGPY_ADDRESS = '127.0.0.1:5678';
const DEFAULT_INSPECT_ADDRESS = '127.0.0.1:9229';
const DEFAULT_PYTHON = 'python3';
/** How long an invocation's line waits for the API to confirm its answer before it is printed anyway. */
const CONFIRM_WAIT_MS = 5000;

export interface DebugCommandOptions extends StackOptions {
  function: string[];
  code: string;
  timeout?: number;
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
      'Connect to the helper stack\'s WebSocket API (SigV4, your default AWS credentials), attach the functions to this connection, and run each invocation\'s handler locally from --code, in execution environments of its own as Lambda has them: Node.js handlers (.mjs/.js/.cjs, or .ts compiled with source maps) in worker threads (--inspect for VS Code or Chrome DevTools), Python handlers in one process per environment (--debugpy to attach your IDE); a new environment starts when all of a function\'s are busy (--concurrency), faults and timeouts end only their environment, and an edited source is reloaded on the next invocation. The answer goes back to the waiting function. Events too large for a WebSocket message are read from the stack\'s table with your credentials. One line per invocation is printed. The connection is kept alive and re-established (functions re-attached) when it drops. Ctrl+C or SIGTERM detaches every function, restoring its configuration.',
    )
    .addOption(new Option('-f, --function <name>', 'function name or ARN to debug (repeat for more)').argParser(collect).makeOptionMandatory())
    .addOption(new Option('--code <dir>', 'folder the functions\' handler settings are relative to').default('.', 'the current folder'))
    .addOption(new Option('--timeout <seconds>', `set the functions' timeout while debugging (1-${MAX_TIMEOUT_SECONDS}), to leave time at a breakpoint; default: unchanged`).argParser(parseTimeout))
    .addOption(new Option('--python <command>', 'Python interpreter for Python handlers').default(DEFAULT_PYTHON))
    .addOption(new Option('--debugpy [host:port]', `Python: each environment listens for a debugpy client from the start, on this port and the next ones (default ${DEFAULT_DEBUGPY_ADDRESS}); the first invocation waits for it; needs pip install debugpy`))
    .addOption(new Option('--inspect [host:port]', `Node.js: open the inspector (default ${DEFAULT_INSPECT_ADDRESS}); VS Code or Chrome DevTools reach every function's environment through it`))
    .addOption(new Option('--concurrency <n>', `execution environments per function at most (a new one starts when all are busy)`).argParser(parseConcurrency).default(DEFAULT_CONCURRENCY))
    .addOption(new Option('-v, --verbose', 'also print each event and answer'));
  return addAwsOptions(command).action(action((opts: DebugCommandOptions) => runDebug(opts)));
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
  /** A line a handler printed (default: this process's stdout/stderr, prefixed with the function's name). */
  output?: (functionName: string, line: string, stream: 'stdout' | 'stderr') => void;
}

const processHost: DebugHost = { events: process, exit: (code) => process.exit(code), info, warn };

/** Runs `plldb debug` until a signal or a fatal error; then detaches and calls host.exit. */
export async function runDebug(opts: DebugCommandOptions, host: DebugHost = processHost): Promise<void> {
  const { info, warn } = host;
  const local = await checkLocalOptions(opts, warn);
  const clients = awsClients(opts);
  const stack = await loadHelperStack(cloudFormationStackOutputsApi(clients.cloudFormation), opts.stack);
  const region = await resolvedRegion(clients.lambda);
  const sessionId = randomUUID();
  const attachments = new SessionAttachments(makeAttacher(opts, stack, clients), opts.function, sessionId, opts.timeout !== undefined ? { timeout: opts.timeout } : {}, info, warn);
  const runners = new RunnerPool({
    codeDir: resolve(opts.code),
    concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
    ...(local.python ? { python: local.python } : { pythonMissing: local.pythonMissing }),
    ...(host.output ? { output: host.output } : {}),
    info,
    warn,
  });
  const items = dynamoRequestItemReader(clients.dynamo, stack.tableName);
  // Answers too large for a WebSocket message are written into the item with the user's credentials.
  const answerStore = new DynamoDbAnswerStore(clients.dynamo, stack.tableName);

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
    detachAll: () => attachments.detachAll(),
    serve: async (msg) => {
      const { answer, record } = await handleRequest(msg, { runners, items });
      const print = (fate: AnswerFate, sent?: DebuggerResponseMessage) => {
        for (const line of formatInvocation(record, sent, opts.verbose ?? false, fate)) info(line);
      };
      if (!record.outcome.ok && record.outcome.timedOut) {
        print({ kind: 'timed-out' });
        return undefined;
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
    for (const attached of attachments.attachedRuntimes()) runners.prestartPython(attached.functionName, attached.runtime);
    info(`debugging ${opts.function.join(', ')} (session ${sessionId}, connection ${connectionId}); Ctrl+C stops and detaches`);
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
  checkCodeFolder(opts.code);
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
