import { describe, expect, it } from 'vitest';
import {
  confirmTraffic,
  emptyTarget,
  forgetTraffic,
  isTrafficChangeObsolete,
  isUnconfirmed,
  NO_TRAFFIC,
  requestTraffic,
  type ActiveRollout,
  type TrafficState,
} from '../../../functions/src/domain/rollout.js';

const ask = (t: TrafficState, effectId: string, candidatePercent: number) =>
  requestTraffic(t, { effectId, candidatePercent });

describe('traffic bookkeeping', () => {
  const tenThenHundred = ask(ask(NO_TRAFFIC, 'e1', 10), 'e2', 100);

  it('a newer request moves the unconfirmed one to earlier', () => {
    expect(tenThenHundred).toEqual({
      candidatePercent: 0,
      pending: { effectId: 'e2', candidatePercent: 100 },
      earlier: [{ effectId: 'e1', candidatePercent: 10 }],
    });
  });

  it.each([
    [
      'confirming the latest settles everything',
      'e2',
      { candidatePercent: 100, pending: { effectId: 'e2' }, earlier: 0 },
    ],
    [
      'confirming an earlier one keeps the latest pending',
      'e1',
      { candidatePercent: 10, pending: { effectId: 'e2' }, earlier: 0 },
    ],
  ])('%s', (_name, effectId, expected) => {
    const after = confirmTraffic(tenThenHundred, effectId);
    expect(after.candidatePercent).toBe(expected.candidatePercent);
    expect(after.earlier).toHaveLength(expected.earlier);
    expect(after.pending === null ? null : after.pending.effectId).toBe(effectId === 'e2' ? null : 'e2');
  });

  it('an unknown confirmation changes nothing', () => {
    expect(confirmTraffic(tenThenHundred, 'e9')).toBe(tenThenHundred);
  });

  it('a failure forgets only that request', () => {
    expect(forgetTraffic(tenThenHundred, 'e2')).toEqual({ ...tenThenHundred, pending: null });
    expect(forgetTraffic(tenThenHundred, 'e1')).toEqual({ ...tenThenHundred, earlier: [] });
    expect(isUnconfirmed(forgetTraffic(tenThenHundred, 'e1'), 'e1')).toBe(false);
  });

  it('a traffic change is obsolete once a later one is confirmed or its rollout has finished', () => {
    const rollout = { id: 'checkout.production@b1', traffic: tenThenHundred } as ActiveRollout;
    const target = { ...emptyTarget('checkout.production'), active: rollout };
    expect(isTrafficChangeObsolete(target, rollout.id, 'e1')).toBe(false);
    const confirmed = { ...target, active: { ...rollout, traffic: confirmTraffic(tenThenHundred, 'e2') } };
    expect(isTrafficChangeObsolete(confirmed, rollout.id, 'e1')).toBe(true);
    expect(isTrafficChangeObsolete(emptyTarget('checkout.production'), rollout.id, 'e2')).toBe(true);
  });
});
