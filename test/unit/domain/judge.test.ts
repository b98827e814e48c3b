/**
 * The analysis judge, table-driven, in the order of judge.ts's module comment. Rolling back needs strong evidence of
 * harm (the sequential tests); passing needs at least `minRequests` and numbers within every limit and allowance;
 * anything in between is inconclusive. While a step bakes the judge says fail, conclude or continue.
 */
import { addAlternatives, logEvidenceOf } from '../../../functions/src/domain/analysis/evalues.js';
import { describe, expect, it } from 'vitest';
import type { AnalysisSpec } from '../../../functions/src/domain/config/schema.js';
import {
  errorRatePercent,
  judge,
  type AnalysisMetrics,
  type JudgeContext,
  type MinuteCounts,
  type Next,
  type RevisionMetrics,
} from '../../../functions/src/domain/judge.js';
import { metricsOf, policyOf, revisionMetrics, withSlowRequests } from '../../support/domain-fixtures.js';

/** maxErrorRatePercent 1, maxP99LatencyMs 500, minRequests 100 (compareWithStable: 1 point, 50%), unless a row says. */
function limits(patch: Record<string, unknown> = {}): AnalysisSpec {
  return policyOf({ analysis: { maxErrorRatePercent: 1, maxP99LatencyMs: 500, minRequests: 100, ...patch } }).analysis;
}

function context(patch: Partial<JudgeContext> = {}): JudgeContext {
  return {
    step: 2,
    at: 1234,
    stage: 'final',
    stepStartedAt: 1000,
    plannedSteps: 3,
    evidence: null,
    mayConclude: false,
    ...patch,
  };
}

/** requests, errors, p99 (ms or null). */
type Numbers = readonly [requests: number, errors: number, p99: number | null];

interface Row {
  readonly name: string;
  readonly candidate: Numbers;
  /** Null: no stable revision numbers at all. */
  readonly stable: Numbers | null;
  /** Slow requests per threshold (ms → count), for rows with latency histograms. */
  readonly slow?: { readonly candidate: Record<number, number>; readonly stable?: Record<number, number> };
  readonly limits?: Record<string, unknown>;
  readonly next: Next;
  readonly reason: RegExp;
  /** Whether the stable revision served enough requests to be compared with. */
  readonly compared?: boolean;
}

/** A healthy stable revision with plenty of requests: 0.1% errors, p99 90 ms. */
const HEALTHY_PEER: Numbers = [1000, 1, 90];

const numbers = ([requests, errors, p99]: Numbers) => revisionMetrics(requests, errors, p99);

/** The rows' windows: 10 minutes. */
const WINDOW_MINUTES = 10;

function metricsOfRow(row: Pick<Row, 'candidate' | 'stable' | 'slow'>): AnalysisMetrics {
  const metrics = {
    ...metricsOf(numbers(row.candidate), row.stable === null ? null : numbers(row.stable)),
    windowEnd: WINDOW_MINUTES * 60_000,
  };
  return row.slow ? withSlowRequests(metrics, row.slow) : metrics;
}

/** `metrics` with its totals spread evenly over the window's minutes, as the monitoring adapter reports them. */
function minuteByMinute(metrics: AnalysisMetrics, minutes = WINDOW_MINUTES): AnalysisMetrics {
  const part = (total: number, i: number): number =>
    Math.floor((total * (i + 1)) / minutes) - Math.floor((total * i) / minutes);
  const counts = (m: RevisionMetrics, i: number): MinuteCounts => ({
    requests: part(m.requests, i),
    errors: part(m.errors, i),
    ...(m.latency
      ? { latency: { requests: part(m.latency.requests, i), slower: m.latency.slower.map((n) => part(n, i)) } }
      : {}),
  });
  return {
    ...metrics,
    windowStart: 0,
    windowEnd: minutes * 60_000,
    minutes: Array.from({ length: minutes }, (_, i) => ({
      end: (i + 1) * 60_000,
      candidate: counts(metrics.candidate, i),
      stable: metrics.stable && counts(metrics.stable, i),
    })),
  };
}

