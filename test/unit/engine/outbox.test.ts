import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_OUTBOX } from '../../../functions/src/engine/outbox.js';

describe('backoffMs', () => {
  const options = { backoffBaseMs: 10_000, backoffCapMs: 600_000 };

  it('doubles with each attempt from the base', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, options))).toEqual([10_000, 20_000, 40_000, 80_000, 160_000]);
  });

  it('stops at the cap, however many attempts', () => {
    expect(backoffMs(7, options)).toBe(600_000);
    expect(backoffMs(1_000, options)).toBe(600_000);
  });

  it('treats a nonsensical attempt count as the first', () => {
    expect(backoffMs(0, options)).toBe(10_000);
  });
});

describe('DEFAULT_OUTBOX', () => {
  it('holds a lease longer than the effect function may run (540 s), so it only expires on a crash', () => {
    expect(DEFAULT_OUTBOX.leaseMs).toBeGreaterThan(540_000);
  });

  it('gives the Firestore trigger a grace period before the sweep steps in', () => {
    expect(DEFAULT_OUTBOX.graceMs).toBe(30_000);
  });
});
