/** The evidence a rollout carries (analysis/evidence.ts): segments, their weights, and how they add up. */
import { describe, expect, it } from 'vitest';
import {
  combine,
  FAMILY_WEIGHTS,
  recordWindow,
  rollbackLevel,
  startWeight,
} from '../../../../functions/src/domain/analysis/evidence.js';
import {
  logEvidenceOf,
  NO_ALTERNATIVES,
  ODDS_GRID,
  type Alternatives,
} from '../../../../functions/src/domain/analysis/evalues.js';
import { NO_EVIDENCE, type HarmEvidence } from '../../../../functions/src/domain/analysis/windowEvidence.js';

/** The same log likelihood ratio at every alternative: a test whose e-value is e^logE whatever it is mixed with. */
const flat = (logE: number): Alternatives => ODDS_GRID.map(() => logE);
const errors = (logE: number): HarmEvidence => ({ ...NO_EVIDENCE, errors: flat(logE) });

describe('evidence across segments', () => {
  it('a new step, or the same step resumed (a new start), is a new segment; another analysis replaces it', () => {
    let e = recordWindow(null, 0, 100, errors(1));
    e = recordWindow(e, 0, 100, errors(2));
    expect(e.segments.map((s) => [s.step, s.startedAt, logEvidenceOf(s.errors)])).toEqual([[0, 100, 2]]);
    e = recordWindow(e, 1, 200, errors(3));
    e = recordWindow(e, 1, 300, errors(4));
    expect(e.segments.map((s) => [s.step, s.startedAt, logEvidenceOf(s.errors)])).toEqual([
      [0, 100, 2],
      [1, 200, 3],
      [1, 300, 4],
    ]);
  });

  it('the starting-segment weights sum to 1, however many segments', () => {
    for (const planned of [1, 2, 3, 7]) {
      let total = 0;
      for (let j = 0; j < 200; j++) total += startWeight(j, planned);
      expect(total).toBeCloseTo(1, 9);
    }
    expect(startWeight(0, 3)).toBeCloseTo(0.25);
    expect(startWeight(3, 3)).toBeCloseTo(0.125);
  });

  it('the family weights sum to 1', () => {
    expect(Object.values(FAMILY_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('with no evidence at all, E is the weight of the segments seen so far (never above 1)', () => {
    expect(Math.exp(combine(recordWindow(null, 0, 0, NO_EVIDENCE), 3).logE)).toBeCloseTo(0.25, 12);
  });

  it('multiplies a family across segments: two steps of e = 20 each make 400 (weighted)', () => {
    let e = recordWindow(null, 0, 0, errors(Math.log(20)));
    e = recordWindow(e, 1, 1, errors(Math.log(20)));
    const combined = combine(e, 2);
    expect(combined.strongest).toBe('errors');
    // From segment 0: 400, from segment 1: 20 (weight 1/3 each), errors weighted 0.35; the other families e = 1.
    const expected = (1 / 3) * (0.35 * 400 + 0.65) + (1 / 3) * (0.35 * 20 + 0.65);
    expect(Math.exp(combined.logE)).toBeCloseTo(expected, 6);
  });

  it('a healthy early segment does not hide a later fault: the mixture starts afresh at the later segment', () => {
    let e = recordWindow(null, 0, 0, errors(-50));
    e = recordWindow(e, 1, 1, errors(Math.log(10_000)));
    expect(combine(e, 2).logE).toBeGreaterThan(Math.log((1 / 3) * 0.35 * 10_000) - 1e-9);
  });

  it('names the suspect: the family with the most evidence of its own, unweighted, from its best starting segment', () => {
    // Weighted, the comparison's e = 20 (× 0.35 = 7) is the strongest; unweighted, the p99 limit's e = 40 over both
    // segments (× 0.15 = 6) is the larger, and the suspect.
    let e = recordWindow(null, 0, 0, { ...NO_EVIDENCE, errors: flat(Math.log(20)), slowRate: flat(Math.log(5)) });
    e = recordWindow(e, 1, 1, { ...NO_EVIDENCE, errors: flat(0), slowRate: flat(Math.log(8)) });
    const combined = combine(e, 2);
    expect(combined.strongest).toBe('errors');
    expect(combined.suspect).toBe('slowRate');
    expect(Math.exp(combined.suspectLogE)).toBeCloseTo(40, 9);
    expect(combine(recordWindow(null, 0, 0, NO_EVIDENCE), 3)).toMatchObject({ suspectLogE: 0 });
  });

  it('mixes once over the whole rollout: a fault that shows a little at each step adds up', () => {
    // Each step's data favours the same alternative (odds ×5) by a likelihood ratio of 6 and rules out the others:
    // alone, each step's e-value is 6/9, under 1; over three steps that alternative's ratio is 216, and the mixture
    // keeps a ninth of it. (Steps mixed together are as valid as minutes mixed together: evalues.test.ts checks the
    // mixture over cells with different nulls exactly.)
    const step: Alternatives = ODDS_GRID.map((m) => (m === 5 ? Math.log(6) : -5));
    expect(Math.exp(logEvidenceOf(step))).toBeLessThan(1);
    let e = recordWindow(null, 0, 0, { ...NO_EVIDENCE, errors: step });
    e = recordWindow(e, 1, 1, { ...NO_EVIDENCE, errors: step });
    e = recordWindow(e, 2, 2, { ...NO_EVIDENCE, errors: step });
    const combined = combine(e, 3);
    expect(combined.suspect).toBe('errors');
    expect(Math.exp(combined.suspectLogE)).toBeCloseTo(216 / ODDS_GRID.length, 3);
    // Mixing each step on its own and multiplying would have given less than 1.
    expect(3 * logEvidenceOf(step)).toBeLessThan(0);
  });

  it('reads segments stored before the alternatives were kept apart as that e-value at every alternative', () => {
    const legacy = { step: 0, startedAt: 0, errors: Math.log(20), errorRate: 0, slowRate: 0, latency: [Math.log(3)] };
    const e = recordWindow({ segments: [legacy] }, 1, 1, errors(Math.log(20)));
    expect(e.segments[0]!.errors).toEqual(flat(Math.log(20)));
    expect(e.segments[0]!.latency[0]!.alternatives).toEqual(flat(Math.log(3)));
    expect(e.segments[0]!.latency[1]!.alternatives).toEqual(NO_ALTERNATIVES);
    // As before the upgrade: two steps of e = 20 multiply to 400.
    expect(Math.exp(combine(e, 2).suspectLogE)).toBeCloseTo(400, 6);
  });

  it('rolls back at 1/(1 − confidence)', () => {
    expect(Math.exp(rollbackLevel(0.995))).toBeCloseTo(200, 6);
    expect(Math.exp(rollbackLevel(0.99))).toBeCloseTo(100, 6);
  });
});
