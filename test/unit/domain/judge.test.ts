/**
 * The analysis judge, table-driven, rule by rule in the order of judge.ts's module comment. The stable revision is a
 * peer (compared with) when it served at least `minRequests` in the window:
 * 1. fail on errors that already exceed what the limit allows at `minRequests`, unless the peer is as bad;
 * 2. inconclusive with too few requests;
 * 3. inconclusive when the error rate is over the limit but the peer's is as high;
 * 4. fail when the error rate is over the limit;
 * 5. fail when the error rate is more than `maxErrorRateIncrease` points over the peer's;
 * 6. p99 over the limit: inconclusive if the peer is as slow, else fail;
 * 7. fail when p99 is more than `maxP99LatencyIncreasePercent` over the peer's (and at least 50 ms more);
 * 8. pass.
 */
import { describe, expect, it } from 'vitest';
import type { AnalysisSpec } from '../../../functions/src/domain/config/schema.js';
import { errorRatePercent, judge, LATENCY_NOISE_MS, type VerdictResult } from '../../../functions/src/domain/judge.js';
import { metricsOf, policyOf, revisionMetrics } from '../../support/domain-fixtures.js';

/** maxErrorRatePercent 1, maxP99LatencyMs 500, minRequests 100 (compareWithStable: 1 point, 50%), unless a row says. */
function limits(patch: Record<string, unknown> = {}): AnalysisSpec {
  return policyOf({ analysis: { maxErrorRatePercent: 1, maxP99LatencyMs: 500, minRequests: 100, ...patch } }).analysis;
}

/** requests, errors, p99 (ms or null). */
type Numbers = readonly [requests: number, errors: number, p99: number | null];

interface Row {
  readonly name: string;
  readonly candidate: Numbers;
  /** Null: no stable revision numbers at all. */
  readonly stable: Numbers | null;
  readonly limits?: Record<string, unknown>;
  readonly result: VerdictResult;
  readonly reason: RegExp;
  /** Whether the stable revision served enough requests to be compared with. */
  readonly compared: boolean;
}

/** A healthy stable revision with plenty of requests: 0.1% errors, p99 90 ms. */
const HEALTHY_PEER: Numbers = [1000, 1, 90];

