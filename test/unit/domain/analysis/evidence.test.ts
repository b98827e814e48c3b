/** The evidence a rollout carries (analysis/evidence.ts): segments, their weights, and how they add up. */
import { describe, expect, it } from 'vitest';
import {
  combine,
  FAMILY_WEIGHTS,
  recordWindow,
  rollbackLevel,
  startWeight,
} from '../../../../functions/src/domain/analysis/evidence.js';
import { NO_EVIDENCE, type HarmEvidence } from '../../../../functions/src/domain/analysis/windowEvidence.js';

const errors = (logE: number): HarmEvidence => ({ ...NO_EVIDENCE, errors: logE });

describe('evidence across segments', () => {
  it('a new step, or the same step resumed (a new start), is a new segment; another analysis replaces it', () => {
    let e = recordWindow(null, 0, 100, errors(1));
    e = recordWindow(e, 0, 100, errors(2));
    expect(e.segments.map((s) => [s.step, s.startedAt, s.errors])).toEqual([[0, 100, 2]]);
    e = recordWindow(e, 1, 200, errors(3));
    e = recordWindow(e, 1, 300, errors(4));
    expect(e.segments.map((s) => [s.step, s.startedAt, s.errors])).toEqual([
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
    let e = recordWindow(null, 0, 0, { ...NO_EVIDENCE, errors: Math.log(20), slowRate: Math.log(5) });
    e = recordWindow(e, 1, 1, { ...NO_EVIDENCE, errors: 0, slowRate: Math.log(8) });
    const combined = combine(e, 2);
    expect(combined.strongest).toBe('errors');
    expect(combined.suspect).toBe('slowRate');
    expect(Math.exp(combined.suspectLogE)).toBeCloseTo(40, 9);
    expect(combine(recordWindow(null, 0, 0, NO_EVIDENCE), 3)).toMatchObject({ suspectLogE: 0 });
  });

  it('rolls back at 1/(1 − confidence)', () => {
    expect(Math.exp(rollbackLevel(0.995))).toBeCloseTo(200, 6);
    expect(Math.exp(rollbackLevel(0.99))).toBeCloseTo(100, 6);
  });
});
