/**
 * What one analysis window says about harm, test by test, as log likelihood ratios at each alternative of the mixture
 * (evalues.ts, `Alternatives`; their mixture is the window's e-value, and evidence.ts mixes them once over the steps):
 *
 * - **errors** (relative): of the 5xx responses both revisions served, the candidate's share against its share of the
 *   requests. With equal error rates the two shares are equal whatever the rate, so a fault both revisions share (a
 *   dependency down, a burst of bad input) moves nothing; a gap in the metrics removes requests and errors together.
 *   The null allows the candidate `errorRatio` times the stable revision's rate.
 * - **latency** (relative): the same, for the requests slower than each of the fixed thresholds, with `latencyRatio`.
 * - **errorRate** (absolute): the candidate's 5xx rate against `maxErrorRatePercent`.
 * - **slowRate** (absolute): the candidate's share of requests slower than `maxP99LatencyMs` against 1%, i.e. its p99
 *   against the limit.
 *
 * The shares of requests come from the same window as the events they are compared with, so a traffic change that took
 * effect late, or a minute Cloud Monitoring has not reported yet, shifts both together.
 */
import type { AnalysisSpec } from '../config/schema.js';
import type { AnalysisMetrics, MinuteCounts, RevisionMetrics } from '../judge.js';
import {
  alternativesOverCells,
  designWeight,
  logEvidenceBelow,
  logEvidenceOf,
  NO_ALTERNATIVES,
  shareAtRatio,
  type Alternatives,
  type Cell,
} from './evalues.js';
import { RELATIVE_THRESHOLDS_MS } from './thresholds.js';

/** The share of requests above which p99 is over a threshold. */
export const P99_SHARE = 0.01;

/** The relative latency test at one threshold. (An object, not a nested array: Firestore stores no array in an array.) */
export interface LatencyTest {
  readonly thresholdMs: number;
  readonly alternatives: Alternatives;
}

/** The evidence of harm over one window, one entry per test. */
export interface HarmEvidence {
  readonly errors: Alternatives;
  readonly errorRate: Alternatives;
  readonly slowRate: Alternatives;
  /** One per {@link RELATIVE_THRESHOLDS_MS}, in order. */
  readonly latency: readonly LatencyTest[];
}

/** No evidence at all (every likelihood ratio 1). */
export const NO_EVIDENCE: HarmEvidence = {
  errors: NO_ALTERNATIVES,
  errorRate: NO_ALTERNATIVES,
  slowRate: NO_ALTERNATIVES,
  latency: RELATIVE_THRESHOLDS_MS.map((thresholdMs) => ({ thresholdMs, alternatives: NO_ALTERNATIVES })),
};

export type SequentialSpec = AnalysisSpec['sequential'];

/** The candidate's share of the requests two counts make, or null when it is 0 or 1 (nothing to compare). */
export function shareOf(candidate: number, stable: number): number | null {
  const total = candidate + stable;
  if (!(total > 0) || candidate <= 0 || stable <= 0) return null;
  return candidate / total;
}

/** Slow-request counts at `thresholdMs`, or null when the window did not count at it. */
export function slowerThan(metrics: AnalysisMetrics, m: RevisionMetrics, thresholdMs: number): number | null {
  const index = (metrics.latencyThresholdsMs ?? []).indexOf(thresholdMs);
  const count = index < 0 ? undefined : m.latency?.slower[index];
  return count === undefined ? null : count;
}

/** One revision's counts over one group of requests (a minute, or the whole window). */
type Counts = Pick<MinuteCounts, 'requests' | 'errors' | 'latency'>;

/**
 * The groups the comparisons with stable are made over: each minute that both revisions reported (a minute only one of
 * them has reported yet would compare a revision with nothing), or, for metrics without minutes, the whole window as
 * that many minutes' worth.
 */