const ABSOLUTE: Row[] = [
  {
    name: 'enough requests, no errors, fast → pass',
    candidate: [1000, 0, 100],
    stable: null,
    next: 'pass',
    reason: /^error rate 0% and p99 100 ms within limits over 1000 requests$/,
    compared: false,
  },
  {
    name: 'error rate exactly at the limit → pass',
    candidate: [1000, 10, 100],
    stable: null,
    next: 'pass',
    reason: /error rate 1%/,
  },
  {
    name: 'error rate just over the limit, weak evidence → inconclusive (rule 3): bake longer',
    candidate: [1000, 11, 100],
    stable: null,
    next: 'inconclusive',
    reason: /^error rate 1.1% is over the limit of 1%; not yet strong evidence of harm: baking longer$/,
  },
  {
    name: 'error rate far over the limit → fail (rule 1): strong evidence',
    candidate: [1000, 100, 100],
    stable: null,
    next: 'fail',
    reason: /^error rate 10% over 1000 requests is over the limit of 1% \(strong evidence: e = .+ ≥ 200\)$/,
  },
  {
    name: 'p99 exactly at the limit → pass',
    candidate: [1000, 0, 500],
    stable: null,
    next: 'pass',
    reason: /p99 500 ms within limits/,
  },
  {
    name: 'p99 over the limit, no histograms to count slow requests → inconclusive (rule 5), rounded to whole ms',
    candidate: [1000, 0, 500.6],
    stable: null,
    next: 'inconclusive',
    reason: /^p99 latency 501 ms is over the limit of 500 ms; not yet strong evidence of harm: baking longer$/,
  },
  {
    name: '5% of requests slower than the 500 ms limit → fail (rule 1): p99 over the limit',
    candidate: [1000, 0, 900],
    stable: null,
    slow: { candidate: { 500: 50 } },
    next: 'fail',
    reason: /^5% of 1000 requests were slower than 500 ms: p99 over the limit \(strong evidence/,
  },
  {
    name: 'errors and latency both far over: both count, the stronger is the reason',
    candidate: [1000, 300, 900],
    stable: null,
    slow: { candidate: { 500: 50 } },
    next: 'fail',
    reason: /^error rate 30% over 1000 requests/,
  },
  {
    name: 'enough requests, p99 unknown → pass',
    candidate: [100, 0, null],
    stable: null,
    next: 'pass',
    reason: /p99 n\/a within limits over 100 requests$/,
  },
  {
    name: 'one request short → inconclusive (rule 2)',
    candidate: [99, 0, 100],
    stable: null,
    next: 'inconclusive',
    reason: /^too few requests: 99 of the 100 needed$/,
  },
  {
    name: 'few requests, 2 errors in 10 → inconclusive: suspicious, not yet strong evidence',
    candidate: [10, 2, 100],
    stable: null,
    next: 'inconclusive',
    reason: /too few requests: 10 of the 100 needed/,
  },
  {
    name: 'few requests, every one an error → fail: strong evidence needs no minimum',
    candidate: [20, 20, 100],
    stable: null,
    next: 'fail',
    reason: /^error rate 100% over 20 requests is over the limit of 1%/,
  },
  {
    name: 'few requests and slow → inconclusive (latency needs evidence)',
    candidate: [10, 0, 5000],
    stable: null,
    next: 'inconclusive',
    reason: /too few requests/,
  },
  {
    name: 'no requests at all → inconclusive',
    candidate: [0, 0, null],
    stable: null,
    next: 'inconclusive',
    reason: /0 of the 100 needed/,
  },
  {
    name: 'minRequests 0 and no requests → inconclusive: never promote on no evidence',
    candidate: [0, 0, null],
    stable: null,
    limits: { minRequests: 0 },
    next: 'inconclusive',
    reason: /too few requests: 0 of the 0 needed/,
  },
  {
    name: 'minRequests 0 and one good request → pass',
    candidate: [1, 0, 10],
    stable: null,
    limits: { minRequests: 0 },
    next: 'pass',
    reason: /over 1 requests$/,
  },
  {
    name: 'zero tolerance: one error among few requests → fail (certain)',
    candidate: [5, 1, 10],
    stable: null,
    limits: { maxErrorRatePercent: 0 },
    next: 'fail',
    reason: /^error rate 20% over 5 requests is over the limit of 0%/,
  },
  {
    name: 'zero tolerance: no errors over enough requests → pass',
    candidate: [100, 0, 10],
    stable: null,
    limits: { maxErrorRatePercent: 0 },
    next: 'pass',
    reason: /error rate 0%/,
  },
  {
    name: 'all requests failed → fail',
    candidate: [200, 200, 3],
    stable: null,
    next: 'fail',
    reason: /error rate 100% over 200 requests/,
  },
];

const WITH_STABLE: Row[] = [
  {
    name: 'few requests with 2 errors, stable healthy → inconclusive: too few requests',
    candidate: [10, 2, 100],
    stable: HEALTHY_PEER,
    next: 'inconclusive',
    reason: /^too few requests: 10 of the 100 needed$/,
    compared: true,
  },
  {
    name: 'the candidate served 10% of the requests and 30 of the 31 errors → fail (rule 1): the comparison',
    candidate: [110, 30, 100],
    stable: HEALTHY_PEER,
    limits: { maxErrorRatePercent: 50 },
    next: 'fail',
    reason: /^30 of the 31 5xx responses came from the candidate, which served 9.91% of the requests \(strong/,
    compared: true,
  },
  {
    name: 'errors over the limit, the stable revision as bad → inconclusive (rule 3): the fault is likely elsewhere',
    candidate: [1000, 50, 100],
    stable: [1000, 45, 90],
    next: 'inconclusive',
    reason:
      /^error rate 5% is over the limit of 1%, but the stable revision's is as high \(4.5%\): the fault is likely elsewhere$/,
    compared: true,
  },
  {
    name: 'many requests, errors far over the limit, the stable revision as bad → still not a fail',
    candidate: [100_000, 5_000, 100],
    stable: [1_000_000, 48_000, 90],
    next: 'inconclusive',
    reason: /the fault is likely elsewhere/,
    compared: true,
  },
  {
    name: 'errors over the limit, stable healthy, weak evidence → inconclusive (rule 3), the stable rate noted',
    candidate: [1000, 12, 100],
    stable: [1000, 1, 90],
    next: 'inconclusive',
    reason: /^error rate 1.2% is over the limit of 1% \(stable: 0.1%\); not yet strong evidence/,
    compared: true,
  },
  {
    name: 'error rate 4%, 3 points over the stable revision, within a 5% limit, little data → inconclusive (rule 4)',
    candidate: [1000, 40, 100],
    stable: [1000, 10, 90],
    limits: { maxErrorRatePercent: 5 },
    next: 'inconclusive',
    reason: /^error rate 4% is more than 1 points over the stable revision's 1%; not yet strong evidence/,
    compared: true,
  },
  {
    name: '… the same rates over ten times the requests → fail: four times the errors of stable',
    candidate: [10_000, 400, 100],
    stable: [10_000, 100, 90],
    limits: { maxErrorRatePercent: 5 },
    next: 'fail',
    reason: /^400 of the 500 5xx responses came from the candidate, which served 50% of the requests/,
    compared: true,
  },
  {
    name: '0.5% errors against 0.1%, within every limit, suspicious but not strong evidence → inconclusive (rule 7)',
    candidate: [5_000, 25, 100],
    stable: [45_000, 45, 90],
    next: 'inconclusive',
    reason:
      /^suspicious: 25 of the 70 5xx responses came from the candidate, which served 10% of the requests \(the error comparison with stable e = \d+; all the tests together e = \d+, a rollback needs 200\); baking longer$/,
    compared: true,
  },
  {
    name: '… fewer of them: one family leans towards harm (e ≥ 3), all the tests together far from a rollback → inconclusive (rule 7)',
    candidate: [5_000, 17, 100],
    stable: [45_000, 45, 90],
    next: 'inconclusive',
    reason:
      /^suspicious: 17 of the 62 5xx responses came from the candidate, which served 10% of the requests \(the error comparison with stable e = 5\.\d; all the tests together e = 0\.\d, a rollback needs 200\); baking longer$/,
    compared: true,
  },
  {
    name: '… fewer still (0.3%): within the chance a healthy candidate has → pass',
    candidate: [5_000, 15, 100],
    stable: [45_000, 45, 90],
    next: 'pass',
    reason: /no worse than stable$/,
    compared: true,
  },
  {
    name: 'a candidate with 1.2 times the errors of stable, within the errorRatio of 1.5 → pass',
    candidate: [100_000, 120, 100],
    stable: [100_000, 100, 90],
    next: 'pass',
    reason: /no worse than stable$/,
    compared: true,
  },
  {
    name: 'stable with too few requests is no peer: the limits alone decide',
    candidate: [1000, 0, 100],
    stable: [20, 10, 9000],
    next: 'pass',
    reason: /within limits over 1000 requests$/,
    compared: false,
  },
  {
    name: 'p99 over the limit, the stable revision as slow → inconclusive (rule 5): the cause is likely elsewhere',
    candidate: [1000, 0, 600],
    stable: [1000, 0, 550],
    next: 'inconclusive',
    reason: /^p99 latency 600 ms is over the limit of 500 ms, but the stable revision is as slow \(stable: 550 ms\)/,
    compared: true,
  },
  {
    name: 'p99 over the limit with histograms, the stable revision as slow → not a fail',
    candidate: [1000, 0, 600],
    stable: [1000, 0, 550],
    slow: { candidate: { 500: 30 }, stable: { 500: 25 } },
    next: 'inconclusive',
    reason: /the cause is likely elsewhere/,
    compared: true,
  },
  {
    name: 'p99 400 ms against 100 ms, no histograms → inconclusive (rule 6)',
    candidate: [1000, 0, 400],
    stable: [1000, 0, 100],
    next: 'inconclusive',
    reason: /^p99 latency 400 ms is more than 50% over the stable revision's 100 ms; not yet strong evidence/,
    compared: true,
  },
  {
    name: "… with histograms: 30% of its requests slower than 256 ms, 1% of stable's → fail: the latency comparison",
    candidate: [1000, 0, 400],
    stable: [1000, 0, 100],
    slow: { candidate: { 128: 400, 256: 300 }, stable: { 128: 50, 256: 10 } },
    next: 'fail',
    reason: /^300 of the 310 requests slower than 256 ms came from the candidate, which served 50% of the requests/,
    compared: true,
  },
  {
    name: 'p99 within 50 ms of a fast stable revision → pass (latency noise)',
    candidate: [1000, 0, 140],
    stable: [1000, 0, 91],
    next: 'pass',
    reason: /no worse than stable$/,
    compared: true,
  },
  {
    name: 'slow requests in proportion to traffic (both revisions slower alike) → pass',
    candidate: [1000, 0, 300],
    stable: [9000, 0, 300],
    slow: { candidate: { 128: 200, 256: 12 }, stable: { 128: 1800, 256: 100 } },
    next: 'pass',
    reason: /no worse than stable$/,
    compared: true,
  },
];

describe('judge(): at the end of a bake', () => {
  it.each([...ABSOLUTE, ...WITH_STABLE])('$name', (row) => {
    const judgement = judge(metricsOfRow(row), limits(row.limits), context());
    expect(judgement.next).toBe(row.next);
    expect(judgement.reason).toMatch(row.reason);
    expect(judgement.verdict?.result).toBe(row.next);
    expect(judgement.verdict?.reason).toBe(judgement.reason);
    if (row.compared !== undefined) expect(judgement.verdict?.comparedWithStable).toBe(row.compared);
  });
});

describe('judge(): while the step bakes', () => {
  const clean = minuteByMinute(
    metricsOfRow({
      candidate: [20_000, 20, 120],
      stable: [180_000, 180, 110],
      slow: { candidate: { 64: 10_000, 128: 2_000, 256: 100 }, stable: { 64: 90_000, 128: 18_000, 256: 900 } },
    }),
  );

  it.each<[string, AnalysisMetrics, boolean, Next, RegExp, Partial<JudgeContext>?]>([
    [
      'strong evidence of harm → fail',
      metricsOfRow({ candidate: [500, 60, 100], stable: HEALTHY_PEER }),
      false,
      'fail',
      /^error rate 12% over 500 requests is over the limit of 1% \(strong evidence/,
    ],
    ['clean, but too early to end the bake → continue', clean, false, 'continue', /^baking$/],
    [
      'clean, plenty of evidence, half the bake reported → conclude',
      clean,
      true,
      'conclude',
      /strong evidence of no harm/,
    ],
    [
      'numbers that would not pass → continue, with the reason',
      minuteByMinute(metricsOfRow({ candidate: [1000, 15, 100], stable: [9000, 100, 90] })),
      true,
      'continue',
      /^error rate 1.5% is over the limit/,
    ],
    [
      'clean but thin: too few errors to compare, too few requests for the rate → continue',
      minuteByMinute(
        metricsOfRow({ candidate: [300, 0, 100], stable: [2700, 2, 90], slow: { candidate: {}, stable: {} } }),
      ),
      true,
      'continue',
      /^no strong evidence of no harm yet \(errors\)$/,
    ],
    [
      'no histograms: no evidence about latency → continue',
      minuteByMinute(metricsOfRow({ candidate: [20_000, 20, 120], stable: [180_000, 180, 110] })),
      true,
      'continue',
      /^no strong evidence of no harm yet \(requests slower than 500 ms\)$/,
    ],
    [
      'clean, but no minutes to judge the reported part on → continue',
      metricsOfRow({
        candidate: [20_000, 20, 120],
        stable: [180_000, 180, 110],
        slow: { candidate: { 64: 10_000, 128: 2_000, 256: 100 }, stable: { 64: 90_000, 128: 18_000, 256: 900 } },
      }),
      true,
      'continue',
      /no minute-by-minute metrics/,
    ],
    [
      'clean, but the minutes not reported surely yet (within the metrics delay) are left out: too few → continue',
      clean,
      true,
      'continue',
      /too few requests/,
      { at: 3 * 60_000 },
    ],
  ])('%s', (_name, metrics, mayConclude, next, reason, patch = {}) => {
    const at = WINDOW_MINUTES * 60_000 + 180_000; // every minute reported
    const judgement = judge(metrics, limits(), context({ stage: 'interim', mayConclude, at, ...patch }));
    expect(judgement.next).toBe(next);
    expect(judgement.reason).toMatch(reason);
    expect(judgement.verdict === null).toBe(next !== 'fail');
    if (next === 'fail') expect(judgement.verdict).toMatchObject({ result: 'fail', stage: 'interim' });
  });
});

describe('judge(): evidence across analyses and steps', () => {
  // 5 of the 9 errors on a candidate with 10% of the traffic: suggestive, not strong evidence on its own.
  const suggestive = metricsOfRow({ candidate: [1000, 5, 100], stable: [9000, 4, 90] });

  it('records each analysis as the segment of its step, replacing the segment on the next analysis of that bake', () => {
    const first = judge(suggestive, limits(), context({ step: 0, stepStartedAt: 10 }));
    expect(first.evidence.segments).toHaveLength(1);
    expect(first.evidence.segments[0]).toMatchObject({ step: 0, startedAt: 10 });
    const again = judge(suggestive, limits(), context({ step: 0, stepStartedAt: 10, evidence: first.evidence }));
    expect(again.evidence.segments).toHaveLength(1);
    const resumed = judge(suggestive, limits(), context({ step: 0, stepStartedAt: 99, evidence: again.evidence }));
    expect(resumed.evidence.segments.map((s) => s.startedAt)).toEqual([10, 99]);
  });

  it('adds up across steps: suggestive evidence at each of three steps becomes strong', () => {
    let evidence = null as JudgeContext['evidence'];
    const nexts: Next[] = [];
    for (const step of [0, 1, 2]) {
      const judgement = judge(suggestive, limits(), context({ step, stepStartedAt: step * 100, evidence }));
      nexts.push(judgement.next);
      evidence = judgement.evidence;
    }
    expect(nexts.slice(0, 2)).not.toContain('fail');
    expect(nexts[2]).toBe('fail');
  });

  it('earlier healthy steps do not hide a fault that shows at a later one', () => {
    const healthy = metricsOfRow({ candidate: [50_000, 10, 100], stable: [450_000, 450, 90] });
    const faulty = metricsOfRow({ candidate: [20_000, 100, 100], stable: [20_000, 10, 90] });
    const first = judge(healthy, limits(), context({ step: 0, stepStartedAt: 0 }));
    const second = judge(healthy, limits(), context({ step: 1, stepStartedAt: 100, evidence: first.evidence }));
    // Much evidence that the candidate's errors are fine, so far.
    expect(logEvidenceOf(second.evidence.segments.map((s) => s.errors).reduce(addAlternatives))).toBeLessThan(-10);
    const alone = judge(faulty, limits(), context({ step: 2, stepStartedAt: 200 }));
    const after = judge(faulty, limits(), context({ step: 2, stepStartedAt: 200, evidence: second.evidence }));
    expect(alone.next).toBe('fail');
    expect(after.next).toBe('fail');
  });

  it('stores what the tests said on the verdict: the combined e-value, its level, the strongest family', () => {
    const metrics = metricsOfRow({ candidate: [110, 30, 100], stable: HEALTHY_PEER });
    const judgement = judge(metrics, limits({ maxErrorRatePercent: 50 }), context());
    expect(judgement.verdict?.evidence).toEqual({
      logE: judgement.combined.logE,
      rollbackAt: expect.closeTo(Math.log(200), 9),
      strongest: 'errors',
      strongestLogE: expect.any(Number),
    });
    expect(judgement.combined.logE).toBeGreaterThan(Math.log(200));
  });

  it('a stricter confidence needs stronger evidence', () => {
    const metrics = metricsOfRow({ candidate: [1000, 9, 100], stable: [9000, 6, 90] });
    expect(judge(metrics, limits({ sequential: { confidence: 0.9 } }), context()).next).toBe('fail');
    expect(judge(metrics, limits({ sequential: { confidence: 0.999999 } }), context()).next).not.toBe('fail');
  });
});

describe('judge(): the verdict', () => {
  it('carries the numbers behind it: step, time, stage, metrics, both error rates, the comparison, the limits', () => {
    const metrics = metricsOf(revisionMetrics(400, 2, 200), revisionMetrics(4000, 4, 150));
    expect(judge(metrics, limits(), context({ step: 1, at: 99 })).verdict).toEqual({
      result: 'pass',
      reason: 'error rate 0.5% and p99 200 ms within limits over 400 requests, no worse than stable',
      step: 1,
      at: 99,
      stage: 'final',
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
      evidence: expect.objectContaining({ rollbackAt: expect.closeTo(Math.log(200), 9) }),
    });
  });

  it("carries the stable revision's error rate even when it served too few requests to be compared", () => {
    const thin = metricsOf(revisionMetrics(500, 0, 100), revisionMetrics(20, 10, 9000));
    expect(judge(thin, limits(), context()).verdict).toMatchObject({
      result: 'pass',
      stableErrorRatePercent: 50,
      comparedWithStable: false,
    });
    const none = metricsOf(revisionMetrics(500, 0, 100), null);
    expect(judge(none, limits(), context()).verdict).toMatchObject({
      result: 'pass',
      stableErrorRatePercent: null,
      comparedWithStable: false,
    });
  });

  it('carries the comparison limits the policy set', () => {
    const custom = limits({ compareWithStable: { maxErrorRateIncrease: 0.5, maxP99LatencyIncreasePercent: 20 } });
    const judgement = judge(metricsOf(revisionMetrics(500, 0, 100)), custom, context());
    expect(judgement.verdict?.limits).toMatchObject({ maxErrorRateIncrease: 0.5, maxP99LatencyIncreasePercent: 20 });
  });

  it('error rate is null without requests', () => {
    expect(errorRatePercent(revisionMetrics(0, 0, null))).toBeNull();
    expect(errorRatePercent(revisionMetrics(8, 2, null))).toBe(25);
  });
});
