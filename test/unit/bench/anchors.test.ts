/**
 * The anchors' documented timelines, on a scripted world with no reporting delay (fakes.ts): each policy does what
 * its documentation says, step by step and minute by minute.
 */
import { describe, expect, it } from 'vitest';
import { ArgoRollouts } from '../../../bench/judge/policies/argo.js';
import { CRM_DEFAULTS, CRM_MIN_REQUESTS_0, ReleaseManager } from '../../../bench/judge/policies/crm.js';
import { Flagger, FLAGGER_T10, FLAGGER_T5 } from '../../../bench/judge/policies/flagger.js';
import { classify, Kayenta, score } from '../../../bench/judge/policies/kayenta.js';
import { faulty, healthy, runScripted } from './fakes.js';

describe('cloud-run-release-manager (defaults: steps 5,20,50,80; 30m look-back and min-wait; 1% errors)', () => {
  it('walks a healthy release 5% → 20% → 50% → 80% → 100%, 30 minutes apart: 100% at 120 minutes', () => {
    const t = runScripted(new ReleaseManager(CRM_DEFAULTS), healthy(200));
    expect(t.weights).toEqual([
      [0, 5],
      [30, 20],
      [60, 50],
      [90, 80],
      [120, 100],
    ]);
    // One more healthy check after min-wait at 100% makes the candidate the stable revision.
    expect(t).toMatchObject({ conclusion: 'promoted', concludedAt: 150 });
  });

  it('rolls back at once on the first unhealthy check: more than 1% errors in the look-back', () => {
    // Half the candidate's requests fail from minute 40: the first check that sees that minute rolls back.
    const t = runScripted(new ReleaseManager(CRM_DEFAULTS), faulty(200, 0.5, 40));
    expect(t.weights).toEqual([
      [0, 5],
      [30, 20],
      [41, 0],
    ]);
    expect(t).toMatchObject({ conclusion: 'rolled_back', concludedAt: 41 });
  });

  it('dilutes a smaller fault over its 30-minute look-back: 2% errors from minute 40 roll back only at 52', () => {
    const t = runScripted(new ReleaseManager(CRM_DEFAULTS), faulty(200, 0.02, 40));
    expect(t).toMatchObject({ conclusion: 'rolled_back', concludedAt: 52 });
  });

  it('with min-requests 100, a quiet candidate is inconclusive and never moves; with 0, it moves on time', () => {
    const quiet = runScripted(new ReleaseManager(CRM_DEFAULTS), healthy(0.2), 200);
    expect(quiet.weights).toEqual([[0, 5]]);
    expect(quiet.conclusion).toBeNull();
    const t = runScripted(new ReleaseManager(CRM_MIN_REQUESTS_0), healthy(0.2));
    expect(t.weights.map(([minute]) => minute)).toEqual([0, 30, 60, 90, 120]);
  });

  it('with no requests at all, reads a 0% error rate: healthy', () => {
    const t = runScripted(new ReleaseManager(CRM_MIN_REQUESTS_0), () => ({ requests: 0, errors: 0 }));
    expect(t.conclusion).toBe('promoted');
  });
});

describe('Flagger (interval 1m; success rate ≥ 99%, p99 ≤ 500 ms; failed checks not reset by passing ones)', () => {
  it('threshold 10, stepWeight 5, maxWeight 50: +5% a minute, promoted after interval × maxWeight / stepWeight', () => {
    const t = runScripted(new Flagger(FLAGGER_T10), healthy(200));
    expect(t.weights.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => [i, 5 * (i + 1)]));
    expect(t.weights.at(-1)).toEqual([10, 100]);
    expect(t).toMatchObject({ conclusion: 'promoted', concludedAt: 10 });
  });

  it('threshold 5, stepWeight 10: promoted after 5 minutes', () => {
    const t = runScripted(new Flagger(FLAGGER_T5), healthy(200));
    expect(t.weights.map(([, w]) => w)).toEqual([10, 20, 30, 40, 50, 100]);
    expect(t.concludedAt).toBe(5);
  });

  it('rolls back after `threshold` failed checks: interval × threshold when every check fails', () => {
    const t10 = runScripted(new Flagger(FLAGGER_T10), faulty(200, 0.2));
    expect(t10).toMatchObject({ conclusion: 'rolled_back', concludedAt: 10 });
    expect(t10.weights).toEqual([
      [0, 5],
      [10, 0],
    ]);
    expect(runScripted(new Flagger(FLAGGER_T5), faulty(200, 0.2))).toMatchObject({ concludedAt: 5 });
  });

  it('does not reset the counter on passing checks: 5 failures spread over the analysis still roll back', () => {
    const flagger = new Flagger(FLAGGER_T5);
    // The candidate fails (2% errors) in every other minute.
    const base = healthy(200);
    const t = runScripted(flagger, (minute, revision, weight) => {
      const m = base(minute, revision, weight);
      return revision === 1 && minute % 2 === 0 ? { ...m, errors: Math.round(m.requests * 0.02) } : m;
    });
    expect(flagger.checks.filter((c) => c !== 'pass')).toHaveLength(5);
    expect(flagger.checks.filter((c) => c === 'pass').length).toBeGreaterThan(0);
    expect(t.conclusion).toBe('rolled_back');
  });

  it('counts a minute with no requests ("no values found") as a failed check', () => {
    const flagger = new Flagger(FLAGGER_T5);
    const t = runScripted(flagger, (_m, revision) =>
      revision === 1 ? { requests: 0, errors: 0 } : { requests: 1000, errors: 0 },
    );
    expect(flagger.checks).toEqual(['no values', 'no values', 'no values', 'no values', 'no values']);
    expect(t).toMatchObject({ conclusion: 'rolled_back', concludedAt: 5 });
  });

  it('fails a check on a p99 over 500 ms', () => {
    const flagger = new Flagger(FLAGGER_T5);
    runScripted(flagger, (_m, revision, weight) => ({
      requests: Math.round(12_000 * (revision === 1 ? weight / 100 : 1)),
      errors: 0,
      medianMs: revision === 1 ? 400 : 80,
    }));
    expect(flagger.checks[0]).toBe('fail');
  });
});

