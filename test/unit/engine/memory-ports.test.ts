/** The in-memory ports behave like the systems they stand in for, closely enough for the engine's tests to mean something. */
import { describe, expect, it } from 'vitest';
import type { DeployCandidate, ServiceRef, SetTraffic } from '../../../functions/src/domain/effects.js';
import { FakeClock, FaultPlan, MemoryCloudRun, TransientError } from '../../../functions/src/adapters/memory/index.js';

const service: ServiceRef = { project: 'acme-shop-prod', region: 'europe-west1', service: 'checkout' };
const deploy = (id: string): DeployCandidate => ({
  id,
  targetId: 'checkout.production',
  rolloutId: 'r',
  type: 'cloudRun.deployCandidate',
  service,
  image: 'img',
  tag: 'candidate',
  source: 'deploy',
});
const traffic = (split: SetTraffic['split']): SetTraffic => ({
  id: 'x',
  targetId: 'checkout.production',
  rolloutId: 'r',
  type: 'cloudRun.setTraffic',
  service,
  split,
  purpose: 'step',
  expected: null,
});

describe('MemoryCloudRun', () => {
  it('creates one revision per deploy effect, however often the effect is retried', async () => {
    const run = new MemoryCloudRun().seed(service, 'checkout-00001-old');
    const first = await run.deployCandidate(deploy('a'));
    expect(await run.deployCandidate(deploy('a'))).toEqual(first);
    expect(first).toEqual({
      ok: true,
      revision: 'checkout-00002-dep',
      url: 'https://candidate---checkout-test.a.run.app',
      stableRevision: 'checkout-00001-old',
    });
    expect(await run.deployCandidate(deploy('b'))).toMatchObject({ revision: 'checkout-00003-dep' });
    expect(run.revisionsOf(service)).toEqual(['checkout-00001-old', 'checkout-00002-dep', 'checkout-00003-dep']);
  });

  it('refuses splits that do not sum to 100 or name unknown revisions, as Cloud Run does', async () => {
    const run = new MemoryCloudRun().seed(service, 'old');
    expect(await run.setTraffic(traffic([{ revision: 'old', percent: 90 }]))).toEqual({
      ok: false,
      reason: 'traffic must sum to 100, got 90',
    });
    expect(await run.setTraffic(traffic([{ revision: 'new', percent: 100 }]))).toMatchObject({ ok: false });
    expect(run.trafficOf(service)).toEqual([{ revision: 'old', percent: 100 }]);
  });
});

describe('FaultPlan', () => {
  it('throws the scripted number of times, then fails permanently if told to, until cleared', () => {
    const plan = new FaultPlan().throwNext(2, 'boom').failWith('no');
    expect(() => plan.apply()).toThrow(TransientError);
    expect(() => plan.apply()).toThrow('boom');
    expect(plan.apply()).toBe('no');
    expect(plan.apply()).toBe('no');
    expect(plan.clear().apply()).toBeNull();
  });
});

describe('FakeClock', () => {
  it('moves only when told to, and never backwards', () => {
    const clock = new FakeClock(1_000);
    expect(clock.now()).toBe(1_000);
    expect(clock.advance(500).now()).toBe(1_500);
    expect(clock.advanceTo(1_200).now()).toBe(1_500);
    expect(clock.advanceTo(9_000).now()).toBe(9_000);
  });
});
