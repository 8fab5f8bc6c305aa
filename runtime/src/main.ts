import { stdoutLogger as logger } from './logger.js';
import type { NextInvocation } from './runtime-api/client.js';
import { main } from './start.js';
import type { DispatchDeps, TrafficEdges } from './traffic/dispatch.js';

// Loaded on first use, not at start-up: the AWS SDK and rxjs are most of the bundle's evaluation
// work, and the runtime asks for its first invocation before it needs them.
const dispatchModule = (): Promise<typeof import('./traffic/dispatch.js')> => import('./traffic/dispatch.js');

// The wrapper passes the function's own runtime command as arguments: PLLDB starts it when an
// invocation is for the deployed code (pass-through, outside the route filter, observe mode).
main<TrafficEdges>({
  strategy: 'plldb',
  createEdges: async (config) => {
    const [{ createAwsEdges }, { createTrafficEdges }] = await Promise.all([import('./aws/clients.js'), dispatchModule()]);
    return createTrafficEdges(config, createAwsEdges(config), process.argv.slice(2), process.env, logger);
  },
  // With a configured role the credentials are warmed while /next waits; a failure is reported per invocation.
  warm: async (edges, config) => {
    if (config.roleArn) await edges.aws.credentials.provide().catch((err: unknown) => logger.log('WARN', 'assume_role_failed', { error: (err as Error).message }));
  },
  handle: async (invocation: NextInvocation, deps: DispatchDeps) => (await dispatchModule()).dispatch(invocation, deps),
});