function groupsOf(metrics: AnalysisMetrics): { pairs: { candidate: Counts; stable: Counts }[]; minutesEach: number } {
  if (metrics.minutes && metrics.minutes.length > 0) {
    const pairs = metrics.minutes.flatMap((m) =>
      m.stable && m.candidate.requests > 0 && m.stable.requests > 0
        ? [{ candidate: m.candidate, stable: m.stable }]
        : [],
    );
    return { pairs, minutesEach: 1 };
  }
  if (!metrics.stable) return { pairs: [], minutesEach: 1 };
  const minutes = Math.max(1, Math.round((metrics.windowEnd - metrics.windowStart) / 60_000));
  return { pairs: [{ candidate: metrics.candidate, stable: metrics.stable }], minutesEach: minutes };
}

/** How one comparison counts its events and requests in a group. */
interface Comparison {
  /** The events (5xx, or requests slower than a threshold) of a revision in a group, or null if not counted. */
  readonly events: (c: Counts) => number | null;
  /** The requests the events are out of. */
  readonly requests: (c: Counts) => number | null;
}

const ERRORS: Comparison = { events: (c) => c.errors, requests: (c) => c.requests };

function slowAt(index: number): Comparison {
  return {
    events: (c) => c.latency?.slower[index] ?? null,
    requests: (c) => c.latency?.requests ?? null,
  };
}

/**
 * The evidence that the candidate's share of a comparison's events is beyond (`above`) or short of (`below`) what
 * `ratio` times the stable revision's rate would give, group by group, with the groups' evidence discounted for the
 * minute-to-minute wander `noise` allows (evalues.ts, designWeight).
 */
function compare(
  metrics: AnalysisMetrics,
  comparison: Comparison,
  ratio: number,
  noise: number,
  direction: 'above' | 'below',
): Alternatives {
  const { pairs, minutesEach } = groupsOf(metrics);
  const cells: Cell[] = [];
  for (const { candidate, stable } of pairs) {
    const k = comparison.events(candidate);
    const s = comparison.events(stable);
    const share = shareOf(comparison.requests(candidate) ?? 0, comparison.requests(stable) ?? 0);
    if (k === null || s === null || share === null) continue;
    const theta0 = shareAtRatio(share, ratio);
    const n = k + s;
    cells.push({ k, n, theta0, weight: designWeight(n / minutesEach, theta0, noise) });
  }
  return alternativesOverCells(cells, direction);
}

/**
 * The evidence that the candidate's share of a comparison's events among its own requests is above `limit` (an absolute
 * limit). A fault the stable revision shows as much is not the candidate's: minute by minute, a minute in which the
 * stable revision broke the limit too does not count, nor one it has not reported yet; without minutes, the whole
 * window does not count when the stable revision broke the limit over it.
 */
function overLimit(metrics: AnalysisMetrics, comparison: Comparison, limit: number): Alternatives {
  const { candidate, stable } = metrics;
  const breaks = (c: Counts): boolean => {
    const events = comparison.events(c);
    const requests = comparison.requests(c) ?? 0;
    return events !== null && requests > 0 && events / requests > limit;
  };
  if (stable && metrics.minutes && metrics.minutes.length > 0) {
    const cells: Cell[] = [];
    for (const m of metrics.minutes) {
      if (!m.stable || m.stable.requests <= 0 || breaks(m.stable)) continue;
      const k = comparison.events(m.candidate);
      const n = comparison.requests(m.candidate) ?? 0;
      if (k !== null && n > 0) cells.push({ k, n, theta0: limit, weight: 1 });
    }
    return alternativesOverCells(cells, 'above');
  }
  if (stable && stable.requests > 0 && breaks(stable)) return NO_ALTERNATIVES;
  const k = comparison.events(candidate);
  if (k === null) return NO_ALTERNATIVES;
  return alternativesOverCells([{ k, n: comparison.requests(candidate) ?? 0, theta0: limit, weight: 1 }], 'above');
}

