/**
 * The analysis judge: given the candidate's and the stable revision's numbers over one step's window, and the target's
 * limits, says pass, fail or inconclusive, with the numbers behind it. Pure and replaceable.
 *
 * The stable revision is a **peer** when it served at least `minRequests` in the same window: then the candidate is
 * compared with it as well as with the absolute limits. "As bad as stable" means within `compareWithStable`'s allowance.
 *
 * Precedence, first match wins:
 * 1. **fail** when the candidate's errors alone already exceed what the limit allows for `minRequests` requests (strong
 *    evidence needs no minimum), unless its peer is as bad;
 * 2. **inconclusive** when it served fewer than `minRequests` requests: never promote on no evidence;
 * 3. **inconclusive** when its error rate is over the limit but its peer's is as bad: the fault is most likely not the
 *    candidate's (a dependency is down), and rolling back would not help; a person should look;
 * 4. **fail** when its error rate is over the limit;
 * 5. **fail** when its error rate is more than `maxErrorRateIncrease` points over its peer's;
 * 6. **inconclusive** when its p99 is over the limit but its peer's is as slow; **fail** when it is over the limit;
 * 7. **fail** when its p99 is more than `maxP99LatencyIncreasePercent` over its peer's (and at least
 *    {@link LATENCY_NOISE_MS} more, so a few milliseconds on a fast service never fail a release);
 * 8. **pass**.
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
  /** Whether the stable revision served enough requests to be compared with. */
  readonly comparedWithStable: boolean;
  readonly limits: {
    readonly maxErrorRatePercent: number;
    readonly maxP99LatencyMs: number;
    readonly minRequests: number;
    readonly maxErrorRateIncrease: number;
    readonly maxP99LatencyIncreasePercent: number;
  };
}

/** Error rate in percent, or null with no requests. */
export function errorRatePercent(m: RevisionMetrics): number | null {
  return m.requests > 0 ? (100 * m.errors) / m.requests : null;
}

/** Latency differences smaller than this never fail a release on their own. */
export const LATENCY_NOISE_MS = 50;

/** Judges one step. See the precedence in the module comment. */
export function judge(metrics: AnalysisMetrics, limits: AnalysisSpec, step: number, at: Millis): Verdict {
  const { candidate } = metrics;
  const { maxErrorRateIncrease, maxP99LatencyIncreasePercent } = limits.compareWithStable;
  const rate = errorRatePercent(candidate);
  const peer =
    metrics.stable !== null && metrics.stable.requests >= Math.max(1, limits.minRequests) ? metrics.stable : null;
  const peerRate = peer ? errorRatePercent(peer) : null;
  const base = {
    step,
    at,
    metrics,
    candidateErrorRatePercent: rate,
    stableErrorRatePercent: metrics.stable ? errorRatePercent(metrics.stable) : null,
    comparedWithStable: peer !== null,
    limits: {
      maxErrorRatePercent: limits.maxErrorRatePercent,
      maxP99LatencyMs: limits.maxP99LatencyMs,
      minRequests: limits.minRequests,
      maxErrorRateIncrease,
      maxP99LatencyIncreasePercent,
    },
  };
  const verdict = (result: VerdictResult, reason: string): Verdict => ({ ...base, result, reason });
  const errorsAsBadAsPeer = rate !== null && peerRate !== null && rate <= peerRate + maxErrorRateIncrease;
  const peerNote = peerRate === null ? '' : ` (stable: ${fmt(peerRate)}%)`;
  const allowedErrorsAtMinimum = (limits.maxErrorRatePercent / 100) * limits.minRequests;
  const enoughRequests = candidate.requests >= limits.minRequests && candidate.requests > 0;

  if (!enoughRequests && candidate.errors > 0 && candidate.errors > allowedErrorsAtMinimum && !errorsAsBadAsPeer) {
    return verdict(
      'fail',
      `${candidate.errors} errors in ${candidate.requests} requests already exceed ${fmt(limits.maxErrorRatePercent)}% of the minimum ${limits.minRequests}${peerNote}`,
    );
  }
  if (!enoughRequests) {
    return verdict('inconclusive', `too few requests: ${candidate.requests} of the ${limits.minRequests} needed`);
  }
  if (rate !== null && rate > limits.maxErrorRatePercent) {
    if (errorsAsBadAsPeer) {
      return verdict(
        'inconclusive',
        `error rate ${fmt(rate)}% is over the limit of ${fmt(limits.maxErrorRatePercent)}%, but the stable revision's is as high (${fmt(peerRate ?? 0)}%): the fault is likely elsewhere`,
      );
    }
    return verdict(
      'fail',
      `error rate ${fmt(rate)}% is over the limit of ${fmt(limits.maxErrorRatePercent)}%${peerNote}`,
    );
  }
  if (rate !== null && peerRate !== null && rate > peerRate + maxErrorRateIncrease) {
    return verdict(
      'fail',
      `error rate ${fmt(rate)}% is more than ${fmt(maxErrorRateIncrease)} points over the stable revision's ${fmt(peerRate)}%`,
    );
  }
  const p99 = candidate.p99LatencyMs;
  const peerP99 = peer?.p99LatencyMs ?? null;
  const p99Allowance =
    peerP99 === null ? null : Math.max(peerP99 * (1 + maxP99LatencyIncreasePercent / 100), peerP99 + LATENCY_NOISE_MS);
  const peerNoteP99 = peerP99 === null ? '' : ` (stable: ${Math.round(peerP99)} ms)`;
  if (p99 !== null && p99 > limits.maxP99LatencyMs) {
    if (p99Allowance !== null && p99 <= p99Allowance) {
      return verdict(
        'inconclusive',
        `p99 latency ${Math.round(p99)} ms is over the limit of ${limits.maxP99LatencyMs} ms, but the stable revision is as slow${peerNoteP99}: the cause is likely elsewhere`,
      );
    }
    return verdict(
      'fail',
      `p99 latency ${Math.round(p99)} ms is over the limit of ${limits.maxP99LatencyMs} ms${peerNoteP99}`,
    );
  }
  if (p99 !== null && p99Allowance !== null && p99 > p99Allowance) {
    return verdict(
      'fail',
      `p99 latency ${Math.round(p99)} ms is more than ${fmt(maxP99LatencyIncreasePercent)}% over the stable revision's ${Math.round(peerP99 ?? 0)} ms`,
    );
  }
  return verdict(
    'pass',
    `error rate ${fmt(rate ?? 0)}% and p99 ${p99 === null ? 'n/a' : `${Math.round(p99)} ms`} within limits over ${candidate.requests} requests${peer ? `, no worse than stable` : ''}`,
  );
}

function fmt(n: number): string {
  return Number(n.toFixed(2)).toString();
}
