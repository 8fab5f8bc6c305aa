import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaError } from '../../../protocol/index.js';
import type { Logger } from '../logger.js';
import type { NextInvocation, RuntimeApiClient } from '../runtime-api/client.js';
import { deployedEnvironment } from './environment.js';
import { endToEndHeaders, relay, upstreamFor, type Upstream } from './relay.js';

const BASE = '/2018-06-01/runtime';

export interface DeployedRuntimeOptions {
  /** The function's own runtime command, as Lambda gave it to the exec wrapper. */
  command: string[];
  /** The function's environment as Lambda set it. */
  env: Record<string, string | undefined>;
  /** The real Runtime API (`host:port`). */
  runtimeApi: string;
  api: Pick<RuntimeApiClient, 'postError'>;
  logger: Logger;
  /** Tie the runtime's life to this process (SIGTERM, exit); off in tests that run it in-process. */
  bindToProcess?: boolean;
}

/** One start of the deployed runtime. */
interface Generation {
  child: ChildProcess;
  /** It asked for an invocation: its init is done. */
  ready: boolean;
  /** What it posted to /init/error, if it did. */
  initError?: LambdaError;
  ended: boolean;
}

interface Pending {
  done: () => void;
  /** The generation that took the invocation through /next. */
  takenBy?: Generation;
}

/**
 * The function's own runtime, started lazily (once, then kept warm) behind a Runtime API proxy in
 * this process: invocations handed to `answer` reach it through the proxy's /next, and its answers
 * go to the real Runtime API untouched. A runtime that fails init, crashes or exits fails its
 * invocations the way Lambda reports them, and is started again for the next one.
 */
export class DeployedRuntime {
  private readonly upstream: Upstream;
  private readonly queue: NextInvocation[] = [];
  private readonly waiting: http.ServerResponse[] = [];
  private readonly pending = new Map<string, Pending>();
  private proxy: { server: http.Server; endpoint: Promise<string> } | undefined;
  private current: Generation | undefined;
  private exitHooked = false;

  constructor(private readonly options: DeployedRuntimeOptions) {
    this.upstream = upstreamFor(options.runtimeApi);
  }

  /** Resolves once the deployed runtime's answer (or the failure Lambda would report) reached the Runtime API. */
  answer(invocation: NextInvocation): Promise<void> {
    return new Promise((done) => {
      this.pending.set(invocation.requestId, { done });
      const waiter = this.waiting.shift();
      if (waiter) return this.handOver(waiter, invocation);
      this.queue.push(invocation);
      if (!this.current) void this.start();
    });
  }

