/**
 * The simulated worlds the policies are judged in, each with its ground truth: good or bad, and when the fault starts.
 *
 * Every world has the same service underneath: 0.1% of requests fail (5xx), latencies are lognormal around a median of
 * 80 ms (log-sd 0.45) with a thin natural tail (0.3% of requests around 320 ms), traffic follows a daily cycle (±30%)
 * with Poisson arrivals, and each revision's error rate and latency wander a little from minute to minute on their own
 * (independent noise: error rate ×lognormal(0.15), median ×lognormal(0.03)). A scenario changes that world.
 */

export type Truth = 'good' | 'bad';

/** When a bad scenario's fault starts: when the candidate first serves traffic, or when it first reaches a weight. */
export type FaultStart =
  { readonly kind: 'candidateStart' } | { readonly kind: 'weightAtLeast'; readonly percent: number };

/** What is different about the candidate, as a function of minutes since the rollout began. */
export interface CandidateFault {
  /** Extra probability of a 5xx on each candidate request. */
  readonly extraErrors?: (minute: number) => number;
  /** The candidate's median latency is multiplied by this. */
  readonly latencyFactor?: (minute: number) => number;
  /** A share of the candidate's requests is this many times slower (a tail). */
  readonly tail?: { readonly share: number; readonly factor: number };
  /** Extra 5xx probability while the candidate's weight is at least `percent`. */
  readonly atWeight?: { readonly percent: number; readonly extraErrors: number };
}

export interface Scenario {
  readonly name: string;
  readonly truth: Truth;
  /** One line for the report. */
  readonly summary: string;
  /** Null for good scenarios. */
  readonly faultStart: FaultStart | null;
  readonly candidate?: CandidateFault;
  /** Traffic is multiplied by this (minutes since the start). */
  readonly trafficFactor?: (minute: number) => number;
  /** Both revisions' median latency is multiplied by this function of the traffic factor (load). */
  readonly loadLatency?: (load: number) => number;
  /** Both revisions fail this share of requests for `minutes`, starting at a uniform minute in [from, to). */
  readonly commonBurst?: {
    readonly from: number;
    readonly to: number;
    readonly minutes: number;
    readonly errors: number;
  };
  /** Cloud Monitoring loses every point of both revisions for `minutes`, starting at a uniform minute in [from, to). */
  readonly metricsGap?: { readonly from: number; readonly to: number; readonly minutes: number };
  /** The stable revision's minute-to-minute noise, instead of the default. */
  readonly stableNoise?: { readonly errors: number; readonly latency: number };
  /** After each increase of its weight, for `seconds`, this share of the candidate's requests waits for a cold start. */
  readonly coldStarts?: { readonly seconds: number; readonly share: number; readonly medianMs: number };
}

const FROM_START: FaultStart = { kind: 'candidateStart' };

export const SCENARIOS: readonly Scenario[] = [
  // ─── good ───
  { name: 'identical', truth: 'good', summary: 'the candidate is the stable revision again', faultStart: null },
  {
    name: 'very-low-traffic',
    truth: 'good',
    summary: 'a quiet service: one twentieth of the traffic level',
    faultStart: null,
    trafficFactor: () => 0.05,
  },
  {
    name: 'common-burst',
    truth: 'good',
    summary: 'a dependency fails 5% of requests on both revisions for 5 minutes',
    faultStart: null,
    commonBurst: { from: 3, to: 35, minutes: 5, errors: 0.05 },
  },
  {
    name: 'cold-starts',
    truth: 'good',
    summary: "for 60 s after each weight increase, 5% of the candidate's requests wait ~1.2 s for a cold start",
    faultStart: null,
    coldStarts: { seconds: 60, share: 0.05, medianMs: 1200 },
  },
  {
    name: 'noisy-baseline',
    truth: 'good',
    summary: "the stable revision's error rate and latency wander 4× more from minute to minute than the candidate's",
    faultStart: null,
    stableNoise: { errors: 0.6, latency: 0.12 },
  },
  {
    name: 'traffic-growth',
    truth: 'good',
    summary: 'traffic triples over the first hour; both revisions slow down with load (median ×2 at ×3)',
    faultStart: null,
    trafficFactor: (minute) => 1 + 2 * Math.min(1, minute / 60),
    loadLatency: (load) => 1 + 0.5 * (load - 1),
  },
  {
    name: 'metrics-gap',
    truth: 'good',
    summary: 'Cloud Monitoring loses 10 minutes of points of both revisions',
    faultStart: null,
    metricsGap: { from: 2, to: 30, minutes: 10 },
  },
  // ─── bad ───
  {
    name: 'hard-failure',
    truth: 'bad',
    summary: '20% of candidate requests fail',
    faultStart: FROM_START,
    candidate: { extraErrors: () => 0.2 },
  },
  {
    name: 'errors-2pct',
    truth: 'bad',
    summary: '2% of candidate requests fail',
    faultStart: FROM_START,
    candidate: { extraErrors: () => 0.02 },
  },
  {
    name: 'errors-0.5pct',
    truth: 'bad',
    summary: '0.5% of candidate requests fail: 5× the baseline, under the 1% limit',
    faultStart: FROM_START,
    candidate: { extraErrors: () => 0.004 },
  },
  {
    name: 'p50-x1.5',
    truth: 'bad',
    summary: 'the candidate is 1.5× slower at the median (p99 stays under 500 ms)',
    faultStart: FROM_START,
    candidate: { latencyFactor: () => 1.5 },
  },
  {
    name: 'p99-tail',
    truth: 'bad',
    summary: '3% of candidate requests are 8× slower (~640 ms): only the tail moves',
    faultStart: FROM_START,
    candidate: { tail: { share: 0.03, factor: 8 } },
  },
  {
    name: 'slow-leak',
    truth: 'bad',
    summary: "a leak: the candidate's median latency grows to 2.5× and its errors to 2% over an hour",
    faultStart: FROM_START,
    candidate: {
      latencyFactor: (minute) => 1 + 1.5 * Math.min(1, minute / 60),
      extraErrors: (minute) => 0.02 * Math.min(1, minute / 60),
    },
  },
  {
    name: 'high-weight-only',
    truth: 'bad',
    summary: '5% of candidate requests fail, but only while it serves 50% of traffic or more',
    faultStart: { kind: 'weightAtLeast', percent: 50 },
    candidate: { atWeight: { percent: 50, extraErrors: 0.05 } },
  },
];

/** Requests per second at each traffic level. */
export const TRAFFIC_LEVELS: readonly number[] = [0.2, 2, 20, 200];

export function scenarioByName(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
