import type { AwsEdges } from './aws/clients.js';
import type { InvocationDeps } from './invocation.js';
import { stdoutLogger as logger } from './logger.js';
import type { NextInvocation } from './runtime-api/client.js';
import { main } from './start.js';

// Loaded on first use, not at start-up: the AWS SDK and rxjs are most of the bundle's evaluation
// work, and the runtime asks for its first invocation before it needs them.
const invocationModule = (): Promise<typeof import('./invocation.js')> => import('./invocation.js');

// The wrapper passes the function's own runtime command as arguments; debug mode replaces it.
main<AwsEdges>({
  strategy: 'plldb',
  createEdges: async (config) => (await import('./aws/clients.js')).createAwsEdges(config),
  // With a configured role the credentials are warmed while /next waits; a failure is reported per invocation.
  warm: async (edges, config) => {
    const loaded = invocationModule();
    if (config.roleArn) await edges.credentials.provide().catch((err: unknown) => logger.log('WARN', 'assume_role_failed', { error: (err as Error).message }));
    await loaded;
  },
  handle: async (invocation: NextInvocation, deps: InvocationDeps) => (await invocationModule()).handleInvocation(invocation, deps),
});
