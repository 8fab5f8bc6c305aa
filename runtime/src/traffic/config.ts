import {
  DEFAULT_OBSERVE_SAMPLE_MS,
  Env,
  FilterPatternError,
  RuntimeMode,
  WhenDisconnected,
  compileEventPattern,
  type EventMatcher,
  type RuntimeModeValue,
  type WhenDisconnectedValue,
} from '../../../protocol/index.js';
import { ConfigError } from '../errors.js';

export interface TrafficConfig {
  whenDisconnected: WhenDisconnectedValue;
  /** Unset: every invocation is for the debugger. */
  routeFilter?: EventMatcher;
  mode: RuntimeModeValue;
  observeSampleMs: number;
  reconnectCheckMs: number;
}

type Environment = Record<string, string | undefined>;

/** PLLDB_WHEN_DISCONNECTED, PLLDB_ROUTE_FILTER, PLLDB_MODE, PLLDB_OBSERVE_SAMPLE_MS; throws ConfigError naming the variable. */
export function loadTrafficConfig(env: Environment): TrafficConfig {
  const filter = env[Env.RouteFilter];
  return {
    whenDisconnected: oneOf(env, Env.WhenDisconnected, Object.values(WhenDisconnected), WhenDisconnected.Error),
    ...(filter !== undefined && filter.trim() !== '' ? { routeFilter: routeFilter(filter) } : {}),
    mode: oneOf(env, Env.Mode, Object.values(RuntimeMode), RuntimeMode.Debug),
    observeSampleMs: wholeNumber(env, Env.ObserveSampleMs, DEFAULT_OBSERVE_SAMPLE_MS),
    reconnectCheckMs: wholeNumber(env, Env.ReconnectCheckMs, 5000),
  };
}

function routeFilter(text: string): EventMatcher {
  try {
    return compileEventPattern(text);
  } catch (err) {
    if (!(err instanceof FilterPatternError)) throw err;
    throw new ConfigError(`${Env.RouteFilter} is not a valid EventBridge event pattern: ${err.message}. Example: {"detail":{"type":["order"]}}`);
  }
}

function oneOf<T extends string>(env: Environment, name: string, values: T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as string[]).includes(raw)) throw new ConfigError(`${name} is "${raw}": expected ${values.join(' or ')} (default ${fallback})`);
  return raw as T;
}

function wholeNumber(env: Environment, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} is "${raw}": expected a whole number of milliseconds, 0 or more (default ${fallback})`);
  return Number(raw);
}
