import { WhenDisconnected } from '../../../protocol/index.js';
import type { AwsEdges } from '../aws/clients.js';
import type { RuntimeConfig } from '../config.js';
import { invocationContext } from '../context.js';
import { DeployedRuntime } from '../deployed/deployed-runtime.js';
import { handleInvocation, type InvocationDeps } from '../invocation.js';
import { nowMs, type Logger } from '../logger.js';
import { debuggerMessage } from '../request.js';
import { RuntimeApiClient, type NextInvocation } from '../runtime-api/client.js';
import { DebuggerPresence } from './presence.js';
import { route } from './router.js';
import { Sampler } from './sampler.js';

/** Bounds the observation copy and the reconnect check: neither may hold up the deployed code's answer for long. */
const AWS_CALL_TIMEOUT_MS = 2000;

export interface TrafficEdges {
  aws: AwsEdges;
  deployed: DeployedRuntime;
  presence: DebuggerPresence;
  sampler: Sampler;
}

/** Created once at init; the deployed runtime itself starts only when an invocation first needs it. */
export function createTrafficEdges(config: RuntimeConfig, aws: AwsEdges, runtimeCommand: string[], env: Record<string, string | undefined>, logger: Logger): TrafficEdges {
  return {
    aws,
    deployed: new DeployedRuntime({ command: runtimeCommand, env: { ...env }, runtimeApi: config.runtimeApi, api: new RuntimeApiClient(config.runtimeApi), logger }),
    presence: new DebuggerPresence(() => aws.notifier.isConnected(aws.connection.id, AbortSignal.timeout(AWS_CALL_TIMEOUT_MS)), config.traffic.reconnectCheckMs, logger),
    sampler: new Sampler(config.traffic.observeSampleMs),
  };
}

export type DispatchDeps = Omit<InvocationDeps, 'edges' | 'onGone'> & { edges: TrafficEdges };

/** One invocation: to the debugger as before, or to the deployed code (writing nothing, sending at most an observation copy). */
export async function dispatch(next: NextInvocation, deps: DispatchDeps): Promise<void> {
  const { config, edges, logger } = deps;
  const decision = route(next.body, config.traffic, edges.presence, edges.sampler);
  if (decision.answeredBy === 'debugger') {
    const passthrough = config.traffic.whenDisconnected === WhenDisconnected.Passthrough;
    return handleInvocation(next, {
      ...deps,
      edges: edges.aws,
      ...(passthrough
        ? {
            onGone: (gone: NextInvocation) => {
              edges.presence.gone(gone.requestId);
              return answerByDeployed(gone, deps);
            },
          }
        : {}),
    });
  }
  const started = nowMs();
  await Promise.all([edges.deployed.answer(next), decision.copy ? observe(next, deps) : undefined, recheckPresence(next, deps)]);
  // One line per pass-through invocation: this path is measured against the deployed code alone.
  logger.log('INFO', 'invocation_passed_through', { requestId: next.requestId, reason: decision.reason, copy: decision.copy, ms: nowMs() - started });
}

async function answerByDeployed(next: NextInvocation, { edges, logger }: DispatchDeps): Promise<void> {
  const started = nowMs();
  await edges.deployed.answer(next);
  logger.log('INFO', 'deployed_answered', { requestId: next.requestId, ms: nowMs() - started });
}

/** Observe mode: a copy of the request message, marked as an observation; a failure is only logged. */
async function observe(next: NextInvocation, deps: DispatchDeps): Promise<void> {
  const { config, edges, logger, environment } = deps;
  const inv = { requestId: next.requestId, body: next.body, context: invocationContext(next.requestId, next.headers, config.function) };
  const message = debuggerMessage(config, inv, environment, true);
  // A copy whose event did not fit the message could only point at an item, and a pass-through invocation has none.
  if ((JSON.parse(message) as { eventInline: boolean }).eventInline === false) {
    logger.log('WARN', 'observation_skipped', { requestId: next.requestId, reason: 'event_too_large' });
    return;
  }
  try {
    edges.aws.credentials.useRoleOf(inv.context.invokedFunctionArn);
    await edges.aws.notifier.post(config.connectionId, message, AbortSignal.timeout(AWS_CALL_TIMEOUT_MS));
    logger.log('INFO', 'observation_sent', { requestId: next.requestId });
  } catch (err) {
    logger.log('WARN', 'observation_failed', { requestId: next.requestId, error: (err as Error).message });
  }
}

async function recheckPresence(next: NextInvocation, { edges }: DispatchDeps): Promise<void> {
  if (edges.presence.connected) return;
  edges.aws.credentials.useRoleOf(headerValue(next.headers['lambda-runtime-invoked-function-arn']));
  await edges.presence.recheck(next.requestId);
}

function headerValue(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}
