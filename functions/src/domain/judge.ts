/**
 * The analysis judge: given the candidate's and the stable revision's numbers over a step's window so far, the evidence
 * the rollout gathered before, and the target's limits, says what the step does next. Pure.
 *
 * Two kinds of rule, kept apart on purpose:
 * - **Rolling back needs strong evidence of harm.** The sequential tests (analysis/) compare the candidate with the
 *   stable revision (its share of 5xx responses, and of requests slower than fixed thresholds, against its share of
 *   traffic) and with the absolute limits (its error rate, its p99), and combine into one e-value across the step's
 *   analyses and the rollout's steps. Only when it reaches 1/(1 − `sequential.confidence`) does the judge say **fail**:
 *   a candidate no worse than stable is rolled back with probability at most 1 − confidence, however often it is
 *   judged. A limit the stable revision breaks as well (a dependency is down) does not count against the candidate.
 * - **Moving on needs clean numbers.** A step passes only with at least `minRequests` requests, numbers within every
 *   limit and every `compareWithStable` allowance, and evidence of harm short of suspicion (no family of tests with
 *   e ≥ 3 of its own). Anything else without strong evidence yet is **inconclusive**: the bake is extended to gather more
 *   (then `inconclusive.then`). Never promote on no evidence.
 *
 * At the end of a bake (stage `final`), first match wins:
 * 1. **fail** when the evidence of harm is strong (above);
 * 2. **inconclusive** with fewer than `minRequests` requests (or none at all);
 * 3. **inconclusive** when the error rate is over `maxErrorRatePercent` (noting when the stable revision's is as high:
 *    the fault is most likely elsewhere, and a person should look);
 * 4. **inconclusive** when the error rate is more than `maxErrorRateIncrease` points over the stable revision's;
 * 5. **inconclusive** when the p99 is over `maxP99LatencyMs` (noting when the stable revision is as slow);
 * 6. **inconclusive** when the p99 is more than `maxP99LatencyIncreasePercent` over the stable revision's (and at least
 *    {@link LATENCY_NOISE_MS} more);
 * 7. **inconclusive** when the evidence of harm is suspicious: one family of tests has e ≥ 3 of its own
 *    ({@link SUSPICION_LOG_E});
 * 8. **pass**.
 *
 * While the step bakes (stage `interim`, every `sequential.checkEvery`, on what Cloud Monitoring has reported so far):
 * **fail** on strong evidence of harm; **conclude** (judge the step now, as at the end of its bake) when the caller
 * allows it (`advanceEarly`, half the bake reported), nothing is suspicious, the minutes surely reported would pass, and
 * the evidence of no harm over them is strong (analysis/windowEvidence.ts); else **continue**.
 *
 * The stable revision is a **peer** (its limits and allowances are compared with) when it served at least
 * `minRequests` in the window (at least one when `minRequests` is 0). The sequential comparisons use it whatever it
 * served: few requests simply carry little evidence.
 */
import type { AnalysisSpec } from './config/schema.js';
import type { Millis } from './rollout.js';
import { assertNever } from './phase.js';
import {
  combine,
  recordWindow,
  rollbackLevel,
  SUSPICION_LOG_E,
  type AnalysisEvidence,
  type Family,
  type StoredEvidence,
} from './analysis/evidence.js';
import { logEvidenceOf, ODDS_GRID } from './analysis/evalues.js';
import { RELATIVE_THRESHOLDS_MS } from './analysis/thresholds.js';
import {
  harmEvidence,
  missingNoHarmEvidence,
  shareOf,
  slowerThan,
  type HarmEvidence,
} from './analysis/windowEvidence.js';

