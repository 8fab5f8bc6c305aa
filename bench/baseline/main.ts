import { performance } from 'node:perf_hooks';
import { loadConfig, type RuntimeConfig } from '../../runtime/src/config.js';
import { toLambdaError } from '../../runtime/src/errors.js';
import { stdoutLogger as logger, nowMs } from '../../runtime/src/logger.js';
import { runLoops } from '../../runtime/src/loop.js';
import { forwardedEnvironment } from '../../runtime/src/request.js';
import { RuntimeApiClient } from '../../runtime/src/runtime-api/client.js';
import { createBaselineEdges } from './edges.js';
import { handleBaselineInvocation } from './invocation.js';

/** The baseline runtime's entry: the PLLDB runtime's init and loop around the original design's invocation. */
async function main(): Promise<void> {
  const api = new RuntimeApiClient(process.env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001');
  let config: RuntimeConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    const error = toLambdaError(err);
    logger.log('ERROR', 'init_failed', { error: error.errorMessage });
    await api.postInitError(error).catch(() => undefined);
    process.exit(1);
  }
  const edges = createBaselineEdges(config);
  const environment = forwardedEnvironment(process.env, config.forwardCredentials);
  logger.log('INFO', 'init_done', { initMs: nowMs() - performance.timeOrigin, strategy: 'baseline' });
  await runLoops({
    next: () => api.next(),
    handle: (invocation) => handleBaselineInvocation(invocation, { config, api, edges, logger, environment }),
    logger,
    concurrency: config.concurrency,
  });
}

main().catch((err: unknown) => {
  logger.log('ERROR', 'runtime_crashed', { error: (err as Error).message });
  process.exit(1);
});