/** The evidence of harm in one window. */
export function harmEvidence(metrics: AnalysisMetrics, limits: AnalysisSpec): HarmEvidence {
  const { errorRatio, latencyRatio, minuteNoise } = limits.sequential;
  const errors = compare(metrics, ERRORS, errorRatio, minuteNoise, 'above');
  const errorRate = overLimit(metrics, ERRORS, limits.maxErrorRatePercent / 100);
  const thresholds = metrics.latencyThresholdsMs ?? [];
  const limitIndex = thresholds.indexOf(limits.maxP99LatencyMs);
  const slowRate = limitIndex < 0 ? NO_ALTERNATIVES : overLimit(metrics, slowAt(limitIndex), P99_SHARE);
  const latency = RELATIVE_THRESHOLDS_MS.map((thresholdMs) => {
    const index = thresholds.indexOf(thresholdMs);
    const alternatives =
      index < 0 ? NO_ALTERNATIVES : compare(metrics, slowAt(index), latencyRatio, minuteNoise, 'above');
    return { thresholdMs, alternatives };
  });
  return { errors, errorRate, slowRate, latency };
}

/** How strong evidence of no harm must be to end a bake early: e ≥ 20 (95%) for each test that counts. */
export const NO_HARM_LOG_E = Math.log(20);

/**
 * Where the stable revision's share of requests slower than a threshold must lie for that threshold's no-harm evidence
 * to be required: thresholds almost every request or almost none exceeds say little either way.
 */
const INFORMATIVE_SLOW_SHARE = { min: 0.05, max: 0.95 } as const;

/** Why the window does not show strong evidence of no harm, or null when it does. */
export function missingNoHarmEvidence(metrics: AnalysisMetrics, limits: AnalysisSpec): string | null {
  const { candidate, stable } = metrics;
  const { errorRatio, latencyRatio, minuteNoise } = limits.sequential;
  // Errors: the candidate's share is clearly below what twice the tolerated ratio would give, or its rate is clearly
  // below a fifth of the limit (for services with too few errors to compare).
  const relativeErrors = stable ? logEvidenceOf(compare(metrics, ERRORS, 2 * errorRatio, minuteNoise, 'below')) : 0;
  const absoluteErrors = logEvidenceBelow(candidate.errors, candidate.requests, limits.maxErrorRatePercent / 500);
  if (relativeErrors < NO_HARM_LOG_E && absoluteErrors < NO_HARM_LOG_E) return 'errors';
  // Latency: clearly fewer than 1% of requests slower than the limit, and at every informative threshold a share of
  // slow requests clearly below what twice the tolerated ratio would give.
  const latencyRequests = candidate.latency?.requests ?? 0;
  const slowAtLimit = slowerThan(metrics, candidate, limits.maxP99LatencyMs);
  if (slowAtLimit === null || logEvidenceBelow(slowAtLimit, latencyRequests, P99_SHARE) < NO_HARM_LOG_E) {
    return `requests slower than ${limits.maxP99LatencyMs} ms`;
  }
  if (!stable) return null;
  const stableRequests = stable.latency?.requests ?? 0;
  if (shareOf(latencyRequests, stableRequests) === null) return 'latency';
  const thresholds = metrics.latencyThresholdsMs ?? [];
  for (const threshold of RELATIVE_THRESHOLDS_MS) {
    const s = slowerThan(metrics, stable, threshold);
    if (s === null) continue;
    const stableShare = s / stableRequests;
    if (stableShare < INFORMATIVE_SLOW_SHARE.min || stableShare > INFORMATIVE_SLOW_SHARE.max) continue;
    const noHarm = logEvidenceOf(
      compare(metrics, slowAt(thresholds.indexOf(threshold)), 2 * latencyRatio, minuteNoise, 'below'),
    );
    if (noHarm < NO_HARM_LOG_E) return `requests slower than ${threshold} ms`;
  }
  return null;
}
