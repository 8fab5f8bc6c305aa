import { RuntimeMode, WhenDisconnected } from '../../../protocol/index.js';
import type { TrafficConfig } from './config.js';
import type { DebuggerPresence } from './presence.js';
import type { Sampler } from './sampler.js';

/** Who answers an invocation, and whether the debugger gets a copy of it (observe mode). */
export type Route = { answeredBy: 'debugger' } | { answeredBy: 'deployed'; reason: 'filter' | 'disconnected' | 'observe'; copy: boolean };

/** Decides per invocation from the event, the mode, the filter and whether a debugger is connected. */
export function route(body: string, traffic: TrafficConfig, presence: Pick<DebuggerPresence, 'connected'>, sampler: Sampler): Route {
  const wanted = traffic.routeFilter === undefined || traffic.routeFilter(parsedEvent(body));
  if (traffic.mode === RuntimeMode.Observe) return { answeredBy: 'deployed', reason: 'observe', copy: wanted && sampler.take() };
  if (!wanted) return { answeredBy: 'deployed', reason: 'filter', copy: false };
  if (!presence.connected && traffic.whenDisconnected === WhenDisconnected.Passthrough) return { answeredBy: 'deployed', reason: 'disconnected', copy: false };
  return { answeredBy: 'debugger' };
}

/** An event that is not JSON has no fields, so it never matches a pattern that needs one. */
function parsedEvent(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
