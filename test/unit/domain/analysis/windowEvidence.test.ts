/**
 * What one window says about harm (analysis/windowEvidence.ts): minute by minute, on minutes both revisions reported,
 * with the minute-to-minute wander allowed for, and the absolute limits not held against a candidate whose stable
 * revision breaks them too.
 */
import { describe, expect, it } from 'vitest';
import { logEvidenceOf, NO_ALTERNATIVES } from '../../../../functions/src/domain/analysis/evalues.js';
import { harmEvidence, missingNoHarmEvidence } from '../../../../functions/src/domain/analysis/windowEvidence.js';
import type { AnalysisMetrics, MinuteCounts } from '../../../../functions/src/domain/judge.js';
import { policyOf } from '../../../support/domain-fixtures.js';

const limits = (sequential: Record<string, unknown> = {}) =>
  policyOf({ analysis: { maxErrorRatePercent: 1, maxP99LatencyMs: 500, sequential } }).analysis;

type Minute = readonly [candidate: readonly [number, number], stable: readonly [number, number] | null];

/** Minutes of [requests, errors] per revision (null: not reported). */
function metricsOf(minutes: readonly Minute[]): AnalysisMetrics {
  const counts = ([requests, errors]: readonly [number, number]): MinuteCounts => ({ requests, errors });
  const sum = (pick: (m: Minute) => readonly [number, number] | null) => {
    let requests = 0;
    let errors = 0;
    for (const m of minutes) {
      const c = pick(m);
      if (c) [requests, errors] = [requests + c[0], errors + c[1]];
    }
    return { requests, errors, p99LatencyMs: null };
  };
  return {
    windowStart: 0,
    windowEnd: minutes.length * 60_000,
    candidate: sum((m) => m[0]),
    stable: sum((m) => m[1]),
    minutes: minutes.map((m, i) => ({
      end: (i + 1) * 60_000,
      candidate: counts(m[0]),
      stable: m[1] === null ? { requests: 0, errors: 0 } : counts(m[1]),
    })),
  };
}

const healthy: Minute = [
  [500, 0],
  [9_500, 10],
];

describe('harmEvidence: the comparison with stable, minute by minute', () => {
  it('a faulty candidate (30 of its 500 requests fail, stable 0.1%) shows strong evidence in one minute', () => {
    const e = harmEvidence(
      metricsOf([
        [
          [500, 30],
          [9_500, 10],
        ],
      ]),
      limits(),
    );
    expect(logEvidenceOf(e.errors)).toBeGreaterThan(Math.log(1000));
  });

  it('a minute only the candidate has reported yet does not count (it would be compared with nothing)', () => {
    const bursty: Minute = [[500, 25], null]; // a burst on both revisions; the stable's minute is not reported yet
    const e = harmEvidence(metricsOf([healthy, healthy, bursty]), limits());
    expect(logEvidenceOf(e.errors)).toBeLessThan(Math.log(20));
    expect(logEvidenceOf(e.errorRate)).toBeLessThan(Math.log(20));
  });

  it('a fault both revisions share (5% errors on each) is no evidence, relative or absolute', () => {
    const burst: Minute = [
      [500, 25],
      [9_500, 475],
    ];
    const e = harmEvidence(metricsOf([burst, burst, burst, burst, burst]), limits());
    expect(logEvidenceOf(e.errors)).toBeLessThan(0);
    expect(e.errorRate).toEqual(NO_ALTERNATIVES); // the stable revision broke the limit in every minute: no bet placed
  });

  it('a heavy minute counts for what the minute-to-minute wander allows, not for all its requests', () => {
    const heavy = (scale: number): Minute => [
      [500 * scale, 1 * scale],
      [9_500 * scale, 9 * scale],
    ];
    // About 2.1 times the stable revision's rate in one minute of a million requests: as many errors per request as
    // that would be overwhelming evidence if every request were independent; a minute's wander could explain it.
    const discounted = logEvidenceOf(harmEvidence(metricsOf([heavy(1_000)]), limits()).errors);
    const undiscounted = logEvidenceOf(harmEvidence(metricsOf([heavy(1_000)]), limits({ minuteNoise: 0 })).errors);
    expect(undiscounted).toBeGreaterThan(Math.log(1e6));
    expect(discounted).toBeLessThan(Math.log(20));
  });

  it('without minutes, the totals count as as many minutes as the window lasts', () => {
    const totals: AnalysisMetrics = {
      windowStart: 0,
      windowEnd: 10 * 60_000,
      candidate: { requests: 5_000, errors: 300, p99LatencyMs: null },
      stable: { requests: 95_000, errors: 100, p99LatencyMs: null },
    };
    const oneMinute = { ...totals, windowEnd: 60_000 };
    const errorsOf = (m: AnalysisMetrics): number => logEvidenceOf(harmEvidence(m, limits()).errors);
    expect(errorsOf(totals)).toBeGreaterThan(errorsOf(oneMinute));
    expect(errorsOf(totals)).toBeGreaterThan(Math.log(1000));
  });
});

describe('missingNoHarmEvidence', () => {
  it('names what is missing: too few errors to compare, and too few requests for the rate', () => {
    expect(missingNoHarmEvidence(metricsOf([healthy]), limits())).toBe('errors');
  });

  it('without latency histograms, latency has no evidence', () => {
    const many: Minute = [
      [50_000, 50],
      [950_000, 950],
    ];
    expect(missingNoHarmEvidence(metricsOf([many, many, many, many, many]), limits())).toBe(
      'requests slower than 500 ms',
    );
  });
});
