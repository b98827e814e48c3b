/**
 * Traffic changes run as separate effects, and a transient failure retries one later. A retried change that a newer one
 * has overtaken must never reach Cloud Run: here a canary step's 10% fails transiently, a person rolls back meanwhile,
 * and when the sweep re-drives the old 10% it is closed without running, so the candidate stays at 0%.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../functions/src/domain/actor.js';
import type { EffectDoc } from '../../../functions/src/adapters/firestore/documents.js';
import { TransientError } from '../../../functions/src/adapters/memory/index.js';
import {
  buildSucceeded,
  CHECKOUT,
  CHECKOUT_SERVICE,
  createHarness,
  STABLE_REVISION,
  type Harness,
} from '../../support/engine-harness.js';

const ADMIN: Actor = { kind: 'user', id: 'U1', name: 'ana', via: 'cli', roles: ['admin'] };

async function pendingOfType(h: Harness, type: EffectDoc['effect']['type']): Promise<EffectDoc> {
  const found = (await h.effects()).filter((e) => e.status === 'pending' && e.effect.type === type);
  if (found.length !== 1) throw new Error(`expected one pending ${type}, found ${found.length}`);
  return found[0]!;
}

describe('an overtaken traffic change', () => {
  const h = createHarness('engine obsolete traffic');
  afterAll(() => h.close());

  it('is skipped when retried after a newer one was confirmed', async () => {
    await h.engine.handle(buildSucceeded('late1', h.clock.now()));
    await h.runner.run((await pendingOfType(h, 'cloudRun.deployCandidate')).id);
    await h.runner.run((await pendingOfType(h, 'smoke.run')).id);
    const step = await pendingOfType(h, 'cloudRun.setTraffic');

    h.ports.cloudRun.trafficFaults.throwNext(1, 'Cloud Run API: 503 unavailable');
    await expect(h.runner.run(step.id)).rejects.toBeInstanceOf(TransientError);

    const rolloutId = (await h.target()).active?.id ?? '';
    const rollback = await h.engine.handle({
      type: 'command.rollback',
      id: 'cli:rollback:1',
      targetId: CHECKOUT,
      rolloutId,
      actor: ADMIN,
      reason: 'checkout errors on the dashboard',
    });
    expect(rollback.status).toBe('applied');
    const rollbackTraffic = (await h.effects()).find(
      (e) => e.effect.type === 'cloudRun.setTraffic' && e.id !== step.id && e.status === 'pending',
    );
    await h.runner.run(rollbackTraffic?.id ?? '');
    expect((await h.rollout(rolloutId))?.phase).toBe('rolled_back');

    const callsBefore = h.ports.cloudRun.calls.length;
    h.clock.advance(h.outbox.graceMs + h.outbox.backoffBaseMs);
    await h.runner.sweep();

    expect(h.ports.cloudRun.calls).toHaveLength(callsBefore);
    expect(h.ports.cloudRun.trafficOf(CHECKOUT_SERVICE)).toEqual([{ revision: STABLE_REVISION, percent: 100 }]);
    expect((await h.effects()).find((e) => e.id === step.id)).toMatchObject({
      status: 'done',
      lastError: expect.stringMatching(/^skipped: a newer traffic change/) as unknown,
    });
  });
});
