/**
 * Checks while a step bakes (`analysis.sequential.checkEvery`), through the engine, the Firestore outbox and the effect
 * runner with in-memory ports: a healthy candidate is checked every 20 s and promoted when its bakes end; a faulty
 * one is rolled back by the first check that finds strong evidence of harm, long before its bake would have ended.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunAnalysis } from '../../../functions/src/domain/effects.js';
import { rolloutIdOf } from '../../../functions/src/domain/rollout.js';
import { buildSucceeded, CHECKOUT, CHECKOUT_SERVICE, createHarness } from '../../support/engine-harness.js';
import { drive } from '../../support/engine-driver.js';

const YAML = `
version: 1
targets:
  checkout:
    production:
      project: acme-shop-prod
      region: europe-west1
      strategy:
        canary:
          steps:
            - { weight: 10, bake: 5m }
      analysis: { maxErrorRatePercent: 1, maxP99LatencyMs: 800, minRequests: 100 }
      rollback: { guardWindow: 0 }
`;

const h = createHarness('engine checks', { yaml: YAML });
afterAll(() => h.close());

function analyses(): RunAnalysis[] {
  return h.ports.metrics.calls;
}

describe('checks while a step bakes, with the default checkEvery (20s)', () => {
  beforeEach(() => {
    h.ports.metrics.setDefault({ requests: 1_000, errors: 1, p99LatencyMs: 120 });
  });

  it('checks a healthy candidate every 20 s of its bake and metrics delay, then judges it and promotes it', async () => {
    const started = h.clock.now();
    await h.engine.handle(buildSucceeded('healthy1', started));
    const report = await drive(h);
    expect(report.errors).toEqual([]);
    const rollout = await h.rollout(rolloutIdOf(CHECKOUT, 'healthy1'));
    expect(rollout?.phase).toBe('succeeded');
    // 5m bake + 3m metrics delay: checks at 20 s, 40 s, … 7m40s (up to now), then the step's judgement at 8m (up to
    // now − 3m).
    const calls = analyses();
    expect(calls).toHaveLength(24);
    const stepStart = calls[0]!.windowStart;
    expect(calls.slice(0, 23).map((c) => (c.windowEnd - stepStart) / 20_000)).toEqual(
      Array.from({ length: 23 }, (_, i) => i + 1),
    );
    expect((calls[23]!.windowEnd - stepStart) / 60_000).toBe(5);
    expect(rollout?.verdicts.map((v) => [v.stage, v.result])).toEqual([['final', 'pass']]);
  });

  it('rolls a candidate with 12% errors (60 of the 64, at 10% of the traffic) back at the first check', async () => {
    const stableBefore = (await h.target()).stable?.revision;
    h.ports.metrics.set('checkout-00003-dep', { requests: 500, errors: 60, p99LatencyMs: 120 });
    h.ports.metrics.setDefault({ requests: 4_500, errors: 4, p99LatencyMs: 120 });
    const callsBefore = analyses().length;
    await h.engine.handle(buildSucceeded('faulty1', h.clock.now()));
    const report = await drive(h);
    expect(report.errors).toEqual([]);

    const rollout = await h.rollout(rolloutIdOf(CHECKOUT, 'faulty1'));
    expect(rollout?.phase).toBe('rolled_back');
    expect(rollout?.ending?.cause).toBe('analysis_failed');
    expect(analyses().length - callsBefore).toBe(1);
    expect(rollout?.verdicts).toHaveLength(1);
    expect(rollout?.verdicts[0]).toMatchObject({ result: 'fail', stage: 'interim' });
    expect(rollout?.verdicts[0]?.reason).toMatch(
      /^error rate 12% over 500 requests is over the limit of 1% \(strong evidence/,
    );
    expect(h.ports.cloudRun.trafficOf(CHECKOUT_SERVICE)).toEqual([{ revision: stableBefore, percent: 100 }]);
  });
});
