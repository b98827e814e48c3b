/**
 * The e-values of analysis/evalues.ts. Their one promise, E[e] ≤ 1 under the null, is checked exactly (summing over
 * the binomial distribution, no sampling) for many nulls and sample sizes; then the shapes the judge relies on.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  designWeight,
  logEvidenceAbove,
  logEvidenceBelow,
  logEvidenceOf,
  alternativesOverCells,
  logLikelihoodRatio,
  logMeanExp,
  ODDS_GRID,
  shareAtRatio,
} from '../../../../functions/src/domain/analysis/evalues.js';

/** log of the binomial pmf. */
function logPmf(k: number, n: number, p: number): number {
  let logChoose = 0;
  for (let i = 1; i <= k; i++) logChoose += Math.log(n - k + i) - Math.log(i);
  return logChoose + (k > 0 ? k * Math.log(p) : 0) + (n - k > 0 ? (n - k) * Math.log(1 - p) : 0);
}

/** E[e] when the truth is Binomial(n, p). */
function expectation(logE: (k: number) => number, n: number, p: number): number {
  let sum = 0;
  for (let k = 0; k <= n; k++) sum += Math.exp(logPmf(k, n, p) + logE(k));
  return sum;
}

describe('evalues: valid e-values', () => {
  test.prop([fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.001, max: 0.9, noNaN: true })])(
    'E[e] is at most 1 at the null boundary, for evidence above and below it',
    (n, theta0) => {
      expect(expectation((k) => logEvidenceAbove(k, n, theta0), n, theta0)).toBeLessThanOrEqual(1 + 1e-9);
      expect(expectation((k) => logEvidenceBelow(k, n, theta0), n, theta0)).toBeLessThanOrEqual(1 + 1e-9);
    },
  );

  test.prop([
    fc.integer({ min: 1, max: 300 }),
    fc.double({ min: 0.01, max: 0.8, noNaN: true }),
    fc.double({ min: 0.05, max: 1, noNaN: true }),
  ])('E[e] is at most 1 anywhere inside the null (θ ≤ θ0 for evidence above θ0)', (n, theta0, fraction) => {
    expect(expectation((k) => logEvidenceAbove(k, n, theta0), n, theta0 * fraction)).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('the mixture over cells is an e-value too (two cells with different nulls, exactly)', () => {
    const [n1, t1, n2, t2] = [30, 0.1, 50, 0.4];
    let sum = 0;
    for (let k1 = 0; k1 <= n1; k1++) {
      for (let k2 = 0; k2 <= n2; k2++) {
        const logE = logEvidenceOf(
          alternativesOverCells(
            [
              { k: k1, n: n1, theta0: t1, weight: 1 },
              { k: k2, n: n2, theta0: t2, weight: 1 },
            ],
            'above',
          ),
        );
        sum += Math.exp(logPmf(k1, n1, t1) + logPmf(k2, n2, t2) + logE);
      }
    }
    expect(sum).toBeLessThanOrEqual(1 + 1e-9);
  });
});

describe('evalues: shapes the judge relies on', () => {
  test.prop([fc.integer({ min: 2, max: 500 }), fc.double({ min: 0.001, max: 0.5, noNaN: true })])(
    'more events is more evidence above, less evidence below',
    (n, theta0) => {
      for (let k = 0; k < n; k += Math.max(1, Math.floor(n / 20))) {
        expect(logEvidenceAbove(k + 1, n, theta0)).toBeGreaterThanOrEqual(logEvidenceAbove(k, n, theta0) - 1e-9);
        expect(logEvidenceBelow(k + 1, n, theta0)).toBeLessThanOrEqual(logEvidenceBelow(k, n, theta0) + 1e-9);
      }
    },
  );

  it.each<[string, number, number, number, 'above' | 'below', (logE: number) => boolean]>([
    ['20% errors in 1000 requests against a 1% limit: overwhelming', 200, 1000, 0.01, 'above', (e) => e > 100],
    ['1% errors in 1000 requests against a 1% limit: none', 10, 1000, 0.01, 'above', (e) => e < 0.5],
    ['no errors in 5000 requests against 0.2%: clearly below', 0, 5000, 0.002, 'below', (e) => e > Math.log(20)],
    ['one request: next to nothing', 1, 1, 0.01, 'above', (e) => e < Math.log(20)],
  ])('%s', (_name, k, n, theta0, direction, ok) => {
    const logE = direction === 'above' ? logEvidenceAbove(k, n, theta0) : logEvidenceBelow(k, n, theta0);
    expect(ok(logE)).toBe(true);
  });

  it('says nothing (log e = 0) without trials, or with a null of 0 or 1', () => {
    expect(logEvidenceAbove(0, 0, 0.1)).toBe(0);
    expect(logEvidenceAbove(3, 10, 0)).toBe(0);
    expect(logEvidenceBelow(3, 10, 1)).toBe(0);
    expect(logEvidenceOf(alternativesOverCells([], 'above'))).toBe(0);
  });

  it('the grid runs from 25% more to 300 times the null odds', () => {
    expect(ODDS_GRID[0]).toBe(1.25);
    expect(ODDS_GRID.at(-1)).toBe(300);
  });

  it('logMeanExp is the log of the mean of the exponentials, without overflow', () => {
    expect(logMeanExp([0, 0])).toBeCloseTo(0);
    expect(logMeanExp([Math.log(1), Math.log(3)])).toBeCloseTo(Math.log(2));
    expect(logMeanExp([1000, 1000])).toBeCloseTo(1000);
    expect(logMeanExp([])).toBe(Number.NEGATIVE_INFINITY);
  });

  it('logLikelihoodRatio is 0 at the null and positive at the truth', () => {
    expect(logLikelihoodRatio(3, 10, 0.3, 0.3)).toBe(0);
    expect(logLikelihoodRatio(30, 100, 0.3, 0.1)).toBeGreaterThan(0);
  });

  it('shareAtRatio: equal rates give the traffic share; more errors per request, a larger share', () => {
    expect(shareAtRatio(0.05, 1)).toBeCloseTo(0.05);
    expect(shareAtRatio(0.5, 3)).toBeCloseTo(0.75);
    expect(shareAtRatio(0.2, 1.5)).toBeCloseTo(0.3 / 1.1);
  });

  it('designWeight: 1 for a few events or no noise; a heavy minute counts for about κ + 1 events', () => {
    expect(designWeight(1, 0.1, 0.5)).toBe(1);
    expect(designWeight(1000, 0.1, 0)).toBe(1);
    const kappaPlusOne = 1 / (0.1 * 0.9 * 0.25);
    expect(10_000 * designWeight(10_000, 0.1, 0.5)).toBeCloseTo(kappaPlusOne, -1);
    expect(designWeight(10, 0.1, 0.5)).toBeGreaterThan(designWeight(100, 0.1, 0.5));
  });
});