describe('Argo Rollouts (steps 20/40/60/80, 10m pauses; a measurement a minute; failureLimit 3)', () => {
  it('walks a healthy release to 100% at 40 minutes', () => {
    const t = runScripted(new ArgoRollouts(), healthy(200));
    expect(t.weights).toEqual([
      [0, 20],
      [10, 40],
      [20, 60],
      [30, 80],
      [40, 100],
    ]);
    expect(t).toMatchObject({ conclusion: 'promoted', concludedAt: 40 });
  });

  it('fails the analysis when failed measurements exceed failureLimit: the 4th failure aborts', () => {
    const argo = new ArgoRollouts();
    const t = runScripted(argo, faulty(200, 0.05));
    expect(argo.measurements).toEqual(['Failed', 'Failed', 'Failed', 'Failed']);
    expect(t).toMatchObject({ conclusion: 'rolled_back', concludedAt: 4 });
  });

  it('three failures are within the limit', () => {
    const argo = new ArgoRollouts();
    const t = runScripted(argo, faulty(200, 0.05, 0 /* minutes 0, 1, 2 fail */));
    expect(t.conclusion).toBe('rolled_back'); // sanity: a persistent fault fails
    const brief = new ArgoRollouts();
    const base = healthy(200);
    const once = runScripted(brief, (minute, revision, weight) => {
      const m = base(minute, revision, weight);
      return revision === 1 && minute < 3 ? { ...m, errors: Math.round(m.requests * 0.05) } : m;
    });
    expect(brief.measurements.filter((x) => x === 'Failed')).toHaveLength(3);
    expect(once.conclusion).toBe('promoted');
  });

  it('more than consecutiveErrorLimit (4) measurements without data fail the run', () => {
    const argo = new ArgoRollouts();
    const t = runScripted(argo, (_m, revision) =>
      revision === 1 ? { requests: 0, errors: 0 } : { requests: 500, errors: 0 },
    );
    expect(argo.measurements).toEqual(['Error', 'Error', 'Error', 'Error', 'Error']);
    expect(t).toMatchObject({ conclusion: 'rolled_back', concludedAt: 5 });
  });
});

describe('Kayenta (Mann-Whitney at 98%, tolerance 0.25; pass 95, marginal 75; the 5xx rate critical)', () => {
  it('walks a healthy release through 20/40/60/80 with a run at 5 and 10 minutes of each step: 100% at 40', () => {
    const kayenta = new Kayenta();
    const t = runScripted(kayenta, healthy(200, 0));
    expect(t.weights.map(([minute, w]) => [minute, w])).toEqual([
      [0, 20],
      [10, 40],
      [20, 60],
      [30, 80],
      [40, 100],
    ]);
    expect(kayenta.scores).toEqual([100, 100, 100, 100, 100, 100, 100, 100]);
  });

  it('scores a critical metric that is High as 0: rolled back at the first run', () => {
    const kayenta = new Kayenta();
    const t = runScripted(kayenta, faulty(200, 0.02));
    expect(kayenta.scores).toEqual([0]);
    expect(t).toMatchObject({ conclusion: 'rolled_back', concludedAt: 5 });
  });

  it('a High non-critical metric scores 75 (3 of 4): marginal at the first run, short of pass at the last', () => {
    const kayenta = new Kayenta();
    const t = runScripted(kayenta, (_m, revision, weight) => ({
      requests: Math.round(12_000 * (revision === 1 ? weight / 100 : 1 - weight / 100)),
      errors: 0,
      medianMs: revision === 1 ? 95 : 80,
    }));
    expect(kayenta.scores[0]).toBeLessThan(95);
    expect(t.conclusion).toBe('rolled_back');
  });

  it('classifies: identical samples pass, a clear increase is High, a decrease passes (direction increase)', () => {
    expect(classify([1, 2, 3], [3, 2, 1], 0.98, 0.25)).toBe('Pass');
    expect(classify([10, 11, 12, 13, 14, 15], [1, 2, 3, 4, 5, 6], 0.98, 0.25)).toBe('High');
    expect(classify([1, 2, 3, 4, 5, 6], [10, 11, 12, 13, 14, 15], 0.98, 0.25)).toBe('Pass');
    expect(classify([], [1], 0.98, 0.25)).toBe('Nodata');
    expect(classify([0.2, 0.2], [0.001, 0.001], 0.98, 0.25)).toBe('High');
  });

  it('scores: the share of metrics that pass; 0 with a critical metric that does not', () => {
    expect(
      score([
        { classification: 'Pass', critical: true },
        { classification: 'High', critical: false },
        { classification: 'Pass', critical: false },
        { classification: 'Pass', critical: false },
      ]),
    ).toBe(75);
    expect(
      score([
        { classification: 'High', critical: true },
        { classification: 'Pass', critical: false },
      ]),
    ).toBe(0);
    expect(score([{ classification: 'Nodata', critical: false }])).toBe(0);
  });
});