const ABSOLUTE: Row[] = [
  {
    name: 'enough requests, no errors, fast → pass',
    candidate: [1000, 0, 100],
    stable: null,
    result: 'pass',
    reason: /^error rate 0% and p99 100 ms within limits over 1000 requests$/,
    compared: false,
  },
  {
    name: 'error rate exactly at the limit → pass',
    candidate: [1000, 10, 100],
    stable: null,
    result: 'pass',
    reason: /error rate 1%/,
    compared: false,
  },
  {
    name: 'error rate just over the limit → fail (rule 4)',
    candidate: [1000, 11, 100],
    stable: null,
    result: 'fail',
    reason: /^error rate 1.1% is over the limit of 1%$/,
    compared: false,
  },
  {
    name: 'p99 exactly at the limit → pass',
    candidate: [1000, 0, 500],
    stable: null,
    result: 'pass',
    reason: /p99 500 ms within limits/,
    compared: false,
  },
  {
    name: 'p99 over the limit → fail (rule 6), rounded to whole ms',
    candidate: [1000, 0, 500.6],
    stable: null,
    result: 'fail',
    reason: /^p99 latency 501 ms is over the limit of 500 ms$/,
    compared: false,
  },
  {
    name: 'errors and latency both over: the error rate is the reason (rule 4 before rule 6)',
    candidate: [1000, 50, 900],
    stable: null,
    result: 'fail',
    reason: /^error rate 5% is over/,
    compared: false,
  },
  {
    name: 'enough requests, p99 unknown → pass',
    candidate: [100, 0, null],
    stable: null,
    result: 'pass',
    reason: /p99 n\/a within limits over 100 requests$/,
    compared: false,
  },
  {
    name: 'one request short → inconclusive (rule 2)',
    candidate: [99, 0, 100],
    stable: null,
    result: 'inconclusive',
    reason: /^too few requests: 99 of the 100 needed$/,
    compared: false,
  },
  {
    name: 'few requests but more errors than the minimum allows → fail (rule 1: strong evidence needs no minimum)',
    candidate: [10, 2, 100],
    stable: null,
    result: 'fail',
    reason: /^2 errors in 10 requests already exceed 1% of the minimum 100$/,
    compared: false,
  },
  {
    name: 'few requests, errors within what the minimum allows → inconclusive',
    candidate: [10, 1, 100],
    stable: null,
    result: 'inconclusive',
    reason: /too few requests/,
    compared: false,
  },
  {
    name: 'few requests and slow → inconclusive (latency needs evidence: rule 2 before rule 6)',
    candidate: [10, 0, 5000],
    stable: null,
    result: 'inconclusive',
    reason: /too few requests/,
    compared: false,
  },
  {
    name: 'no requests at all → inconclusive',
    candidate: [0, 0, null],
    stable: null,
    result: 'inconclusive',
    reason: /0 of the 100 needed/,
    compared: false,
  },
  {
    name: 'minRequests 0 and no requests → inconclusive: never promote on no evidence',
    candidate: [0, 0, null],
    stable: null,
    limits: { minRequests: 0 },
    result: 'inconclusive',
    reason: /too few requests: 0 of the 0 needed/,
    compared: false,
  },
  {
    name: 'minRequests 0 and one good request → pass',
    candidate: [1, 0, 10],
    stable: null,
    limits: { minRequests: 0 },
    result: 'pass',
    reason: /over 1 requests$/,
    compared: false,
  },
  {
    name: 'zero tolerance: one error among few requests → fail',
    candidate: [5, 1, 10],
    stable: null,
    limits: { maxErrorRatePercent: 0 },
    result: 'fail',
    reason: /1 errors in 5 requests already exceed 0% of the minimum 100/,
    compared: false,
  },
  {
    name: 'zero tolerance: no errors over enough requests → pass',
    candidate: [100, 0, 10],
    stable: null,
    limits: { maxErrorRatePercent: 0 },
    result: 'pass',
    reason: /error rate 0%/,
    compared: false,
  },
  {
    name: 'all requests failed → fail',
    candidate: [200, 200, 3],
    stable: null,
    result: 'fail',
    reason: /error rate 100% is over/,
    compared: false,
  },
];

