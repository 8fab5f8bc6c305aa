import { performance } from 'node:perf_hooks';
import { createAwsEdges } from './aws/clients.js';
import { loadConfig, type RuntimeConfig } from './config.js';
import { toLambdaError } from './errors.js';
import { handleInvocation } from './invocation.js';
import { stdoutLogger as logger, nowMs } from './logger.js';
import { runLoops } from './loop.js';
import { forwardedEnvironment } from './request.js';
import { RuntimeApiClient } from './runtime-api/client.js';

// The wrapper passes the function's own runtime command as arguments; debug mode replaces it.
async function main(): Promise<void> {
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
  const edges = createAwsEdges(config);
  if (config.roleArn) {
    // Warm the credentials during init (free of the invocation's clock); a failure is reported per invocation.
    await edges.credentials.provide().catch((err: unknown) => logger.log('WARN', 'assume_role_failed', { error: (err as Error).message }));
  }
  const environment = forwardedEnvironment(process.env, config.forwardCredentials);
  logger.log('INFO', 'init_done', { initMs: nowMs() - performance.timeOrigin, concurrency: config.concurrency, nodeVersion: process.version });
  await runLoops({
    next: () => api.next(),
    handle: (invocation) => handleInvocation(invocation, { config, api, edges, logger, environment }),
    logger,
    concurrency: config.concurrency,
  });
}

main().catch((err: unknown) => {
  logger.log('ERROR', 'runtime_crashed', { error: (err as Error).message });
  process.exit(1);
});
