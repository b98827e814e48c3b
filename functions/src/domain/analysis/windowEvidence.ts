/**
 * What one analysis window says about harm, as log e-values (see evalues.ts), test by test:
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
import type { AnalysisMetrics, RevisionMetrics } from '../judge.js';
import { logEvidenceAbove, logEvidenceBelow, shareAtRatio } from './evalues.js';
import { RELATIVE_THRESHOLDS_MS } from './thresholds.js';

/** The share of requests above which p99 is over a threshold. */
export const P99_SHARE = 0.01;

/** log e-values of harm over one window, one per test. */
export interface HarmEvidence {
  readonly errors: number;
  readonly errorRate: number;
  readonly slowRate: number;
  /** One per {@link RELATIVE_THRESHOLDS_MS}, in order. */
  readonly latency: readonly number[];
}

/** No evidence at all (every e-value 1). */
export const NO_EVIDENCE: HarmEvidence = {
  errors: 0,
  errorRate: 0,
  slowRate: 0,
  latency: RELATIVE_THRESHOLDS_MS.map(() => 0),
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

/** log e-value that the candidate's share of some events is more than `ratio` allows, given both revisions' counts. */
function relativeHarm(candidateEvents: number, stableEvents: number, share: number | null, ratio: number): number {
  if (share === null) return 0;
  return logEvidenceAbove(candidateEvents, candidateEvents + stableEvents, shareAtRatio(share, ratio));
}

/** The evidence of harm in one window. */
export function harmEvidence(metrics: AnalysisMetrics, limits: AnalysisSpec): HarmEvidence {
  const { candidate, stable } = metrics;
  const { errorRatio, latencyRatio } = limits.sequential;
  const requestShare = stable ? shareOf(candidate.requests, stable.requests) : null;
  const latencyShare = stable ? shareOf(candidate.latency?.requests ?? 0, stable.latency?.requests ?? 0) : null;
  const errors = stable ? relativeHarm(candidate.errors, stable.errors, requestShare, errorRatio) : 0;
  const errorRate = logEvidenceAbove(candidate.errors, candidate.requests, limits.maxErrorRatePercent / 100);
  const slowAtLimit = slowerThan(metrics, candidate, limits.maxP99LatencyMs);
  const slowRate =
    slowAtLimit === null ? 0 : logEvidenceAbove(slowAtLimit, candidate.latency?.requests ?? 0, P99_SHARE);
  const latency = RELATIVE_THRESHOLDS_MS.map((threshold) => {
    if (!stable) return 0;
    const c = slowerThan(metrics, candidate, threshold);
    const s = slowerThan(metrics, stable, threshold);
    return c === null || s === null ? 0 : relativeHarm(c, s, latencyShare, latencyRatio);
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
  const { errorRatio, latencyRatio } = limits.sequential;
  // Errors: the candidate's share is clearly below what twice the tolerated ratio would give, or its rate is clearly
  // below a fifth of the limit (for services with too few errors to compare).
  const requestShare = stable ? shareOf(candidate.requests, stable.requests) : null;
  const relativeErrors =
    stable && requestShare !== null
      ? logEvidenceBelow(candidate.errors, candidate.errors + stable.errors, shareAtRatio(requestShare, 2 * errorRatio))
      : 0;
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
  const latencyShare = shareOf(latencyRequests, stable.latency?.requests ?? 0);
  if (latencyShare === null) return 'latency';
  for (const threshold of RELATIVE_THRESHOLDS_MS) {
    const c = slowerThan(metrics, candidate, threshold);
    const s = slowerThan(metrics, stable, threshold);
    const stableRequests = stable.latency?.requests ?? 0;
    if (c === null || s === null || stableRequests <= 0) continue;
    const stableShare = s / stableRequests;
    if (stableShare < INFORMATIVE_SLOW_SHARE.min || stableShare > INFORMATIVE_SLOW_SHARE.max) continue;
    const noHarm = logEvidenceBelow(c, c + s, shareAtRatio(latencyShare, 2 * latencyRatio));
    if (noHarm < NO_HARM_LOG_E) return `requests slower than ${threshold} ms`;
  }
  return null;
}