/** What was measured for one revision over the window. */
export interface RevisionMetrics {
  readonly requests: number;
  /** 5xx responses. */
  readonly errors: number;
  /** Null when there were no requests to measure. Over the latency window (after the warm-up) when there is one. */
  readonly p99LatencyMs: number | null;
  /**
   * From the latency window's histogram: how many requests it holds and how many of them were slower than each of the
   * analysis' `latencyThresholdsMs`, in order. Absent when not measured.
   */
  readonly latency?: { readonly requests: number; readonly slower: readonly number[] };
}

/** One revision's numbers over one minute (one Cloud Monitoring period). */
export interface MinuteCounts {
  readonly requests: number;
  readonly errors: number;
  /** As {@link RevisionMetrics.latency}; absent for minutes before the latency window. */
  readonly latency?: { readonly requests: number; readonly slower: readonly number[] };
}

/** Both revisions' numbers over one minute of the window. */
export interface MinuteMetrics {
  /** When the minute ends. */
  readonly end: Millis;
  readonly candidate: MinuteCounts;
  readonly stable: MinuteCounts | null;
}

export interface AnalysisMetrics {
  readonly windowStart: Millis;
  readonly windowEnd: Millis;
  readonly candidate: RevisionMetrics;
  /** Null when there is no stable revision to compare with. */
  readonly stable: RevisionMetrics | null;
  /** Where the latency numbers start (after the step's warm-up); `windowStart` when absent. */
  readonly latencyWindowStart?: Millis;
  /** The thresholds `latency.slower` counts at, in order. */
  readonly latencyThresholdsMs?: readonly number[];
  /**
   * The window minute by minute, oldest first, when the metrics source gives it: the comparisons with stable are made
   * minute by minute (on minutes both revisions have reported). Without it, on the totals.
   */
  readonly minutes?: readonly MinuteMetrics[];
}

export type VerdictResult = 'pass' | 'fail' | 'inconclusive';

/** What the sequential tests said at an analysis. */
export interface VerdictEvidence {
  /** log of the combined e-value of harm. */
  readonly logE: number;
  /** log of the level it must reach to roll back: log(1/(1 − confidence)). */
  readonly rollbackAt: number;
  /** The family of tests with the most evidence, and its own log e-value. */
  readonly strongest: Family;
  readonly strongestLogE: number;
}

/** A verdict with the numbers behind it, as stored on the rollout. */
export interface Verdict {
  readonly result: VerdictResult;
  /** One sentence a person can act on. */
  readonly reason: string;
  readonly step: number;
  readonly at: Millis;
  /** `interim`: judged while the step baked; `final` (or absent, before interim checks existed): at its end. */
  readonly stage?: 'interim' | 'final';
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
  readonly evidence?: VerdictEvidence;
}

/** Where the analysis stands in the step. */
export interface JudgeContext {
  readonly step: number;
  readonly at: Millis;
  readonly stage: 'interim' | 'final';
  /** When the step's traffic was confirmed: its evidence segment. */
  readonly stepStartedAt: Millis;
  /** The rollout's canary steps (the evidence across steps is weighted by it). */
  readonly plannedSteps: number;
  /** What the rollout's earlier analyses gathered. */
  readonly evidence: AnalysisEvidence | StoredEvidence | null | undefined;
  /** Interim only: whether the bake may end now on strong evidence of no harm. */
  readonly mayConclude: boolean;
}

/** What the step does next: the final outcomes, and while it bakes `continue` or `conclude` (judge it now). */
export type Next = VerdictResult | 'continue' | 'conclude';

export interface Judgement {
  readonly next: Next;
  readonly reason: string;
  /** The verdict to store, for pass, fail and inconclusive; null for continue and conclude. */
  readonly verdict: Verdict | null;
  /** The rollout's evidence with this analysis recorded. */
  readonly evidence: AnalysisEvidence;
  readonly combined: VerdictEvidence;
}

/** Error rate in percent, or null with no requests. */
export function errorRatePercent(m: RevisionMetrics): number | null {
  return m.requests > 0 ? (100 * m.errors) / m.requests : null;
}

/** Latency differences smaller than this never fail a release on their own. */
export const LATENCY_NOISE_MS = 50;

