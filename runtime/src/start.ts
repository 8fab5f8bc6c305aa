import { performance } from 'node:perf_hooks';
import { loadConfig, type RuntimeConfig } from './config.js';
import { toLambdaError } from './errors.js';
import type { InvocationDeps } from './invocation.js';
import { stdoutLogger as logger, nowMs } from './logger.js';
import { runLoops } from './loop.js';
import { restoreHeldEnvironment } from './held-environment.js';
import { forwardedEnvironment } from './request.js';
import { RuntimeApiClient, type NextInvocation } from './runtime-api/client.js';

/** What differs between runtimes built on this init and loop: the AWS edges and the invocation. */
export interface RuntimeStrategy<Edges> {
  createEdges(config: RuntimeConfig): Edges;
  /** Work done once during init (free of any invocation's clock). */
  warm?(edges: Edges, config: RuntimeConfig): Promise<void>;
  handle(invocation: NextInvocation, deps: Omit<InvocationDeps, 'edges'> & { edges: Edges }): Promise<void>;
  /** Logged with init_done. */
  strategy: string;
}

/** Init (configuration, init error, edges) and the invocation loops, until the process ends. */
export async function startRuntime<Edges>(runtime: RuntimeStrategy<Edges>): Promise<void> {
  restoreHeldEnvironment(process.env);
  const api = new RuntimeApiClient(process.env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001');
  let config: RuntimeConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    const error = toLambdaError(err);
    logger.log('ERROR', 'init_failed', { error: error.errorMessage, nodeVersion: process.version });
    await api.postInitError(error).catch((postErr: unknown) => logger.log('ERROR', 'post_failed', { error: (postErr as Error).message }));
    process.exit(1);
  }
  const edges = runtime.createEdges(config);
  await runtime.warm?.(edges, config);
  const environment = forwardedEnvironment(process.env, config.forwardCredentials);
  logger.log('INFO', 'init_done', { initMs: nowMs() - performance.timeOrigin, concurrency: config.concurrency, nodeVersion: process.version, strategy: runtime.strategy });
  await runLoops({
    next: () => api.next(),
    handle: (invocation) => runtime.handle(invocation, { config, api, edges, logger, environment }),
    logger,
    concurrency: config.concurrency,
  });
}

/** Starts the runtime; a crash of the loop itself ends the process (Lambda then restarts it). */
export function main<Edges>(runtime: RuntimeStrategy<Edges>): void {
  startRuntime(runtime).catch((err: unknown) => {
    logger.log('ERROR', 'runtime_crashed', { error: (err as Error).message });
    process.exit(1);
  });
}
