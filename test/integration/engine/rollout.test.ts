/**
 * Whole rollouts through the engine, the Firestore outbox and the effect runner, with in-memory ports: a healthy canary
 * goes all the way to `succeeded`; one whose metrics are over the limit is rolled back to 100% on the stable revision.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { rolloutIdOf } from '../../../functions/src/domain/rollout.js';
import type { SetTraffic } from '../../../functions/src/domain/effects.js';
import { buildSucceeded, CHECKOUT, CHECKOUT_SERVICE, createHarness } from '../../support/engine-harness.js';
import { drive } from '../../support/engine-driver.js';

const h = createHarness('engine rollout');
afterAll(() => h.close());

function trafficCalls(): SetTraffic[] {
  return h.ports.cloudRun.calls.filter((c): c is SetTraffic => c.type === 'cloudRun.setTraffic');
}

async function logTypes(): Promise<string[]> {
  const snap = await h.db.collection(`targets/${CHECKOUT}/log`).orderBy('version').orderBy('at').get();
  return snap.docs.map((d) => `${d.get('type') as string}:${d.get('outcome.status') as string}`);
}

describe('a canary rollout with in-memory ports', () => {
  beforeEach(() => {
    h.ports.metrics.setDefault({ requests: 1_000, errors: 0, p99LatencyMs: 120 });
  });

  it('goes from build.succeeded through both steps and the guard window to succeeded', async () => {
    const started = await h.engine.handle(buildSucceeded('good1', h.clock.now()));
    expect(started).toMatchObject({ status: 'applied', version: 1 });

    const report = await drive(h);
    expect(report.errors).toEqual([]);

    const id = rolloutIdOf(CHECKOUT, 'good1');
    const rollout = await h.rollout(id);
    expect(rollout).toMatchObject({ phase: 'succeeded', targetId: CHECKOUT, step: 1 });
    expect(rollout?.verdicts.map((v) => v.result)).toEqual(['pass', 'pass']);

    // Traffic moved 10% → 50% → 100%, always summing to 100, and Cloud Run ends on the candidate alone.
    const candidate = rollout?.candidate?.revision;
    expect(candidate).toBe('checkout-00002-dep');
    expect(trafficCalls().map((c) => c.split.find((s) => s.revision === candidate)?.percent)).toEqual([10, 50, 100]);
    for (const call of trafficCalls()) expect(call.split.reduce((sum, s) => sum + s.percent, 0)).toBe(100);
    expect(h.ports.cloudRun.trafficOf(CHECKOUT_SERVICE)).toEqual([{ revision: candidate, percent: 100 }]);

    const target = await h.target();
    expect(target.active).toBeNull();
    expect(target.stable?.revision).toBe(candidate);

    // Every effect ran and was closed; every answer reached the engine exactly once.
    const effects = await h.effects();
    expect(effects.filter((e) => e.status !== 'done')).toEqual([]);
    expect(h.ports.smoke.calls).toHaveLength(1);
    expect(h.ports.metrics.calls).toHaveLength(2);
    expect(h.ports.notifier.sent.map((n) => n.topic)).toEqual(
      expect.arrayContaining(['deploying', 'verifying', 'progressing', 'promoted', 'succeeded']),
    );
    const log = await logTypes();
    expect(log[0]).toBe('build.succeeded:applied');
    expect(log.at(-1)).toBe('timer.elapsed:applied');
    expect(log.filter((l) => l === 'analysis.completed:applied')).toHaveLength(2);
    // The log's versions are the target's versions: contiguous, one per applied event.
    const versions = (await h.db.collection(`targets/${CHECKOUT}/log`).get()).docs.map(
      (d) => d.get('version') as number,
    );
    expect([...new Set(versions)].sort((a, b) => a - b)).toEqual(range(1, target.version));
  });

  it('rolls a candidate whose error rate is over the limit back to 100% on the stable revision', async () => {
    const stableBefore = (await h.target()).stable?.revision;
    expect(stableBefore).toBe('checkout-00002-dep');
    h.ports.metrics.set('checkout-00003-dep', { requests: 500, errors: 40, p99LatencyMs: 200 });

    await h.engine.handle(buildSucceeded('bad1', h.clock.now()));
    const report = await drive(h);
    expect(report.errors).toEqual([]);

    const rollout = await h.rollout(rolloutIdOf(CHECKOUT, 'bad1'));
    expect(rollout?.phase).toBe('rolled_back');
    expect(rollout?.ending?.cause).toBe('analysis_failed');
    expect(rollout?.verdicts).toHaveLength(1);
    expect(rollout?.verdicts[0]?.result).toBe('fail');
    expect(rollout?.traffic).toEqual({ candidatePercent: 0, pending: null, earlier: [] });
    expect(h.ports.cloudRun.trafficOf(CHECKOUT_SERVICE)).toEqual([{ revision: stableBefore, percent: 100 }]);

    const target = await h.target();
    expect(target.active).toBeNull();
    expect(target.stable?.revision).toBe(stableBefore);
    expect(h.ports.notifier.sent.filter((n) => n.rolloutId === rollout?.id).map((n) => n.topic)).toContain(
      'rolled_back',
    );
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
