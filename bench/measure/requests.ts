import type { PhaseResult, RuntimeRequest } from '../phase.js';

/** Request counts by API (`Service.Operation`). */
export type Counts = Record<string, number>;

export const TOTAL = 'total';

/** Mean runtime requests per invocation over the whole phase, by API and in total. */
export function requestsPerInvocation(phase: PhaseResult): Counts {
  return scaled(countByApi(phase.requests), phase.samples.length);
}

/**
 * Mean runtime requests per invocation from `/next` to the debugger receiving the request message
 * (the path before notification). Only meaningful for a phase run one invocation at a time.
 */
export function requestsBeforeNotify(phase: PhaseResult): Counts {
  const inWindows = phase.samples.flatMap((s) => phase.requests.filter((r) => r.at >= s.deliveredAt && r.at <= s.receivedAt));
  return scaled(countByApi(inWindows), phase.samples.length);
}

/**
 * Runtime requests per minute of waiting: each invocation's requests (by its debugger-role session)
 * while its debugger held the request, over the total time debuggers held requests.
 */
export function requestsPerMinuteWaiting(phase: PhaseResult): Counts {
  const waited = phase.samples.flatMap((s) => phase.requests.filter((r) => r.functionName === s.functionName && r.at >= s.receivedAt && r.at <= s.sentAt));
  const minutes = phase.samples.reduce((sum, s) => sum + (s.sentAt - s.receivedAt), 0) / 60_000;
  return scaled(countByApi(waited), minutes);
}

/** The route handler's AWS requests per answer it passed (one route invocation per answer), by API and in total. */
export function routeRequestsPerAnswer(phase: PhaseResult): Counts {
  return scaled(countByApi(phase.route.requests.map((api) => ({ api }))), phase.route.handlerMs.length);
}

function countByApi(requests: readonly Pick<RuntimeRequest, 'api'>[]): Counts {
  const counts: Counts = { [TOTAL]: 0 };
  for (const r of requests) {
    counts[r.api] = (counts[r.api] ?? 0) + 1;
    counts[TOTAL] = (counts[TOTAL] ?? 0) + 1;
  }
  return counts;
}

function scaled(counts: Counts, by: number): Counts {
  return Object.fromEntries(Object.entries(counts).map(([api, n]) => [api, by > 0 ? n / by : Number.NaN]));
}
