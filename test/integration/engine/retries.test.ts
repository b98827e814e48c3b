/**
 * Typed errors decide retries (DESIGN.md rule 6) and notifications never block a rollout (rule 9): a port that throws is
 * retried with exponential backoff until it succeeds; a notifier that keeps failing is given up on while the rollout
 * carries on; a deploy that keeps failing transiently is eventually answered as failed so the rollout does not hang.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rolloutIdOf } from '../../../functions/src/domain/rollout.js';
import { TransientError } from '../../../functions/src/adapters/memory/index.js';
import { buildSucceeded, CHECKOUT, createHarness, type Harness } from '../../support/engine-harness.js';
import { drive } from '../../support/engine-driver.js';

async function effect(h: Harness, id: string) {
  return (await h.effects()).find((e) => e.id === id);
}

describe('a transient port failure', () => {
  const h = createHarness('engine retry');
  afterAll(() => h.close());

  it('is retried with exponential backoff, then succeeds', async () => {
    h.ports.cloudRun.deployFaults.throwNext(2, 'Cloud Run API: 503 unavailable');
    const { effectIds } = await h.engine.handle(buildSucceeded('retry1', h.clock.now()));
    const deployId = effectIds[0] ?? '';
    const createdAt = h.clock.now();

    // The trigger's attempt fails: the error is rethrown (the platform retries) and the effect is pending again.
    await expect(h.runner.run(deployId)).rejects.toBeInstanceOf(TransientError);
    expect(await effect(h, deployId)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'Cloud Run API: 503 unavailable',
      nextAttemptAt: createdAt + h.outbox.backoffBaseMs,
      sweepAt: createdAt + h.outbox.graceMs,
      leaseUntil: null,
    });

    // The sweep leaves it alone until it is due, then tries again: a second failure doubles the delay.
    h.clock.advance(h.outbox.graceMs - 1);
    expect((await h.runner.sweep()).effects.found).toBe(0);
    h.clock.advance(1);
    const second = await h.runner.sweep();
    expect(second.effects).toMatchObject({ found: 3, done: 2, errors: 1 }); // the deploy, and its notify and publish
    const retriedAt = h.clock.now();
    expect(await effect(h, deployId)).toMatchObject({
      status: 'pending',
      attempts: 2,
      nextAttemptAt: retriedAt + 2 * h.outbox.backoffBaseMs,
    });

    h.clock.advance(2 * h.outbox.backoffBaseMs - 1);
    expect((await h.runner.sweep()).effects.found).toBe(0);
    h.clock.advance(1);
    expect((await h.runner.sweep()).effects).toMatchObject({ found: 1, done: 1, errors: 0 });

    expect(await effect(h, deployId)).toMatchObject({
      status: 'done',
      attempts: 3,
      resultEventId: `result:${deployId}`,
    });
    expect(h.ports.cloudRun.calls).toHaveLength(3);
    expect(h.ports.cloudRun.revisionsOf(h.ports.cloudRun.calls[0]!.service)).toHaveLength(2); // one new revision
    expect((await h.target()).active?.phase).toBe('verifying');
  });
});

describe('a notifier that fails every time', () => {
  const h = createHarness('engine notify fails');
  afterAll(() => h.close());

  it('never blocks the rollout: each notification is given up on after its last attempt', async () => {
    h.ports.notifier.faults.throwNext(Infinity, 'Slack: invalid_auth');
    await h.engine.handle(buildSucceeded('notify1', h.clock.now()));
    const report = await drive(h);

    expect((await h.rollout(rolloutIdOf(CHECKOUT, 'notify1')))?.phase).toBe('succeeded');
    const effects = await h.effects();
    const notifies = effects.filter((e) => e.type === 'notify');
    expect(notifies.length).toBeGreaterThanOrEqual(5);
    for (const n of notifies) {
      expect(n).toMatchObject({
        status: 'failed',
        attempts: h.outbox.bestEffortMaxAttempts,
        lastError: 'Slack: invalid_auth',
      });
      expect(n.sweepAt).toBeNull();
    }
    expect(effects.filter((e) => e.type !== 'notify').every((e) => e.status === 'done')).toBe(true);
    expect(h.ports.notifier.sent).toEqual([]);
    // Each notification threw on all but its last attempt, which was marked failed without rethrowing.
    expect(report.errors).toHaveLength(notifies.length * (h.outbox.bestEffortMaxAttempts - 1));
  });
});

describe('a deploy that keeps failing transiently', () => {
  const h = createHarness('engine give up', { outbox: { giveUpAfterAttempts: 3 } });
  afterAll(() => h.close());

  it('is answered as failed after the last attempt, so the rollout ends instead of hanging', async () => {
    h.ports.cloudRun.deployFaults.throwNext(Infinity, 'connect ETIMEDOUT');
    const { effectIds } = await h.engine.handle(buildSucceeded('giveup1', h.clock.now()));
    const report = await drive(h);

    expect(report.errors).toHaveLength(2);
    const rollout = await h.rollout(rolloutIdOf(CHECKOUT, 'giveup1'));
    expect(rollout?.phase).toBe('aborted');
    expect(rollout?.ending?.reason).toContain('gave up after 3 attempts: connect ETIMEDOUT');
    expect(await effect(h, effectIds[0] ?? '')).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'connect ETIMEDOUT',
    });
    expect((await h.target()).active).toBeNull();
  });
});
