// Stand-in for Lambda's Node.js runtime: loads `file.export` from LAMBDA_TASK_ROOT and serves
// invocations from the Runtime API (AWS_LAMBDA_RUNTIME_API), like /var/runtime does.
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':');
const agent = new http.Agent({ keepAlive: true });
let currentRequestId;

function call(method, route, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const req = http.request(
      {
        host: apiHost,
        port: apiPort,
        method,
        path: `/2018-06-01/runtime/${route}`,
        agent,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length, ...headers } : headers,
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Lambda's text log format: one line per call, newlines folded so a message stays one record. */
function patchConsole() {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      process.stdout.write(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${format(...args).replace(/\n/g, '\r')}\n`);
    };
  }
}

function namedError(errorType, message, cause) {
  const error = new Error(message);
  error.name = errorType;
  if (cause?.stack) error.stack = `${errorType}: ${message}\n${cause.stack}`;
  return error;
}

function errorDocument(error) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, stackTrace: (error.stack ?? '').split('\n') };
  }
  const message = typeof error === 'string' ? error : JSON.stringify(error);
  return { errorType: typeof error === 'string' ? 'string' : 'object', errorMessage: message, stackTrace: [] };
}

async function loadHandler(taskRoot, handlerString) {
  const slash = handlerString.lastIndexOf('/');
  const file = handlerString.slice(slash + 1);
  const dot = file.indexOf('.');
  if (dot <= 0 || dot === file.length - 1) {
    throw namedError('Runtime.MalformedHandlerName', `Bad handler ${handlerString}: expected file.export, e.g. index.handler`);
  }
  const moduleName = handlerString.slice(0, slash + 1 + dot);
  const base = path.resolve(taskRoot, moduleName);
  const modulePath = ['.mjs', '.js', '.cjs'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
  if (!modulePath) throw namedError('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}' in ${taskRoot}`);
  let mod;
  try {
    mod = await import(pathToFileURL(modulePath).href);
  } catch (error) {
    if (error instanceof SyntaxError) throw namedError('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`, error);
    throw error;
  }
  const exportPath = file.slice(dot + 1).split('.');
  const pick = (root) => exportPath.reduce((value, key) => (value == null ? undefined : value[key]), root);
  const handler = pick(mod) ?? pick(mod.default);
  if (typeof handler !== 'function') {
    throw namedError('Runtime.HandlerNotFound', `${moduleName}.${exportPath.join('.')} is undefined or not exported`);
  }
  return handler;
}

function contextFor(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const parse = (value) => (value ? JSON.parse(value) : undefined);
  return {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parse(headers['lambda-runtime-client-context']),
    identity: parse(headers['lambda-runtime-cognito-identity']),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** Runs an async or callback-style handler; resolves with its result or error, whichever comes first. */
function runHandler(handler, event, context) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome) => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    const callback = (error, result) => settle(error != null ? { ok: false, error } : { ok: true, result });
    Object.assign(context, { done: callback, succeed: (result) => callback(null, result), fail: (error) => callback(error ?? 'handled') });
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') {
        returned.then((result) => settle({ ok: true, result }), (error) => settle({ ok: false, error }));
      } else if (handler.length < 3) {
        settle({ ok: true, result: returned });
      }
    } catch (error) {
      settle({ ok: false, error });
    }
  });
}

async function postError(route, error) {
  const document = errorDocument(error);
  await call('POST', route, JSON.stringify(document), { 'lambda-runtime-function-error-type': document.errorType });
}

async function serve(handler) {
  for (;;) {
    const next = await call('GET', 'invocation/next');
    if (next.status !== 200) throw new Error(`Runtime API /next answered ${next.status}: ${next.body}`);
    const requestId = next.headers['lambda-runtime-aws-request-id'];
    currentRequestId = requestId;
    const outcome = await runHandler(handler, JSON.parse(next.body), contextFor(next.headers));
    if (outcome.ok) {
      let body;
      try {
        body = JSON.stringify(outcome.result === undefined ? null : outcome.result);
      } catch (error) {
        await postError(`invocation/${requestId}/error`, namedError('Runtime.MarshalError', `Unable to stringify response body: ${error.message}`));
        continue;
      }
      const posted = await call('POST', `invocation/${requestId}/response`, body);
      if (posted.status === 413) console.error(`response of ${requestId} refused: ${posted.body}`);
    } else {
      await postError(`invocation/${requestId}/error`, outcome.error);
    }
    currentRequestId = undefined;
  }
}

async function main() {
  patchConsole();
  let handler;
  try {
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), process.env._HANDLER ?? '');
  } catch (error) {
    console.error(format(error));
    await postError('init/error', error);
    process.exit(1);
  }
  const crash = async (error, errorType) => {
    console.error(format(error));
    if (currentRequestId) await postError(`invocation/${currentRequestId}/error`, namedError(errorType, error?.message ?? String(error), error)).catch(() => {});
    process.exit(128);
  };
  process.on('uncaughtException', (error) => void crash(error, error?.name ?? 'Error'));
  process.on('unhandledRejection', (error) => void crash(error, 'Runtime.UnhandledPromiseRejection'));
  await serve(handler);
}

main().catch((error) => {
  console.error(format(error));
  process.exit(1);
});
