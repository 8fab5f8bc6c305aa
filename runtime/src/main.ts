import { createAwsEdges } from './aws/clients.js';
import { stdoutLogger as logger } from './logger.js';
import { main } from './start.js';
import { createTrafficEdges, dispatch } from './traffic/dispatch.js';

// The wrapper passes the function's own runtime command as arguments: PLLDB starts it when an
// invocation is for the deployed code (pass-through, outside the route filter, observe mode).
main({
  strategy: 'plldb',
  createEdges: (config) => createTrafficEdges(config, createAwsEdges(config), process.argv.slice(2), process.env, logger),
  // With a configured role the credentials are warmed during init; a failure is reported per invocation.
  warm: async (edges, config) => {
    if (config.roleArn) await edges.aws.credentials.provide().catch((err: unknown) => logger.log('WARN', 'assume_role_failed', { error: (err as Error).message }));
  },
  handle: dispatch,
});
