import { createAwsEdges } from './aws/clients.js';
import { handleInvocation } from './invocation.js';
import { stdoutLogger as logger } from './logger.js';
import { main } from './start.js';

// The wrapper passes the function's own runtime command as arguments; debug mode replaces it.
main({
  strategy: 'plldb',
  createEdges: createAwsEdges,
  // With a configured role the credentials are warmed during init; a failure is reported per invocation.
  warm: async (edges, config) => {
    if (config.roleArn) await edges.credentials.provide().catch((err: unknown) => logger.log('WARN', 'assume_role_failed', { error: (err as Error).message }));
  },
  handle: handleInvocation,
});
