/**
 * Save first, then act — and survive a crash in between. The engine commits a decision and its effects, then nothing
 * runs them (the process died before the trigger fired, or the trigger never came). The sweep alone, with the clock
 * moving past the grace period, takes the rollout all the way, timers included (the Firestore timer port, as in
 * production).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rolloutIdOf } from '../../../functions/src/domain/rollout.js';
import { acquireLease } from '../../../functions/src/adapters/firestore/outbox.js';
import type { TimerDoc } from '../../../functions/src/adapters/firestore/documents.js';
import { buildSucceeded, CHECKOUT, CHECKOUT_SERVICE, createHarness } from '../../support/engine-harness.js';
import { drive } from '../../support/engine-driver.js';

describe('a crash after commit and before the effects run', () => {
  const h = createHarness('engine crash', { timers: 'firestore' });
  afterAll(() => h.close());

  it('leaves fresh effects to their trigger during the grace period', async () => {
    const result = await h.engine.handle(buildSucceeded('crash1', h.clock.now()));
    expect(result.status).toBe('applied');
    expect(result.effectIds.length).toBeGreaterThan(0);

    h.clock.advance(h.outbox.graceMs - 1);
    const early = await h.runner.sweep();
    expect(early.effects.found).toBe(0);
    expect(h.ports.cloudRun.calls).toEqual([]);
  });

  it('is completed by the sweep alone once the grace period has passed', async () => {
    h.clock.advance(1);
    const first = await h.runner.sweep();
    expect(first.effects).toMatchObject({ found: 3, done: 3, errors: 0 }); // deploy, publish, notify

    await drive(h, { via: 'sweep' });

    const rollout = await h.rollout(rolloutIdOf(CHECKOUT, 'crash1'));
    expect(rollout?.phase).toBe('succeeded');
    expect(h.ports.cloudRun.trafficOf(CHECKOUT_SERVICE)).toEqual([
      { revision: rollout?.candidate?.revision, percent: 100 },
    ]);
    expect((await h.effects()).filter((e) => e.status !== 'done')).toEqual([]);
    const timers = (await h.db.collection('timers').get()).docs.map((d) => d.data() as TimerDoc);
    expect(timers.map((t) => t.purpose).sort()).toEqual(['bake', 'bake', 'guard']);
    expect(timers.every((t) => t.firedAt !== null && t.sweepAt === null && t.firedAt >= t.dueAt)).toBe(true);
    // One deploy, three traffic changes (10%, 50%, 100%): nothing ran twice.
    expect(h.ports.cloudRun.calls.map((c) => c.type)).toEqual([
      'cloudRun.deployCandidate',
      'cloudRun.setTraffic',
      'cloudRun.setTraffic',
      'cloudRun.setTraffic',
    ]);
  });
});

describe('a runner that dies holding a lease', () => {
  const h = createHarness('engine lease crash');
  afterAll(() => h.close());

  it('is replaced by the sweep once its lease has expired', async () => {
    const { effectIds } = await h.engine.handle(buildSucceeded('crash2', h.clock.now()));
    const deployId = effectIds[0] ?? '';
    // A runner leases the deploy and dies before calling Cloud Run.
    const lease = await acquireLease(h.db, deployId, 'dead-runner', () => h.clock.now(), h.outbox.leaseMs);
    expect(lease.kind).toBe('acquired');

    h.clock.advance(h.outbox.graceMs);
    const whileLeased = await h.runner.sweep();
    expect(whileLeased.effects.done).toBe(2); // the notify and publish, not the leased deploy
    expect(h.ports.cloudRun.calls).toEqual([]);

    h.clock.advance(h.outbox.leaseMs);
    const afterExpiry = await h.runner.sweep();
    expect(afterExpiry.effects).toMatchObject({ found: 1, done: 1 });
    expect(h.ports.cloudRun.calls).toHaveLength(1);
    const deploy = (await h.effects()).find((e) => e.id === deployId);
    expect(deploy).toMatchObject({ status: 'done', attempts: 2, resultEventId: `result:${deployId}` });
    expect((await h.target()).active?.phase).toBe('verifying');
  });
});