  /** Ends the runtime and the proxy (tests; in Lambda the process ends with the environment). */
  async close(): Promise<void> {
    const generation = this.current;
    if (generation && !generation.ended) {
      const ended = new Promise((resolve) => generation.child.once('exit', resolve));
      generation.child.kill('SIGKILL');
      await ended;
    }
    if (this.proxy) {
      const { server, endpoint } = this.proxy;
      await endpoint.catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.upstream.agent.destroy();
  }

  private listen(): Promise<string> {
    if (!this.proxy) {
      const server = http.createServer((req, res) => void this.route(req, res));
      const endpoint = new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`));
      });
      this.proxy = { server, endpoint };
    }
    return this.proxy.endpoint;
  }

  private async start(): Promise<void> {
    const [command, ...args] = this.options.command;
    let endpoint: string;
    try {
      if (command === undefined) throw new Error('the wrapper passed no runtime command (AWS_LAMBDA_EXEC_WRAPPER must be /opt/bin/bootstrap)');
      endpoint = await this.listen();
    } catch (err) {
      this.failQueued({ errorType: 'Runtime.ExitError', errorMessage: `PLLDB could not start the function's runtime: ${(err as Error).message}`, stackTrace: [] });
      return;
    }
    const child = spawn(command, args, { env: deployedEnvironment(this.options.env, endpoint), stdio: 'inherit' });
    const generation: Generation = { child, ready: false, ended: false };
    this.current = generation;
    this.hookProcessExit();
    this.options.logger.log('INFO', 'deployed_runtime_started', { pid: child.pid, command });
    child.once('error', (err) => this.ended(generation, `spawn failed: ${err.message}`));
    child.once('exit', (code, signal) => this.ended(generation, signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code ?? 0}`));
  }

  /** The deployed runtime dies with this process (Lambda's SIGTERM or an exit of PLLDB's runtime). */
  private hookProcessExit(): void {
    if (this.exitHooked || this.options.bindToProcess === false) return;
    this.exitHooked = true;
    process.once('exit', () => this.current?.child.kill('SIGKILL'));
    process.once('SIGTERM', () => {
      this.current?.child.kill('SIGTERM');
      process.exit(0);
    });
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> | void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && path === `${BASE}/invocation/next`) return this.next(res);
    if (req.method === 'POST' && path === `${BASE}/init/error`) return this.initError(req, res);
    const answered = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    return this.relayAnswer(req, res, answered ? decodeURIComponent(answered[1] ?? '') : undefined);
  }

  private next(res: http.ServerResponse): void {
    const generation = this.current;
    if (generation) generation.ready = true;
    const invocation = this.queue.shift();
    if (invocation) return this.handOver(res, invocation);
    this.waiting.push(res);
    res.once('close', () => {
      const at = this.waiting.indexOf(res);
      if (at >= 0) this.waiting.splice(at, 1);
    });
  }

  /** The invocation as the real /next gave it: every header (request id, deadline, ARN, trace, client context, identity, tenant id, ...) and the event. */
  private handOver(res: http.ServerResponse, invocation: NextInvocation): void {
    const pending = this.pending.get(invocation.requestId);
    if (pending) pending.takenBy = this.current;
    const body = Buffer.from(invocation.body, 'utf8');
    const headers = endToEndHeaders(invocation.headers);
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    res.writeHead(200, { ...headers, 'content-length': body.length });
    res.end(body);
  }

  private async relayAnswer(req: http.IncomingMessage, res: http.ServerResponse, requestId: string | undefined): Promise<void> {
    const status = await relay(req, res, this.upstream);
    if (requestId === undefined) return;
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    if (status !== 202) this.options.logger.log('WARN', 'deployed_answer_refused', { requestId, status });
    pending.done();
  }

  /** After init, the real /init/error no longer applies: the error goes to the invocations that waited for this init, as Lambda reports a failed init. */
  private async initError(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const generation = this.current;
    if (generation) generation.initError = lambdaError(header(req, 'lambda-runtime-function-error-type'), Buffer.concat(chunks).toString('utf8'));
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end('{"status":"OK"}');
    generation?.child.kill('SIGKILL');
  }

  private ended(generation: Generation, how: string): void {
    if (generation.ended) return;
    generation.ended = true;
    if (this.current === generation) this.current = undefined;
    for (const res of this.waiting.splice(0)) res.destroy();
    const failed: string[] = [];
    for (const [requestId, pending] of this.pending) {
      if (pending.takenBy === generation) failed.push(requestId);
    }
    // A runtime that died before asking for work failed its init: the invocations waiting for it get that failure.
    if (!generation.ready) failed.push(...this.queue.splice(0).map((inv) => inv.requestId));
    this.options.logger.log('WARN', 'deployed_runtime_exited', { pid: generation.child.pid, how, initFailed: !generation.ready, failedInvocations: failed.length });
    // The form Lambda reports a runtime's exit in (errorType Runtime.ExitError, "Runtime exited with error: exit status N").
    for (const requestId of failed) {
      void this.fail(
        requestId,
        generation.initError ?? { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${how}`, stackTrace: [] },
      );
    }
    if (this.queue.length > 0) void this.start();
  }

  private failQueued(error: LambdaError): void {
    for (const invocation of this.queue.splice(0)) void this.fail(invocation.requestId, error);
  }

  private async fail(requestId: string, error: LambdaError): Promise<void> {
    const pending = this.pending.get(requestId);
    this.pending.delete(requestId);
    await this.options.api.postError(requestId, error).catch((err: unknown) => this.options.logger.log('ERROR', 'post_failed', { requestId, error: (err as Error).message }));
    pending?.done();
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The runtime's error document, or one built from the error-type header when the body is not one. */
function lambdaError(errorType: string | undefined, body: string): LambdaError {
  try {
    const parsed = JSON.parse(body) as Partial<LambdaError>;
    if (typeof parsed.errorMessage === 'string') {
      return { errorMessage: parsed.errorMessage, errorType: parsed.errorType ?? errorType ?? 'Runtime.Unknown', stackTrace: Array.isArray(parsed.stackTrace) ? parsed.stackTrace : [] };
    }
  } catch {
    // Not JSON: the header names the error.
  }
  return { errorMessage: body || 'Unknown application error occurred', errorType: errorType ?? 'Runtime.Unknown', stackTrace: [] };
}