const WITH_STABLE: Row[] = [
  // Rule 1 with a peer
  {
    name: 'rule 1: few requests with many errors, stable healthy → fail, the stable rate noted',
    candidate: [10, 2, 100],
    stable: HEALTHY_PEER,
    result: 'fail',
    reason: /^2 errors in 10 requests already exceed 1% of the minimum 100 \(stable: 0.1%\)$/,
    compared: true,
  },
  {
    name: 'rule 1: few requests with many errors, stable as bad → not a fail: too few requests (rule 2)',
    candidate: [10, 2, 100],
    stable: [1000, 250, 90],
    result: 'inconclusive',
    reason: /^too few requests: 10 of the 100 needed$/,
    compared: true,
  },
  // Rules 3 and 4: over the absolute error limit
  {
    name: 'rule 3: error rate over the limit, stable as high → inconclusive: the fault is likely elsewhere',
    candidate: [1000, 50, 100],
    stable: [1000, 45, 90],
    result: 'inconclusive',
    reason:
      /^error rate 5% is over the limit of 1%, but the stable revision's is as high \(4.5%\): the fault is likely elsewhere$/,
    compared: true,
  },
  {
    name: 'rule 3: error rate exactly the allowance over a bad stable → still inconclusive',
    candidate: [1000, 55, 100],
    stable: [1000, 45, 90],
    result: 'inconclusive',
    reason: /stable revision's is as high/,
    compared: true,
  },
  {
    name: 'rule 4: error rate over the limit and worse than a bad stable by more than the allowance → fail',
    candidate: [1000, 56, 100],
    stable: [1000, 45, 90],
    result: 'fail',
    reason: /^error rate 5.6% is over the limit of 1% \(stable: 4.5%\)$/,
    compared: true,
  },
  {
    name: 'rule 4: error rate over the limit, stable healthy → fail, the stable rate noted',
    candidate: [1000, 20, 100],
    stable: HEALTHY_PEER,
    result: 'fail',
    reason: /^error rate 2% is over the limit of 1% \(stable: 0.1%\)$/,
    compared: true,
  },
  // Rule 5: within the limit, but worse than stable
  {
    name: 'rule 5: within the limit but more than 1 point over stable → fail',
    candidate: [1000, 30, 100],
    stable: [1000, 10, 90],
    limits: { maxErrorRatePercent: 5 },
    result: 'fail',
    reason: /^error rate 3% is more than 1 points over the stable revision's 1%$/,
    compared: true,
  },
  {
    name: 'rule 5: exactly 1 point over stable → pass',
    candidate: [1000, 20, 100],
    stable: [1000, 10, 90],
    limits: { maxErrorRatePercent: 5 },
    result: 'pass',
    reason: /^error rate 2% and p99 100 ms within limits over 1000 requests, no worse than stable$/,
    compared: true,
  },
  {
    name: 'rule 5: maxErrorRateIncrease 0 → any error rate above stable fails',
    candidate: [1000, 11, 100],
    stable: [1000, 10, 90],
    limits: { maxErrorRatePercent: 5, compareWithStable: { maxErrorRateIncrease: 0 } },
    result: 'fail',
    reason: /^error rate 1.1% is more than 0 points over the stable revision's 1%$/,
    compared: true,
  },
  // Rule 6: over the absolute latency limit
  {
    name: 'rule 6: p99 over the limit, stable as slow → inconclusive: the cause is likely elsewhere',
    candidate: [1000, 0, 600],
    stable: [1000, 0, 450],
    result: 'inconclusive',
    reason:
      /^p99 latency 600 ms is over the limit of 500 ms, but the stable revision is as slow \(stable: 450 ms\): the cause is likely elsewhere$/,
    compared: true,
  },
  {
    name: 'rule 6: p99 over the limit, stable fast → fail, the stable p99 noted',
    candidate: [1000, 0, 600],
    stable: HEALTHY_PEER,
    result: 'fail',
    reason: /^p99 latency 600 ms is over the limit of 500 ms \(stable: 90 ms\)$/,
    compared: true,
  },
  {
    name: 'rule 6: p99 over the limit, the stable p99 unknown → fail on the limit alone',
    candidate: [1000, 0, 600],
    stable: [1000, 0, null],
    result: 'fail',
    reason: /^p99 latency 600 ms is over the limit of 500 ms$/,
    compared: true,
  },
  // Rule 7: within the limit, but slower than stable
  {
    name: 'rule 7: p99 within the limit but more than 50% over stable → fail',
    candidate: [1000, 0, 301],
    stable: [1000, 0, 200],
    result: 'fail',
    reason: /^p99 latency 301 ms is more than 50% over the stable revision's 200 ms$/,
    compared: true,
  },
  {
    name: 'rule 7: p99 exactly 50% over stable → pass',
    candidate: [1000, 0, 300],
    stable: [1000, 0, 200],
    result: 'pass',
    reason: /no worse than stable$/,
    compared: true,
  },
  {
    name: `rule 7: noise floor: a fast stable (20 ms) and a candidate ${LATENCY_NOISE_MS} ms slower (250% more) → pass`,
    candidate: [1000, 0, 20 + LATENCY_NOISE_MS],
    stable: [1000, 0, 20],
    result: 'pass',
    reason: /p99 70 ms within limits/,
    compared: true,
  },
  {
    name: 'rule 7: noise floor: one ms beyond it → fail',
    candidate: [1000, 0, 21 + LATENCY_NOISE_MS],
    stable: [1000, 0, 20],
    result: 'fail',
    reason: /^p99 latency 71 ms is more than 50% over the stable revision's 20 ms$/,
    compared: true,
  },
  {
    name: 'rule 7: maxP99LatencyIncreasePercent 10 on a slow service → 11% slower fails',
    candidate: [1000, 0, 1110],
    stable: [1000, 0, 1000],
    limits: { maxP99LatencyMs: 2000, compareWithStable: { maxP99LatencyIncreasePercent: 10 } },
    result: 'fail',
    reason: /^p99 latency 1110 ms is more than 10% over the stable revision's 1000 ms$/,
    compared: true,
  },
  {
    name: 'rule 7: the candidate p99 unknown → no latency comparison, pass',
    candidate: [1000, 0, null],
    stable: [1000, 0, 20],
    result: 'pass',
    reason: /p99 n\/a within limits over 1000 requests, no worse than stable$/,
    compared: true,
  },
  // Stable with too few requests is not compared
  {
    name: 'stable with one request short of minRequests is not compared: a bad stable excuses nothing',
    candidate: [1000, 50, 100],
    stable: [99, 50, 90],
    result: 'fail',
    reason: /^error rate 5% is over the limit of 1%$/,
    compared: false,
  },
  {
    name: 'stable with too few requests is not compared: a fast stable does not fail a slower candidate',
    candidate: [1000, 0, 400],
    stable: [99, 0, 20],
    result: 'pass',
    reason: /^error rate 0% and p99 400 ms within limits over 1000 requests$/,
    compared: false,
  },
  {
    name: 'stable with exactly minRequests is compared',
    candidate: [1000, 0, 400],
    stable: [100, 0, 20],
    result: 'fail',
    reason: /more than 50% over the stable revision's 20 ms/,
    compared: true,
  },
  {
    name: 'minRequests 0: a stable revision with no requests is still not compared',
    candidate: [10, 0, 100],
    stable: [0, 0, null],
    limits: { minRequests: 0 },
    result: 'pass',
    reason: /^error rate 0% and p99 100 ms within limits over 10 requests$/,
    compared: false,
  },
  {
    name: 'the candidate with too few requests is not judged against stable either (rule 2 before 5 and 7)',
    candidate: [50, 0, 900],
    stable: [1000, 0, 20],
    result: 'inconclusive',
    reason: /^too few requests: 50 of the 100 needed$/,
    compared: true,
  },
];