/** An e-value that says "certain" (a limit of 0% broken): large, finite, so it can be stored. */
const CERTAIN_LOG_E = 1_000;

/** Judges the window. See the module comment. */
export function judge(metrics: AnalysisMetrics, limits: AnalysisSpec, context: JudgeContext): Judgement {
  const { candidate } = metrics;
  const { maxErrorRateIncrease, maxP99LatencyIncreasePercent } = limits.compareWithStable;
  const rate = errorRatePercent(candidate);
  const peer =
    metrics.stable !== null && metrics.stable.requests >= Math.max(1, limits.minRequests) ? metrics.stable : null;

  const window = windowHarm(metrics, limits);
  const evidence = recordWindow(context.evidence, context.step, context.stepStartedAt, window);
  const combinedRaw = combine(evidence, context.plannedSteps);
  const rollbackAt = rollbackLevel(limits.sequential.confidence);
  const combined: VerdictEvidence = {
    logE: combinedRaw.logE,
    rollbackAt,
    strongest: combinedRaw.strongest,
    strongestLogE: combinedRaw.strongestLogE,
  };

  const base = {
    step: context.step,
    at: context.at,
    stage: context.stage,
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
    evidence: combined,
  };
  const decided = (next: VerdictResult, reason: string): Judgement => ({
    next,
    reason,
    verdict: { ...base, result: next, reason },
    evidence,
    combined,
  });
  const undecided = (next: 'continue' | 'conclude', reason: string): Judgement => ({
    next,
    reason,
    verdict: null,
    evidence,
    combined,
  });

  if (combined.logE >= rollbackAt) {
    return decided(
      'fail',
      `${harmReason(metrics, limits, window, combinedRaw.strongest)} (strong evidence: ${strength(combined)})`,
    );
  }
  // One family of tests leaning towards harm (e ≥ 3 of its own) is suspicion: never enough to roll back, but no step
  // passes on it either. A fault too small to show in one step still stops the rollout from moving on until it shows,
  // or until more data clears it.
  const suspicion =
    combinedRaw.suspectLogE >= SUSPICION_LOG_E
      ? `suspicious: ${harmReason(metrics, limits, window, combinedRaw.suspect)} (${FAMILY_NAMES[combinedRaw.suspect]} e = ${expOf(combinedRaw.suspectLogE)}; all the tests together e = ${expOf(combined.logE)}, a rollback needs ${expOf(rollbackAt)}); baking longer`
      : null;
  if (context.stage === 'interim') {
    if (!context.mayConclude) return undecided('continue', 'baking');
    if (suspicion !== null) return undecided('continue', suspicion);
    // Ending the bake early is decided on the minutes Cloud Monitoring has surely reported, as the step's judgement
    // at the end of its bake would be.
    const complete = reportedPart(metrics, context.at - limits.metricsDelay);
    if (complete === null) return undecided('continue', 'baking: no minute-by-minute metrics to end the bake early on');
    const completePeer =
      complete.stable !== null && complete.stable.requests >= Math.max(1, limits.minRequests) ? complete.stable : null;
    const gate = passGate(complete, limits, completePeer);
    if (gate !== null) return undecided('continue', gate);
    const missing = missingNoHarmEvidence(complete, limits);
    if (missing !== null) return undecided('continue', `no strong evidence of no harm yet (${missing})`);
    return undecided('conclude', 'strong evidence of no harm: judging the step now');
  }
  const gate = passGate(metrics, limits, peer) ?? suspicion;
  if (gate !== null) return decided('inconclusive', gate);
  const p99 = candidate.p99LatencyMs;
  return decided(
    'pass',
    `error rate ${fmt(rate ?? 0)}% and p99 ${p99 === null ? 'n/a' : `${Math.round(p99)} ms`} within limits over ${candidate.requests} requests${peer ? `, no worse than stable` : ''}`,
  );
}

