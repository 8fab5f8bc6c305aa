// Runs inside one Node.js execution environment (a worker thread): imports the handler once, then
// runs the invocations its host sends, one at a time. Bundled on its own (see node-environment.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { runtimeError, toLambdaError } from './lambda-error.js';
import { nodeContext } from './node-context.js';
import { containSelfSignals } from './self-signals.js';
import type { InvokeMessage, WorkerMessage, WorkerSetup } from './node-worker-messages.js';
import { InitError, type Outcome } from './types.js';

type Handler = (event: unknown, context: unknown, callback: (err: unknown, result?: unknown) => void) => unknown;

const port = parentPort!;
const setup = workerData as WorkerSetup;
const post = (message: WorkerMessage) => port.postMessage(message);

// Stack traces of compiled TypeScript point at the .ts lines (the compiled copy carries an inline source map).
process.setSourceMapsEnabled(true);
// As Lambda's Node.js runtime: these end the environment, and the running invocation with them.
process.on('uncaughtException', (err) => post({ type: 'fault', error: toLambdaError(err) }));
process.on('unhandledRejection', (reason) => {
  const error = toLambdaError(reason);
  post({ type: 'fault', error: { ...error, errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: `${error.errorType}: ${error.errorMessage}` } });
});

// A handler signalling its own process ends this environment, not plldb and every other one.
containSelfSignals((signal) => post({ type: 'signal', signal }));

async function load(): Promise<Handler> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(setup.moduleUrl)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SyntaxError) throw new InitError(runtimeError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`));
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new InitError(runtimeError('Runtime.ImportModuleError', `Error: ${(err as Error).message}`));
    throw new InitError(toLambdaError(err));
  }
  const fn = mod[setup.exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[setup.exportName];
  if (typeof fn !== 'function') throw new InitError(runtimeError('Runtime.HandlerNotFound', `${setup.modulePath}.${setup.exportName} is undefined or not exported`));
  return fn as Handler;
}

/** Calls a handler that returns a promise or a value, or answers through the callback. */
function call(handler: Handler, event: unknown, context: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const returned = handler(event, context, (err, result) => (err ? reject(err) : resolve(result)));
    if (returned && typeof (returned as Promise<unknown>).then === 'function') (returned as Promise<unknown>).then(resolve, reject);
    else if (handler.length < 3) resolve(returned);
  });
}

/** This thread's process.env (its own copy) becomes exactly the given variables. */
function applyEnvironment(env: Record<string, string>): void {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  Object.assign(process.env, env);
}

async function run(handler: Handler, msg: InvokeMessage): Promise<Outcome> {
  applyEnvironment(msg.env);
  let result: unknown;
  try {
    result = await call(handler, msg.event, nodeContext(msg.context));
  } catch (err) {
    return { ok: false, error: toLambdaError(err) };
  }
  try {
    return { ok: true, response: JSON.stringify(result) ?? 'null' };
  } catch (err) {
    return { ok: false, error: runtimeError('Runtime.MalformedHandlerResponse', `the handler's result cannot be serialized to JSON: ${(err as Error).message}`) };
  }
}

load().then(
  (handler) => {
    port.on('message', (msg: InvokeMessage) => {
      void run(handler, msg).then((outcome) => post({ type: 'result', id: msg.id, outcome }));
    });
    post({ type: 'ready' });
  },
  (err: unknown) => post({ type: 'init-error', error: err instanceof InitError ? err.error : toLambdaError(err) }),
);