const numbers = ([requests, errors, p99]: Numbers) => revisionMetrics(requests, errors, p99);

describe('judge(): precedence', () => {
  it.each([...ABSOLUTE, ...WITH_STABLE])('$name', (row) => {
    const metrics = metricsOf(numbers(row.candidate), row.stable === null ? null : numbers(row.stable));
    const verdict = judge(metrics, limits(row.limits), 2, 1234);
    expect(verdict.result).toBe(row.result);
    expect(verdict.reason).toMatch(row.reason);
    expect(verdict.comparedWithStable).toBe(row.compared);
  });
});

describe('judge(): the verdict', () => {
  it('carries the numbers behind it: step, time, metrics, both error rates, whether stable was compared, the limits', () => {
    const metrics = metricsOf(revisionMetrics(400, 2, 200), revisionMetrics(4000, 4, 150));
    expect(judge(metrics, limits(), 1, 99)).toEqual({
      result: 'pass',
      reason: 'error rate 0.5% and p99 200 ms within limits over 400 requests, no worse than stable',
      step: 1,
      at: 99,
      metrics,
      candidateErrorRatePercent: 0.5,
      stableErrorRatePercent: 0.1,
      comparedWithStable: true,
      limits: {
        maxErrorRatePercent: 1,
        maxP99LatencyMs: 500,
        minRequests: 100,
        maxErrorRateIncrease: 1,
        maxP99LatencyIncreasePercent: 50,
      },
    });
  });

  it("carries the stable revision's error rate even when it served too few requests to be compared", () => {
    const thin = metricsOf(revisionMetrics(500, 0, 100), revisionMetrics(20, 10, 9000));
    expect(judge(thin, limits(), 0, 0)).toMatchObject({
      result: 'pass',
      stableErrorRatePercent: 50,
      comparedWithStable: false,
    });
    const none = metricsOf(revisionMetrics(500, 0, 100), null);
    expect(judge(none, limits(), 0, 0)).toMatchObject({
      result: 'pass',
      stableErrorRatePercent: null,
      comparedWithStable: false,
    });
  });

  it('carries the comparison limits the policy set', () => {
    const custom = limits({ compareWithStable: { maxErrorRateIncrease: 0.5, maxP99LatencyIncreasePercent: 20 } });
    const verdict = judge(metricsOf(revisionMetrics(500, 0, 100)), custom, 0, 0);
    expect(verdict.limits).toMatchObject({ maxErrorRateIncrease: 0.5, maxP99LatencyIncreasePercent: 20 });
  });

  it('error rate is null without requests', () => {
    expect(errorRatePercent(revisionMetrics(0, 0, null))).toBeNull();
    expect(errorRatePercent(revisionMetrics(8, 2, null))).toBe(25);
  });
});
