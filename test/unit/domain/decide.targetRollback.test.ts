/**
 * decide() and a person's `rollback TARGET [--to REVISION] --reason`: the active rollout is rolled back at once, skipping
 * its remaining steps and analyses; with none, the release serving now is reverted to the previous good revision or a
 * named one. Refused, changing nothing, without the role, the reason or a revision to go back to.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../functions/src/domain/actor.js';
import type { TargetRollback } from '../../../functions/src/domain/events.js';
import { ACTORS, describeWork, driveTo, FAILING, Sim, STABLE_REVISION } from '../../support/domain-fixtures.js';

let serial = 0;
function rollback(actor: Actor, reason = 'checkout is broken', toRevision: string | null = null): TargetRollback {
  serial += 1;
  return { type: 'target.rollback', id: `cli:${serial}`, targetId: 'checkout.production', actor, reason, toRevision };
}

/** b1 released, then b2 released: two revisions of history on top of the original stable one. */
function twoReleases(): { sim: Sim; first: string; second: string } {
  const sim = driveTo('promoted:guard');
  sim.answer();
  const first = sim.state.stable?.revision ?? '';
  sim.build();
  sim.runToEnd();
  return { sim, first, second: sim.state.stable?.revision ?? '' };
}

describe('decide(): rolling a target back with a rollout in flight', () => {
  it('rolls it back at once, skipping the remaining steps, and drops the queue', () => {
    const sim = driveTo('progressing:baking');
    sim.build(); // b2 queued
    const d = sim.send(rollback(ACTORS.deployer));

    expect(d.outcome).toEqual({
      status: 'applied',
      message: 'checkout.production@b1: rolled back by dana (slack); 1 queued dropped',
    });
    expect(describeWork(d, sim.now)).toEqual(['traffic rollback stable=100']);
    expect(sim.rollout('checkout.production@b2').phase).toBe('aborted');
    expect(sim.active.stop).toMatchObject({ trigger: 'person', actor: ACTORS.deployer, toRevision: STABLE_REVISION });
    sim.answer();
    expect(sim.rollout('checkout.production@b1')).toMatchObject({
      phase: 'rolled_back',
      ending: { cause: 'manual_rollback', reason: 'checkout is broken (by dana (slack))' },
    });
  });

  it('refuses --to another revision than the one the rollout returns to', () => {
    const sim = driveTo('progressing:baking');
    const d = sim.send(rollback(ACTORS.deployer, 'broken', 'checkout-00000-ancient'));
    expect(d.outcome.status).toBe('refused');
    expect(d.outcome.message).toMatch(/is in flight and rolls back to checkout-00001-old; roll it back first/);
  });

  it('refuses while it is already rolling back', () => {
    const sim = driveTo('progressing:analysing');
    sim.answer(true, { metrics: FAILING });
    expect(sim.send(rollback(ACTORS.deployer)).outcome).toMatchObject({
      status: 'refused',
      message: 'checkout.production@b1 is already rolling back',
    });
  });
});

describe('decide(): rolling a target back with nothing in flight (a revert)', () => {
  it('returns to the previous good revision and records it in the release history', () => {
    const { sim, first, second } = twoReleases();
    const d = sim.send(rollback(ACTORS.admin));
    expect(describeWork(d, sim.now)).toEqual(['traffic rollback stable=100']);
    expect(sim.active).toMatchObject({ kind: 'revert', candidate: { revision: second }, stableRevision: first });
    sim.answer();
    expect(sim.state.stable?.revision).toBe(first);
    expect(sim.state.releases.map((r) => [r.kind, r.revision, r.outcome])).toEqual([
      ['revert', first, 'rolled_back'],
      ['release', second, 'succeeded'],
      ['release', first, 'succeeded'],
    ]);
  });

  it('a second rollback goes further back, never to the revision a revert left', () => {
    const { sim, first } = twoReleases();
    sim.send(rollback(ACTORS.admin));
    sim.answer(); // back on `first`
    sim.send(rollback(ACTORS.admin));
    expect(sim.active).toMatchObject({ candidate: { revision: first }, stableRevision: STABLE_REVISION });
  });

  it('goes to a named revision', () => {
    const { sim, second } = twoReleases();
    sim.send(rollback(ACTORS.deployer, 'known good', 'checkout-00000-ancient'));
    expect(sim.active).toMatchObject({ candidate: { revision: second }, stableRevision: 'checkout-00000-ancient' });
  });

  it('lifts a halt left by a failed rollback once the revert is confirmed', () => {
    const sim = driveTo('progressing:analysing');
    sim.answer(true, { metrics: FAILING });
    sim.answer(false); // the rollback's traffic change fails: failed, target halted
    expect(sim.state.halted).not.toBeNull();
    sim.send(rollback(ACTORS.admin, 'putting stable back by hand', STABLE_REVISION + '-x'));
    sim.answer();
    expect(sim.state.halted).toBeNull();
  });

  it.each<[string, () => Sim, TargetRollback, RegExp]>([
    ['without a role', () => twoReleases().sim, rollback(ACTORS.viewer), /may not roll back in production/],
    ['without a reason', () => twoReleases().sim, rollback(ACTORS.deployer, '  '), /a reason is required/],
    [
      'with no previous good revision known',
      () => new Sim(),
      rollback(ACTORS.deployer),
      /no previous good revision of checkout.production is known.*name one with --to/,
    ],
    [
      'to the revision serving now',
      () => new Sim(),
      rollback(ACTORS.deployer, 'why not', STABLE_REVISION),
      /checkout-00001-old already serves checkout.production/,
    ],
    [
      'before Runway knows the service',
      () => new Sim({ stable: null }),
      rollback(ACTORS.deployer),
      /has not deployed checkout.production yet/,
    ],
  ])('is refused %s, changing nothing', (_name, given, event, message) => {
    const sim = given();
    const before = sim.state;
    const d = sim.send(event);
    expect(d.outcome.status).toBe('refused');
    expect(d.outcome.message).toMatch(message);
    expect(d.state).toBe(before);
    expect(d.effects).toEqual([]);
  });
});
