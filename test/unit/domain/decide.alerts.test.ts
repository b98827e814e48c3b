/**
 * decide() and Cloud Monitoring incidents: only the first notification of an incident's opening acts, wherever the
 * rollout is; a late open after its close acts not at all; outside a rollout and its guard window an incident notifies,
 * or, under `rollbackOnAlert: always`, reverts a young release to the previous good revision. Every stop records its
 * trigger and how long it took from receiving the trigger to traffic back on the stable revision.
 */
import { describe, expect, it } from 'vitest';
import type { AlertOpened } from '../../../functions/src/domain/events.js';
import {
  alertClosed,
  alertOpened,
  canaryPolicy,
  describeWork,
  driveTo,
  STABLE_REVISION,
  type Sim,
} from '../../support/domain-fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** An incident's open notification, received `receivedAt` (default: when handled). */
function opened(incidentId: string, receivedAt: number | null = null, messageId = ''): AlertOpened {
  return { ...alertOpened(incidentId), id: `alert:${incidentId}:open${messageId}`, receivedAt };
}

/** b1 promoted and succeeded under `patch`; the guard window is over. */
function released(patch: Record<string, unknown> = {}): Sim {
  const sim = driveTo('promoted:guard', { policy: canaryPolicy(patch) });
  sim.answer(); // the guard window passes
  return sim;
}

describe('decide(): an incident opening', () => {
  it('during a canary step rolls back at once, recording the trigger and its timing', () => {
    const sim = driveTo('progressing:baking');
    const receivedAt = sim.now + 200;
    const d = sim.send(opened('inc-1', receivedAt), receivedAt + 50);

    expect(d.outcome.message).toBe('incident inc-1 rolls back checkout.production@b1');
    expect(describeWork(d, sim.now)).toEqual(['traffic rollback stable=100']);
    expect(sim.active.stop).toEqual({
      trigger: 'incident',
      actor: { kind: 'system', id: 'runway' },
      reason: 'alert "checkout 5xx": 5xx ratio above 2% for 1 minute',
      receivedAt,
      toRevision: STABLE_REVISION,
      appliedAt: null,
      durationMs: null,
    });
    expect(d.state.incidents).toEqual([
      {
        incidentId: 'inc-1',
        policy: 'checkout 5xx',
        state: 'open',
        openedAt: receivedAt,
        closedAt: null,
        action: 'rolled_back',
        rolloutId: 'checkout.production@b1',
      },
    ]);

    sim.answer(); // Cloud Run confirms 100% on stable
    const done = sim.rollout('checkout.production@b1');
    expect(done.phase).toBe('rolled_back');
    expect(done.stop).toMatchObject({ appliedAt: sim.now, durationMs: sim.now - receivedAt });
  });

  it.each(['approval:beforeFirstTraffic', 'approval:beforePromotion', 'deploying', 'promoted:guard'] as const)(
    'acts from %s',
    (stage) => {
      const approval = { approval: { required: true, stage: stage.split(':')[1] ?? 'beforePromotion' } };
      const sim = driveTo(stage, { policy: canaryPolicy(stage.startsWith('approval') ? approval : {}) });
      const d = sim.send(opened('inc-1'));
      const phase = sim.rollout('checkout.production@b1').phase;
      // With no user traffic yet there is nothing to undo; with some, traffic goes back to stable.
      expect(phase).toBe(stage === 'deploying' || stage === 'approval:beforeFirstTraffic' ? 'aborted' : 'rolling_back');
      expect(d.state.incidents[0]?.action).toBe('rolled_back');
    },
  );

  it('after promotion, within the guard window, returns to the previous revision', () => {
    const sim = driveTo('promoted:guard');
    const d = sim.send(opened('inc-1'));
    expect(describeWork(d, sim.now)).toEqual(['traffic rollback stable=100']);
    expect(sim.active.stableRevision).toBe(STABLE_REVISION);
  });

  it('twice (another message, the same incident) acts once', () => {
    const sim = driveTo('progressing:baking');
    sim.send(opened('inc-1', null, '#1'));
    const before = sim.state;
    const again = sim.send(opened('inc-1', null, '#2'));
    expect(again.outcome).toEqual({ status: 'ignored', message: 'incident inc-1 was seen before (open)' });
    expect(again.state).toBe(before);
  });

  it('after its close was received (out of order) changes nothing', () => {
    const sim = driveTo('progressing:baking');
    const closed = sim.send(alertClosed('inc-1'));
    expect(closed.outcome.message).toBe('incident inc-1 closed before its open was received');
    const late = sim.send(opened('inc-1'));
    expect(late.outcome).toEqual({ status: 'ignored', message: 'incident inc-1 was seen before (closed)' });
    expect(sim.active.phase).toBe('progressing');
  });

  it('outside a rollout and its guard window only notifies, by default', () => {
    const sim = released();
    const d = sim.send(opened('inc-1'));
    expect(d.outcome.message).toBe('incident inc-1 noted: no rollout to roll back');
    expect(describeWork(d, sim.now)).toEqual([]);
    expect(d.effects).toMatchObject([
      { type: 'events.publish', eventType: 'runway.incident.opened', rolloutId: null },
      { type: 'notify', topic: 'alert.opened', severity: 'warning' },
    ]);
    expect(d.state.incidents[0]?.action).toBe('notified');
  });
});

describe('decide(): rollbackOnAlert: always', () => {
  const ALWAYS = { rollback: { guardWindow: '10m', rollbackOnAlert: 'always', revertWithin: '2h' } };

  it('reverts a release younger than revertWithin to the previous good revision', () => {
    const sim = released(ALWAYS);
    const released1 = sim.state.stable?.revision ?? '';
    const d = sim.send(opened('inc-1'), sim.now + HOUR);

    expect(d.outcome.message).toBe(`incident inc-1 reverts ${released1} to ${STABLE_REVISION}`);
    expect(describeWork(d, sim.now)).toEqual(['traffic rollback stable=100']);
    const revert = sim.active;
    expect(revert).toMatchObject({
      kind: 'revert',
      phase: 'rolling_back',
      candidate: { revision: released1 },
      stableRevision: STABLE_REVISION,
    });
    expect(revert.stop?.trigger).toBe('incident');
    expect(d.state.incidents[0]).toMatchObject({ action: 'reverted', rolloutId: revert.id });

    sim.answer(); // Cloud Run confirms
    expect(sim.rollout(revert.id).phase).toBe('rolled_back');
    expect(sim.state.stable?.revision).toBe(STABLE_REVISION);
    expect(sim.state.releases[0]).toMatchObject({
      kind: 'revert',
      revision: STABLE_REVISION,
      fromRevision: released1,
      becameStable: true,
      outcome: 'rolled_back',
    });
  });

  it('leaves an older release alone and notifies', () => {
    const sim = released(ALWAYS);
    const d = sim.send(opened('inc-1'), sim.now + 3 * HOUR);
    expect(d.outcome.message).toBe('incident inc-1 noted: no rollout to roll back');
    expect(sim.state.active).toBeNull();
  });

  it('does nothing more for the same incident reported again while the revert runs', () => {
    const sim = released(ALWAYS);
    sim.send(opened('inc-1', null, '#1'));
    expect(sim.send(opened('inc-1', null, '#2')).outcome.status).toBe('ignored');
  });
});
