/**
 * The router's weighted pick: each revision gets exactly its percent of the draws, revisions at 0% never, and a split
 * mid-change (not summing to 100) is spread by its own total.
 */
import { describe, expect, it } from 'vitest';
import { pickRevision } from '../../../sandbox/src/router/pick.js';

/** How many of `n` evenly spaced draws over [0, 1) go to each revision. */
function shares(split: Parameters<typeof pickRevision>[0], n = 10_000): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const revision = pickRevision(split, i / n) ?? 'none';
    counts[revision] = (counts[revision] ?? 0) + 1;
  }
  return counts;
}

describe('pickRevision', () => {
  it('gives each revision its percent of the draws', () => {
    const split = [
      { revision: 'a', percent: 20 },
      { revision: 'b', percent: 80 },
    ];
    expect(shares(split)).toEqual({ a: 2_000, b: 8_000 });
  });

  it('never picks a revision at 0%', () => {
    const split = [
      { revision: 'zero', percent: 0 },
      { revision: 'a', percent: 50 },
      { revision: 'also-zero', percent: 0 },
      { revision: 'b', percent: 50 },
    ];
    expect(shares(split)).toEqual({ a: 5_000, b: 5_000 });
  });

  it('spreads a split that does not sum to 100 by its total', () => {
    expect(shares([{ revision: 'a', percent: 30 }])).toEqual({ a: 10_000 });
    expect(
      shares([
        { revision: 'a', percent: 10 },
        { revision: 'b', percent: 30 },
      ]),
    ).toEqual({ a: 2_500, b: 7_500 });
  });

  it('picks the last revision at the very top of the range', () => {
    const split = [
      { revision: 'a', percent: 50 },
      { revision: 'b', percent: 50 },
    ];
    expect(pickRevision(split, 0)).toBe('a');
    expect(pickRevision(split, 0.9999999999999999)).toBe('b');
  });

  it('picks nothing from an empty split or one at 0%', () => {
    expect(pickRevision([], 0.5)).toBeNull();
    expect(pickRevision([{ revision: 'a', percent: 0 }], 0.5)).toBeNull();
  });
});
