/**
 * The analysis judge: given the candidate's and the stable revision's numbers over one step's window, and the target's
 * limits, says pass, fail or inconclusive, with the numbers behind it. Pure and replaceable.
 *
 * Precedence, first match wins:
 * 1. **fail** when the candidate's errors alone already exceed what the limit allows for `minRequests` requests (strong
 *    evidence needs no minimum), or when it served at least `minRequests` and its error rate is over the limit;
 * 2. **inconclusive** when it served fewer than `minRequests` requests: never promote on no evidence;
 * 3. **fail** when its p99 latency is over the limit;
 * 4. **pass**.
 *
 * The stable revision's numbers are carried along for people to compare; this judge decides on absolute limits only.
 */
import type { AnalysisSpec } from './config/schema.js';
import type { Millis } from './rollout.js';

/** What was measured for one revision over the window. */
export interface RevisionMetrics {
  readonly requests: number;
  /** 5xx responses. */
  readonly errors: number;
  /** Null when there were no requests to measure. */
  readonly p99LatencyMs: number | null;
}

export interface AnalysisMetrics {
  readonly windowStart: Millis;
  readonly windowEnd: Millis;
  readonly candidate: RevisionMetrics;
  /** Null when there is no stable revision to compare with. */
  readonly stable: RevisionMetrics | null;
}

export type VerdictResult = 'pass' | 'fail' | 'inconclusive';

/** A verdict with the numbers behind it, as stored on the rollout. */
export interface Verdict {
  readonly result: VerdictResult;
  /** One sentence a person can act on. */
  readonly reason: string;
  readonly step: number;
  readonly at: Millis;
  readonly metrics: AnalysisMetrics;
  readonly candidateErrorRatePercent: number | null;
  readonly stableErrorRatePercent: number | null;
  readonly limits: {
    readonly maxErrorRatePercent: number;
    readonly maxP99LatencyMs: number;
    readonly minRequests: number;
  };
}

/** Error rate in percent, or null with no requests. */
export function errorRatePercent(m: RevisionMetrics): number | null {
  return m.requests > 0 ? (100 * m.errors) / m.requests : null;
}

/** Judges one step. See the precedence in the module comment. */
export function judge(metrics: AnalysisMetrics, limits: AnalysisSpec, step: number, at: Millis): Verdict {
  const { candidate } = metrics;
  const rate = errorRatePercent(candidate);
  const base = {
    step,
    at,
    metrics,
    candidateErrorRatePercent: rate,
    stableErrorRatePercent: metrics.stable ? errorRatePercent(metrics.stable) : null,
    limits: {
      maxErrorRatePercent: limits.maxErrorRatePercent,
      maxP99LatencyMs: limits.maxP99LatencyMs,
      minRequests: limits.minRequests,
    },
  };
  const allowedErrorsAtMinimum = (limits.maxErrorRatePercent / 100) * limits.minRequests;
  const enoughRequests = candidate.requests >= limits.minRequests && candidate.requests > 0;

  if (candidate.errors > 0 && candidate.errors > allowedErrorsAtMinimum && !enoughRequests) {
    return {
      ...base,
      result: 'fail',
      reason: `${candidate.errors} errors in ${candidate.requests} requests already exceed ${fmt(limits.maxErrorRatePercent)}% of the minimum ${limits.minRequests}`,
    };
  }
  if (enoughRequests && rate !== null && rate > limits.maxErrorRatePercent) {
    return {
      ...base,
      result: 'fail',
      reason: `error rate ${fmt(rate)}% is over the limit of ${fmt(limits.maxErrorRatePercent)}%`,
    };
  }
  if (!enoughRequests) {
    return {
      ...base,
      result: 'inconclusive',
      reason: `too few requests: ${candidate.requests} of the ${limits.minRequests} needed`,
    };
  }
  if (candidate.p99LatencyMs !== null && candidate.p99LatencyMs > limits.maxP99LatencyMs) {
    return {
      ...base,
      result: 'fail',
      reason: `p99 latency ${Math.round(candidate.p99LatencyMs)} ms is over the limit of ${limits.maxP99LatencyMs} ms`,
    };
  }
  return {
    ...base,
    result: 'pass',
    reason: `error rate ${fmt(rate ?? 0)}% and p99 ${candidate.p99LatencyMs === null ? 'n/a' : `${Math.round(candidate.p99LatencyMs)} ms`} within limits over ${candidate.requests} requests`,
  };
}

function fmt(n: number): string {
  return Number(n.toFixed(2)).toString();
}
