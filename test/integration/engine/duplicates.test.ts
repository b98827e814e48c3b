/**
 * At-least-once in, exactly-once in effect (DESIGN.md rule 3): an event delivered again, one after the other or at the
 * same moment, changes the target once, is logged once and stores its effects once.
 */
import type { DocumentData } from 'firebase-admin/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command, RevisionReady } from '../../../functions/src/domain/events.js';
import { rolloutIdOf } from '../../../functions/src/domain/rollout.js';
import { logCollection } from '../../../functions/src/adapters/firestore/collections.js';
import { buildSucceeded, CHECKOUT, createHarness } from '../../support/engine-harness.js';

const h = createHarness('engine duplicates');
afterAll(() => h.close());

async function logEntries(): Promise<DocumentData[]> {
  return (await logCollection(h.db, CHECKOUT).get()).docs.map((d) => d.data());
}

describe('the same event delivered three times', () => {
  const build = buildSucceeded('dup1', h.clock.now());

  it('changes the state once, logs it once, stores its effects once; the second and third are duplicates', async () => {
    const first = await h.engine.handle(build);
    const afterFirst = await h.target();
    const effectsAfterFirst = await h.effects();
    const second = await h.engine.handle(build);
    const third = await h.engine.handle(build);

    expect(first).toMatchObject({ status: 'applied', version: 1 });
    expect(first.effectIds.length).toBeGreaterThan(0);
    for (const again of [second, third]) {
      expect(again.status).toBe('duplicate');
      expect(again.version).toBe(1);
      expect(again.effectIds).toEqual(first.effectIds);
      expect(again.message).toContain(first.message);
    }
    expect(await h.target()).toEqual(afterFirst);
    expect(await h.effects()).toEqual(effectsAfterFirst);
    expect(effectsAfterFirst.map((e) => e.id).sort()).toEqual([...first.effectIds].sort());

    const log = await logEntries();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      eventId: build.id,
      type: 'build.succeeded',
      actor: { kind: 'system', id: 'runway' },
      outcome: { status: 'applied' },
      version: 1,
    });
  });

  it('a result delivered three times at once is applied once and closes its effect once', async () => {
    const active = (await h.target()).active;
    expect(active?.waitingFor?.kind).toBe('deploy');
    const effectId = active?.waitingFor?.kind === 'deploy' ? active.waitingFor.effectId : '';
    const ready: RevisionReady = {
      type: 'revision.ready',
      id: `result:${effectId}`,
      targetId: CHECKOUT,
      rolloutId: rolloutIdOf(CHECKOUT, 'dup1'),
      effectId,
      revision: 'checkout-00002-dep',
      url: 'https://candidate---checkout-test.a.run.app',
      stableRevision: 'checkout-00001-old',
    };

    const results = await Promise.all([h.engine.handle(ready), h.engine.handle(ready), h.engine.handle(ready)]);

    expect(results.map((r) => r.status).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect((await h.target()).version).toBe(2);
    expect((await h.target()).active?.phase).toBe('verifying');
    const effect = (await h.effects()).find((e) => e.id === effectId);
    expect(effect).toMatchObject({ status: 'done', resultEventId: ready.id });
    expect((await logEntries()).filter((e) => e.eventId === ready.id)).toHaveLength(1);
  });

  it('keeps ids that are not valid document ids apart, and still recognises them', async () => {
    const command = (id: string): Command => ({
      type: 'command.approve',
      id,
      targetId: CHECKOUT,
      rolloutId: rolloutIdOf(CHECKOUT, 'dup1'),
      actor: { kind: 'user', id: 'U1', via: 'slack', roles: ['approver'] },
      reason: null,
    });
    const odd = ['slack/T1/..', '..', '__reserved__', 'a%2Fb', 'a/b'];
    const first = await Promise.all(odd.map((id) => h.engine.handle(command(id))));
    const again = await Promise.all(odd.map((id) => h.engine.handle(command(id))));

    // Nothing awaits approval (the rollout is verifying): refused, with the reason, and logged as such.
    expect(first.map((r) => r.status)).toEqual(odd.map(() => 'refused'));
    expect(first[0]?.message).toMatch(/nothing awaits approval/);
    expect(again.map((r) => r.status)).toEqual(odd.map(() => 'duplicate'));
    const logged = (await logEntries()).filter((e) => e.type === 'command.approve');
    expect(logged.map((e) => e.eventId as string).sort()).toEqual([...odd].sort());
    expect(logged.every((e) => (e.outcome as { status: string }).status === 'refused')).toBe(true);
  });
});
