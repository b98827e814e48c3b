/**
 * The analysis judge, table-driven. Precedence (judge.ts): 1. fail on errors that already exceed what the limit allows
 * at the minimum request count, or on an error rate over the limit with enough requests; 2. inconclusive with too few
 * requests; 3. fail on p99 latency; 4. pass.
 */
import { describe, expect, it } from 'vitest';
import type { AnalysisSpec } from '../../../functions/src/domain/config/schema.js';
import { errorRatePercent, judge, type VerdictResult } from '../../../functions/src/domain/judge.js';
import { metricsOf, policyOf, revisionMetrics } from '../../support/domain-fixtures.js';

/** maxErrorRatePercent 1, maxP99LatencyMs 500, minRequests 100, unless a row says otherwise. */
function limits(patch: Record<string, unknown> = {}): AnalysisSpec {
  return policyOf({ analysis: { maxErrorRatePercent: 1, maxP99LatencyMs: 500, minRequests: 100, ...patch } }).analysis;
}

interface Row {
  readonly name: string;
  readonly requests: number;
  readonly errors: number;
  readonly p99: number | null;
  readonly limits?: Record<string, unknown>;
  readonly result: VerdictResult;
  readonly reason: RegExp;
}

const ROWS: Row[] = [
  {
    name: 'enough requests, no errors, fast → pass',
    requests: 1000,
    errors: 0,
    p99: 100,
    result: 'pass',
    reason: /^error rate 0% and p99 100 ms within limits over 1000 requests$/,
  },
  {
    name: 'error rate exactly at the limit → pass',
    requests: 1000,
    errors: 10,
    p99: 100,
    result: 'pass',
    reason: /error rate 1%/,
  },
  {
    name: 'error rate just over the limit → fail',
    requests: 1000,
    errors: 11,
    p99: 100,
    result: 'fail',
    reason: /^error rate 1.1% is over the limit of 1%$/,
  },
  {
    name: 'p99 exactly at the limit → pass',
    requests: 1000,
    errors: 0,
    p99: 500,
    result: 'pass',
    reason: /p99 500 ms within limits/,
  },
  {
    name: 'p99 over the limit → fail',
    requests: 1000,
    errors: 0,
    p99: 500.6,
    result: 'fail',
    reason: /^p99 latency 501 ms is over the limit of 500 ms$/,
  },
  {
    name: 'errors and latency both over: the error rate is the reason (rule 1 before rule 3)',
    requests: 1000,
    errors: 50,
    p99: 900,
    result: 'fail',
    reason: /^error rate 5% is over/,
  },
  {
    name: 'enough requests, p99 unknown → pass',
    requests: 100,
    errors: 0,
    p99: null,
    result: 'pass',
    reason: /p99 n\/a within limits over 100 requests/,
  },
  {
    name: 'one request short → inconclusive',
    requests: 99,
    errors: 0,
    p99: 100,
    result: 'inconclusive',
    reason: /^too few requests: 99 of the 100 needed$/,
  },
  {
    name: 'few requests but more errors than the minimum allows → fail (strong evidence needs no minimum)',
    requests: 10,
    errors: 2,
    p99: 100,
    result: 'fail',
    reason: /^2 errors in 10 requests already exceed 1% of the minimum 100$/,
  },
  {
    name: 'few requests, errors within what the minimum allows → inconclusive',
    requests: 10,
    errors: 1,
    p99: 100,
    result: 'inconclusive',
    reason: /too few requests/,
  },
  {
    name: 'few requests and slow → inconclusive (latency needs evidence: rule 2 before rule 3)',
    requests: 10,
    errors: 0,
    p99: 5000,
    result: 'inconclusive',
    reason: /too few requests/,
  },
  {
    name: 'no requests at all → inconclusive',
    requests: 0,
    errors: 0,
    p99: null,
    result: 'inconclusive',
    reason: /0 of the 100 needed/,
  },
  {
    name: 'minRequests 0 and no requests → inconclusive: never promote on no evidence',
    requests: 0,
    errors: 0,
    p99: null,
    limits: { minRequests: 0 },
    result: 'inconclusive',
    reason: /too few requests: 0 of the 0 needed/,
  },
  {
    name: 'minRequests 0 and one good request → pass',
    requests: 1,
    errors: 0,
    p99: 10,
    limits: { minRequests: 0 },
    result: 'pass',
    reason: /over 1 requests/,
  },
  {
    name: 'zero tolerance: one error among few requests → fail',
    requests: 5,
    errors: 1,
    p99: 10,
    limits: { maxErrorRatePercent: 0 },
    result: 'fail',
    reason: /1 errors in 5 requests already exceed 0% of the minimum 100/,
  },
  {
    name: 'zero tolerance: no errors over enough requests → pass',
    requests: 100,
    errors: 0,
    p99: 10,
    limits: { maxErrorRatePercent: 0 },
    result: 'pass',
    reason: /error rate 0%/,
  },
  {
    name: 'all requests failed → fail',
    requests: 200,
    errors: 200,
    p99: 3,
    result: 'fail',
    reason: /error rate 100% is over/,
  },
];

describe('judge(): precedence', () => {
  it.each(ROWS)('$name', (row) => {
    const metrics = metricsOf(revisionMetrics(row.requests, row.errors, row.p99));
    const verdict = judge(metrics, limits(row.limits), 2, 1234);
    expect(verdict.result).toBe(row.result);
    expect(verdict.reason).toMatch(row.reason);
  });
});

describe('judge(): the verdict', () => {
  it('carries the numbers behind it: step, time, metrics, both error rates and the limits', () => {
    const metrics = metricsOf(revisionMetrics(400, 2, 200), revisionMetrics(4000, 4, 150));
    expect(judge(metrics, limits(), 1, 99)).toEqual({
      result: 'pass',
      reason: 'error rate 0.5% and p99 200 ms within limits over 400 requests',
      step: 1,
      at: 99,
      metrics,
      candidateErrorRatePercent: 0.5,
      stableErrorRatePercent: 0.1,
      limits: { maxErrorRatePercent: 1, maxP99LatencyMs: 500, minRequests: 100 },
    });
  });

  it('the stable revision is carried for people to compare, never used to decide', () => {
    const bad = metricsOf(revisionMetrics(500, 0, 100), revisionMetrics(500, 250, 9000));
    expect(judge(bad, limits(), 0, 0)).toMatchObject({ result: 'pass', stableErrorRatePercent: 50 });
    const none = metricsOf(revisionMetrics(500, 0, 100), null);
    expect(judge(none, limits(), 0, 0)).toMatchObject({ result: 'pass', stableErrorRatePercent: null });
  });

  it('error rate is null without requests', () => {
    expect(errorRatePercent(revisionMetrics(0, 0, null))).toBeNull();
    expect(errorRatePercent(revisionMetrics(8, 2, null))).toBe(25);
  });
});
