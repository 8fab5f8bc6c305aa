import { TOTAL } from './measure/requests.js';
import type { BenchResult, Target } from './result.js';

/** RSS growth from 100 to 1000 invocations that still counts as noise (heap sizing, JIT). */
const MEMORY_NOISE_MB = 5;
const MEMORY_LIMIT_MB = 80;
const INIT_LIMIT_MS = 100;
const NODE_LAYER_LIMIT_KB = 200;
/** The route's calls an answer waits on; the reply to the debugger goes out beside the second. */
const ANSWER_PATH = ['DynamoDB.UpdateItem', 'SQS.SendMessage'];
const ROUTE_REPLY = 'ApiGatewayManagementApi.PostToConnection';

const ms = (v: number) => `${v.toFixed(1)} ms`;
const x = (v: number) => `${v.toFixed(2)}x`;
const reads = (figures: Record<string, { median: number }>) => figures['DynamoDB.GetItem']?.median ?? 0;

/** The issues' targets (7 and 16), checked against the measured figures. */
export function evaluateTargets(r: BenchResult): Target[] {
  const o = r.options;
  const slowRatio = r.latency.pickupSlow.ratioP50?.median ?? Number.NaN;
  const instantRatio = r.latency.pickupInstant.ratioP50?.median ?? Number.NaN;
  const rt = r.roundTripMs;
  const notify = r.latency.notify.plldb.p50.median;
  const twoTrips = 2 * rt + 5;
  const nominalLimit = 2 * o.callDelayMs + 5;
  const beforeNotify = r.requests.beforeNotify.plldb[TOTAL]?.median ?? Number.NaN;
  const plldbReads = reads(r.requests.perMinuteWaiting.plldb);
  const baselineReads = reads(r.requests.perMinuteWaiting.baseline);
  const nodeZip = r.sizes.nodeLayerZip;
  const perAnswer = r.route.requestsPerAnswer;
  const answerPath = ANSWER_PATH.reduce((sum, api) => sum + (perAnswer[api]?.median ?? 0), 0);
  const otherRouteCalls = Object.entries(perAnswer)
    .filter(([api]) => api !== TOTAL && !ANSWER_PATH.includes(api) && api !== ROUTE_REPLY)
    .reduce((sum, [, f]) => sum + f.median, 0);
  const instantP95 = r.latency.pickupInstant.plldb.p95.median;
  const instantLimit = 3 * rt + 5;
  const w = r.winners.instant;
  const pickup = (scenario: 'pickupInstant' | 'pickupSlow', label: string): Target => {
    const p50 = r.latency[scenario].plldb.p50.median;
    return {
      goal: `answer pickup p50, ${label}: at most 2 AWS round trips + 5 ms`,
      value: `${ms(p50)}: limit ${ms(twoTrips)} (round trip ${ms(rt)}); the route handler's own time p50 ${ms(r.route.handlerMs.p50.median)}`,
      met: p50 <= twoTrips,
      note:
        p50 <= twoTrips
          ? ''
          : "the route's two calls (UpdateItem, then SendMessage to the queue the runtime long-polls) are the only AWS calls on the path; the rest is local hops no round trip counts, traced on a quiet machine: the message through API Gateway to the route (about 1.5 ms), the route's work and the SDK's signing before each call (1-3 ms each), SQS handing the message to the runtime's receive (about 3 ms) and the runtime's /response (about 1.5 ms). Against real AWS round trips (tens of ms) the same hops fit within the 5 ms; on this sandbox a leaner SDK path (a pre-built signed request) would be needed",
    };
  };
  return [
    {
      goal: 'answer pickup p50, 5 s debugger: at least 10x lower than the baseline',
      value: `${ms(r.latency.pickupSlow.plldb.p50.median)} vs ${ms(r.latency.pickupSlow.baseline?.p50.median ?? Number.NaN)} (ratio ${x(slowRatio)})`,
      met: slowRatio <= 0.1,
      note: slowRatio <= 0.1 ? '' : slowNote(r),
    },
    {
      goal: 'answer pickup p50, instant debugger: no worse than the baseline',
      value: `${ms(r.latency.pickupInstant.plldb.p50.median)} vs ${ms(r.latency.pickupInstant.baseline?.p50.median ?? Number.NaN)} (ratio ${x(instantRatio)})`,
      met: instantRatio <= 1,
      note: '',
    },
    pickup('pickupInstant', 'instant debugger'),
    pickup('pickupSlow', '5 s debugger'),
    {
      goal: 'the route makes exactly 2 AWS calls per answer on the answer path (UpdateItem, SendMessage)',
      value: `${answerPath.toFixed(2)} (${ANSWER_PATH.map((api) => `${api} ${(perAnswer[api]?.median ?? 0).toFixed(2)}`).join(', ')}; other calls ${otherRouteCalls.toFixed(2)}; plus the reply to the debugger, ${ROUTE_REPLY} ${(perAnswer[ROUTE_REPLY]?.median ?? 0).toFixed(2)}, sent beside the SendMessage)`,
      met: Math.abs(answerPath - 2) < 0.005 && otherRouteCalls < 0.005,
      note: Math.abs(answerPath - 2) < 0.005 && otherRouteCalls < 0.005 ? '' : 'a send that found no queue at the URL built from its name looked the URL up (GetQueueUrl) and sent again; see the route log (fast-path-failed)',
    },
    {
      goal: 'notify p50 at most 2 AWS round trips + 5 ms',
      value: `${ms(notify)}: limit ${ms(twoTrips)} with the round trip measured on this sandbox (${ms(rt)}), ${ms(nominalLimit)} counting injected delays alone; baseline ${ms(r.latency.notify.baseline?.p50.median ?? Number.NaN)}`,
      met: notify <= twoTrips,
      note:
        notify <= twoTrips
          ? ''
          : "PLLDB's path is two round trips (PutItem, then PostToConnection; CreateQueue runs beside them); the rest is local work no round trip counts: building and signing each request and API Gateway's hop to the debugger's socket (a few ms in all on this sandbox, small against real AWS round trips)",
    },
    {
      goal: 'instant answers picked up within one round trip of their arrival (pickup p95 at most 3 round trips + 5 ms: 2 to store and send, 1 to pick up)',
      value: `p95 ${ms(instantP95)}: limit ${ms(instantLimit)}; won by the fast path ${w.fastPath}, the relay ${w.relay}, the poll ${w.poll} (no answer ${w.none})`,
      met: instantP95 <= instantLimit,
      note: instantP95 <= instantLimit ? '' : "an answer that reached the route before the runtime's queue existed waits for the poll (every 100 ms at first) or the relay; see the winning paths",
    },
    {
      goal: 'at most 4 AWS requests per invocation before the debugger is notified',
      value: `${beforeNotify.toFixed(1)} (baseline ${(r.requests.beforeNotify.baseline[TOTAL]?.median ?? Number.NaN).toFixed(1)})`,
      met: beforeNotify <= 4,
      note: '',
    },
    {
      goal: 'fewer DynamoDB reads per minute of waiting than the baseline',
      value: `${plldbReads.toFixed(0)} vs ${baselineReads.toFixed(0)} GetItem/min`,
      met: plldbReads < baselineReads,
      note:
        plldbReads < baselineReads
          ? ''
          : 'the poll arm keeps reading (by default every 100 ms for 3 s, then once a second) while the queue arm carries the answer; a slower poll (PLLDB_POLL_FAST_MS, PLLDB_POLL_FAST_FOR_MS, PLLDB_POLL_MAX_MS) reaches it, at the cost of latency when the queue path fails (README, Performance)',
    },
    ...(['node', 'standalone'] as const).map((layer) => ({
      goal: `runtime init under ${INIT_LIMIT_MS} ms (${layer === 'node' ? 'Node.js' : 'standalone'} layer)`,
      value: ms(r.init[layer].median),
      met: r.init[layer].median < INIT_LIMIT_MS,
      note:
        r.init[layer].median < INIT_LIMIT_MS
          ? ''
          : `covers the wrapper, Node.js's own start and the runtime's init path (${(r.sizes.runtimeEntry / 1024).toFixed(0)} KB), and follows machine load (1-minute load average ${r.machine.loadAverage.map((l) => l.toFixed(1)).join(' → ')} on ${r.machine.cpus} cores). ${
              layer === 'node'
                ? `It runs here on the host's Node.js ${r.machine.node}, whose start and ES module loader take most of it (an empty .mjs sending /next comes within 15-25 ms of it); Lambda runs Node.js 22 or 24; a CommonJS init entry would save 15-30 ms more on Node.js 20`
                : "The layer's own Node.js 24 takes most of it just to start (node -e 0: about 100 ms of CPU on this machine); the runtime's part is the init path above, and the AWS SDK loads only once the first /next is sent"
            }`,
    })),
    {
      goal: `resident memory under ${MEMORY_LIMIT_MB} MB at every reading (every ${o.memoryEvery} invocations up to ${r.memory.toInvocation})`,
      value: `highest ${r.memory.peakMb.toFixed(1)} MB; ${r.memory.toMb.toFixed(1)} MB after ${r.memory.toInvocation}`,
      met: r.memory.peakMb < MEMORY_LIMIT_MB,
      note: r.memory.peakMb < MEMORY_LIMIT_MB ? '' : "V8 lets the heap grow before it collects unless its limit is set: the runtime's Node.js flags (README, Performance) bound it",
    },
    {
      goal: `no memory growth from ${r.memory.fromInvocation} to ${r.memory.toInvocation} invocations beyond noise (${MEMORY_NOISE_MB} MB)`,
      value: `${r.memory.growthMb >= 0 ? '+' : ''}${r.memory.growthMb.toFixed(1)} MB`,
      met: r.memory.growthMb <= MEMORY_NOISE_MB,
      note: r.memory.growthMb <= MEMORY_NOISE_MB ? '' : "a least-squares trend over V8's grow-and-collect cycle; a heap limit flattens it (README, Performance)",
    },
    {
      goal: 'pass-through (the deployed code answers through PLLDB\'s proxy) adds at most 5 ms at p50',
      value: `+${ms(r.passthrough.addedP50Ms)} (${ms(r.passthrough.passthrough.p50)} vs ${ms(r.passthrough.deployedAlone.p50)} without PLLDB); warm RSS: PLLDB runtime ${r.passthrough.rssMb.plldbRuntime.toFixed(1)} MB + deployed runtime ${r.passthrough.rssMb.deployedRuntime.toFixed(1)} MB (${r.passthrough.rssMb.deployedAlone.toFixed(1)} MB without PLLDB)`,
      met: r.passthrough.addedP50Ms <= 5,
      note: r.passthrough.addedP50Ms <= 5 ? '' : 'the proxy adds two local HTTP hops (/next and /response); a loaded machine stretches them',
    },
    {
      goal: "end-to-end overhead with local execution environments within 10% of the direct answer's (same run)",
      value: `p50 ${ms(r.localEnvironments.local.p50.median)} vs ${ms(r.localEnvironments.direct.p50.median)} (median of the per-round ratios ${x(r.localEnvironments.ratioP50.median)}); the local run itself p50 ${ms(r.localEnvironments.localRun.p50.median)}`,
      met: r.localEnvironments.ratioP50.median <= 1.1,
      note: r.localEnvironments.ratioP50.median <= 1.1 ? '' : "the difference is plldb debug's own path: the request handled, the invocation posted to the function's warm worker thread and its result back",
    },
    {
      goal: `Node.js layer under ${NODE_LAYER_LIMIT_KB} KB zipped`,
      value: `${(nodeZip / 1024).toFixed(0)} KB`,
      met: nodeZip < NODE_LAYER_LIMIT_KB * 1024,
      note: '',
    },
  ];
}

/** Why the 5 s debugger's pickup missed its ratio: the queue path failed, or the machine was slow. */
function slowNote(r: BenchResult): string {
  const w = r.winners.slow;
  const viaQueue = w.fastPath + w.relay;
  if (viaQueue < w.fastPath + w.relay + w.poll + w.none) return 'the answer is not reaching the runtime through the queue; see the winning paths';
  return `every answer came through the queue (see the winning paths): the time is the machine's (one round trip took ${ms(r.roundTripMs)} here, load average ${r.machine.loadAverage.map((l) => l.toFixed(1)).join(' → ')}), while the baseline's once-a-second poll does not slow down with it`;
}
