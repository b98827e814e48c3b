/**
 * Defects found while testing decide(), kept as regression tests. Each states the behaviour the domain documents (or that
 * safety requires).
 */
import { describe, expect, it } from 'vitest';
import { ACTORS, alertOpened, canaryPolicy, describeWork, driveTo, resultOf } from '../../support/domain-fixtures.js';
import { ROLLBACK, rollingBack } from './table.js';

describe('decide(): regressions', () => {
  it('an alert while already rolling back (nothing queued) leaves the rollback alone and says so', () => {
    // It once said "queued rollouts dropped" although none were. Now the only change is the incident's record, so that
    // its late duplicates and its close are recognised.
    const sim = rollingBack();
    const before = sim.state;
    const decision = sim.send(alertOpened('incident-2'));
    expect(decision.outcome).toEqual({
      status: 'applied',
      message: 'incident incident-2: checkout.production@b1 is already rolling back',
    });
    expect(decision.effects).toMatchObject([{ type: 'events.publish', eventType: 'runway.incident.opened' }]);
    expect(decision.state.active).toEqual(before.active);
    expect(decision.state.incidents[0]).toMatchObject({ incidentId: 'incident-2', state: 'open', action: 'none' });
  });

  it('a traffic change applied after a newer one replaced it is still rolled back when the newer one fails', () => {
    // Step 1 asks Cloud Run for 10%; before that is confirmed, a person promotes (100% asked). Cloud Run applies the 10%
    // (its confirmation is now stale and dropped), then the promotion fails. The rollout believes the candidate never
    // had traffic and ends `aborted` without a rollback, while Cloud Run still sends 10% of users to the candidate.
    const sim = driveTo('progressing:traffic');
    const stepTraffic = sim.awaited();
    sim.command('promote', ACTORS.deployer);
    const promotion = sim.awaited();
    sim.send(resultOf(stepTraffic, true)); // Cloud Run now sends 10% to the candidate
    const failed = sim.send(resultOf(promotion, false));
    expect(sim.rollout('checkout.production@b1').phase).toBe('rolling_back');
    expect(describeWork(failed, sim.now)).toEqual(ROLLBACK);
  });

  it('the change last asked for failing while an approval gate is open stops the rollout, as it does everywhere else', () => {
    // One canary step, a gate before promotion. A person promotes while step 1's traffic is unconfirmed: the gate opens
    // (the rollout waits for the approval timer) and that change is still the one pending. Cloud Run then refuses it.
    // onTrafficFailed takes "not what the rollout waits for" to mean "an earlier change a newer one replaced": it forgets
    // the failure ("an earlier traffic change failed") and the rollout keeps waiting for an approval, whereas the same
    // failure stops the rollout in every other phase (traffic_failed).
    const policy = canaryPolicy({ strategy: { canary: { steps: [{ weight: 10 }] } }, approval: { required: true } });
    const sim = driveTo('progressing:traffic', { policy });
    const stepTraffic = sim.awaited();
    sim.command('promote', ACTORS.deployer);
    expect(sim.active).toMatchObject({
      phase: 'awaiting_approval',
      traffic: { pending: { effectId: stepTraffic.id } },
    });
    const d = sim.send(resultOf(stepTraffic, false, { reason: 'revision cannot serve' }));
    expect(d.outcome.message).toMatch(/traffic change failed/);
    expect(d.rollouts).toMatchObject([{ phase: 'aborted', ending: { cause: 'traffic_failed' } }]);
  });
});
