import { loadConfig, type RuntimeConfig } from './config.js';
import { toLambdaError } from './errors.js';
import type { InvocationDeps } from './invocation.js';
import { stdoutLogger as logger, nowMs } from './logger.js';
import { runLoops } from './loop.js';
import { restoreHeldEnvironment } from './held-environment.js';
import { forwardedEnvironment } from './forwarded-environment.js';
import { RuntimeApiClient, type NextInvocation } from './runtime-api/client.js';

/** What differs between runtimes built on this init and loop: the AWS edges and the invocation. */
export interface RuntimeStrategy<Edges> {
  /** May load its modules on demand (the AWS SDK is most of the bundle's start-up work). */
  createEdges(config: RuntimeConfig): Edges | Promise<Edges>;
  /** Work done once, right after the edges exist (credentials, connections). */
  warm?(edges: Edges, config: RuntimeConfig): Promise<void>;
  handle(invocation: NextInvocation, deps: Omit<InvocationDeps, 'edges'> & { edges: Edges }): Promise<void>;
  /** Logged with init_done. */
  strategy: string;
}

/**
 * Init (configuration, init error) and the invocation loops, until the process ends. The edges are
 * created and warmed while the first /next waits: only what every invocation needs first (the
 * configuration and the Runtime API client) is on the init path; an invocation that arrives before
 * the edges are ready waits for them.
 */
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
  let nextSent = (): void => undefined;
  const firstNextSent = new Promise<void>((resolve) => (nextSent = resolve));
  // Provisioned concurrency initializes an environment ahead of its invocations (Lambda's defined
  // runtime variable AWS_LAMBDA_INITIALIZATION_TYPE: on-demand or provisioned-concurrency): the
  // edges then load during init rather than on the first invocation.
  const aheadOfTraffic = process.env.AWS_LAMBDA_INITIALIZATION_TYPE === 'provisioned-concurrency';
  const edges = prepareEdges(runtime, config, aheadOfTraffic ? Promise.resolve() : firstNextSent);
  const environment = forwardedEnvironment(process.env, config.forwardCredentials);
  logger.log('INFO', 'init_done', { initMs: nowMs() - performance.timeOrigin, concurrency: config.concurrency, nodeVersion: process.version, strategy: runtime.strategy });
  await runLoops({
    next: () => api.next(nextSent),
    handle: async (invocation) => runtime.handle(invocation, { config, api, edges: await edges, logger, environment }),
    logger,
    concurrency: config.concurrency,
  });
}

/**
 * Creates and warms the edges once `begin` settles, on demand once the first /next is on the wire:
 * loading their modules holds the event loop (Node.js 24 reads and compiles an import's whole module
 * graph before it runs anything else), so started earlier it would hold back that /next. Failing to
 * create them ends the process, as an init failure would.
 */
function prepareEdges<Edges>(runtime: RuntimeStrategy<Edges>, config: RuntimeConfig, begin: Promise<void>): Promise<Edges> {
  const ready = (async () => {
    await begin;
    const started = nowMs();
    const edges = await runtime.createEdges(config);
    await runtime.warm?.(edges, config);
    logger.log('INFO', 'edges_ready', { ms: nowMs() - started });
    return edges;
  })();
  ready.catch((err: unknown) => {
    logger.log('ERROR', 'runtime_crashed', { error: (err as Error).message });
    process.exit(1);
  });
  return ready;
}

/** Starts the runtime; a crash of the loop itself ends the process (Lambda then restarts it). */
export function main<Edges>(runtime: RuntimeStrategy<Edges>): void {
  startRuntime(runtime).catch((err: unknown) => {
    logger.log('ERROR', 'runtime_crashed', { error: (err as Error).message });
    process.exit(1);
  });
}