/**
 * The part of the window's minutes that ended by `until` (what Cloud Monitoring has surely reported), added up; the
 * p99 is unknown (minutes carry slow-request counts, not histograms). Null without minutes.
 */
function reportedPart(metrics: AnalysisMetrics, until: Millis): AnalysisMetrics | null {
  if (!metrics.minutes || metrics.minutes.length === 0) return null;
  const minutes = metrics.minutes.filter((m) => m.end <= until);
  const sum = (pick: (m: MinuteMetrics) => MinuteCounts | null): RevisionMetrics => {
    let requests = 0;
    let errors = 0;
    let latencyRequests = 0;
    const slower = (metrics.latencyThresholdsMs ?? []).map(() => 0);
    for (const m of minutes) {
      const c = pick(m);
      if (!c) continue;
      requests += c.requests;
      errors += c.errors;
      latencyRequests += c.latency?.requests ?? 0;
      c.latency?.slower.forEach((n, i) => (slower[i] = (slower[i] ?? 0) + n));
    }
    return { requests, errors, p99LatencyMs: null, latency: { requests: latencyRequests, slower } };
  };
  return {
    ...metrics,
    windowEnd: Math.min(metrics.windowEnd, until),
    candidate: sum((m) => m.candidate),
    stable: metrics.stable === null ? null : sum((m) => m.stable),
    minutes,
  };
}

/** The window's evidence of harm; a candidate error under a 0% limit is certain. */
function windowHarm(metrics: AnalysisMetrics, limits: AnalysisSpec): HarmEvidence {
  const window = harmEvidence(metrics, limits);
  if (limits.maxErrorRatePercent === 0 && metrics.candidate.errors > 0) {
    return { ...window, errorRate: ODDS_GRID.map(() => CERTAIN_LOG_E) };
  }
  return window;
}

/**
 * Why the numbers do not allow the step to pass (rules 2–6 of the module comment), or null when they do.
 */
function passGate(metrics: AnalysisMetrics, limits: AnalysisSpec, peer: RevisionMetrics | null): string | null {
  const { candidate } = metrics;
  const { maxErrorRateIncrease, maxP99LatencyIncreasePercent } = limits.compareWithStable;
  const rate = errorRatePercent(candidate);
  const peerRate = peer ? errorRatePercent(peer) : null;
  const peerNote = peerRate === null ? '' : ` (stable: ${fmt(peerRate)}%)`;
  const notYet = 'not yet strong evidence of harm: baking longer';
  if (candidate.requests < limits.minRequests || candidate.requests === 0) {
    return `too few requests: ${candidate.requests} of the ${limits.minRequests} needed`;
  }
  const errorsAsBadAsPeer = rate !== null && peerRate !== null && rate <= peerRate + maxErrorRateIncrease;
  if (rate !== null && rate > limits.maxErrorRatePercent) {
    if (errorsAsBadAsPeer) {
      return `error rate ${fmt(rate)}% is over the limit of ${fmt(limits.maxErrorRatePercent)}%, but the stable revision's is as high (${fmt(peerRate ?? 0)}%): the fault is likely elsewhere`;
    }
    return `error rate ${fmt(rate)}% is over the limit of ${fmt(limits.maxErrorRatePercent)}%${peerNote}; ${notYet}`;
  }
  if (rate !== null && peerRate !== null && rate > peerRate + maxErrorRateIncrease) {
    return `error rate ${fmt(rate)}% is more than ${fmt(maxErrorRateIncrease)} points over the stable revision's ${fmt(peerRate)}%; ${notYet}`;
  }
  const p99 = candidate.p99LatencyMs;
  const peerP99 = peer?.p99LatencyMs ?? null;
  const p99Allowance =
    peerP99 === null ? null : Math.max(peerP99 * (1 + maxP99LatencyIncreasePercent / 100), peerP99 + LATENCY_NOISE_MS);
  const peerNoteP99 = peerP99 === null ? '' : ` (stable: ${Math.round(peerP99)} ms)`;
  if (p99 !== null && p99 > limits.maxP99LatencyMs) {
    if (p99Allowance !== null && p99 <= p99Allowance) {
      return `p99 latency ${Math.round(p99)} ms is over the limit of ${limits.maxP99LatencyMs} ms, but the stable revision is as slow${peerNoteP99}: the cause is likely elsewhere`;
    }
    return `p99 latency ${Math.round(p99)} ms is over the limit of ${limits.maxP99LatencyMs} ms${peerNoteP99}; ${notYet}`;
  }
  if (p99 !== null && p99Allowance !== null && p99 > p99Allowance) {
    return `p99 latency ${Math.round(p99)} ms is more than ${fmt(maxP99LatencyIncreasePercent)}% over the stable revision's ${Math.round(peerP99 ?? 0)} ms; ${notYet}`;
  }
  return null;
}

/** How a reason names each family of tests. */
const FAMILY_NAMES: Readonly<Record<Family, string>> = {
  errors: 'the error comparison with stable',
  latency: 'the latency comparison with stable',
  errorRate: 'the error rate limit',
  slowRate: 'the p99 limit',
};

/** One sentence on what a family's evidence of harm is, from this window's numbers. */
function harmReason(metrics: AnalysisMetrics, limits: AnalysisSpec, window: HarmEvidence, family: Family): string {
  const { candidate, stable } = metrics;
  switch (family) {
    case 'errors': {
      const share = stable ? shareOf(candidate.requests, stable.requests) : null;
      return `${candidate.errors} of the ${candidate.errors + (stable?.errors ?? 0)} 5xx responses came from the candidate, which served ${pct(share)} of the requests`;
    }
    case 'latency': {
      const strongest = window.latency.reduce(
        (best, test) => (logEvidenceOf(test.alternatives) > logEvidenceOf(best.alternatives) ? test : best),
        window.latency[0] ?? { thresholdMs: RELATIVE_THRESHOLDS_MS[0] ?? 0, alternatives: [] },
      );
      const threshold = strongest.thresholdMs;
      const c = slowerThan(metrics, candidate, threshold) ?? 0;
      const s = stable ? (slowerThan(metrics, stable, threshold) ?? 0) : 0;
      const share = stable ? shareOf(candidate.latency?.requests ?? 0, stable.latency?.requests ?? 0) : null;
      return `${c} of the ${c + s} requests slower than ${threshold} ms came from the candidate, which served ${pct(share)} of the requests`;
    }
    case 'errorRate':
      return `error rate ${fmt(errorRatePercent(candidate) ?? 0)}% over ${candidate.requests} requests is over the limit of ${fmt(limits.maxErrorRatePercent)}%`;
    case 'slowRate': {
      const slow = slowerThan(metrics, candidate, limits.maxP99LatencyMs) ?? 0;
      const requests = candidate.latency?.requests ?? 0;
      return `${pct(requests > 0 ? slow / requests : null)} of ${requests} requests were slower than ${limits.maxP99LatencyMs} ms: p99 over the limit`;
    }
    default:
      return assertNever(family, 'evidence family');
  }
}

/** "e = 3.2e+5 ≥ 200". */
function strength(e: VerdictEvidence): string {
  return `e = ${expOf(e.logE)} ≥ ${expOf(e.rollbackAt)}`;
}

function expOf(logE: number): string {
  const value = Math.exp(logE);
  if (!Number.isFinite(value)) return 'e^' + Math.round(logE);
  if (value >= 10_000) return value.toExponential(1);
  return value >= 10 ? String(Math.round(value)) : String(Number(value.toFixed(1)));
}

function pct(share: number | null): string {
  return share === null ? 'none' : `${fmt(100 * share)}%`;
}

function fmt(n: number): string {
  return Number(n.toFixed(2)).toString();
}
