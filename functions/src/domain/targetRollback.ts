/**
 * A person's `rollback TARGET [--to REVISION]`. First match wins:
 * 1. refused without a deployer, approver or admin role, or without a reason;
 * 2. a rollout is active: it is rolled back to its stable revision, skipping every remaining step and analysis, and the
 *    rollouts queued behind it are dropped (a person who rolls back does not want the next build to roll forward on its
 *    own); `--to` may only name that stable revision; one already rolling back is refused;
 * 3. no rollout is active: the release serving now is reverted to `--to` or, without it, to the previous good revision
 *    from the release history; refused when none is known, or when that revision already serves.
 */
import { describeActor, hasAnyRole } from './actor.js';
import type { Role } from './config/schema.js';
import type { Outcome } from './decision.js';
import type { TargetRollback } from './events.js';
import { previousGoodRevision } from './history.js';
import { revertIdOf, startRevert } from './revert.js';
import type { Ending } from './rollout.js';
import { stop } from './stopping.js';
import type { Transition } from './transition.js';

const ROLES: readonly Role[] = ['deployer', 'approver'];

const refused = (message: string): Outcome => ({ status: 'refused', message });
const applied = (message: string): Outcome => ({ status: 'applied', message });

export function onTargetRollback(t: Transition, e: TargetRollback): Outcome {
  const policy = t.policy;
  if (!policy) return refused(`target ${e.targetId} is not in runway.yaml`);
  if (!hasAnyRole(e.actor, ROLES)) {
    return refused(
      `${describeActor(e.actor)} may not roll back in ${policy.environment}: needs one of ${[...ROLES, 'admin'].join(', ')}`,
    );
  }
  const reason = e.reason.trim();
  if (reason === '') return refused('a reason is required to roll back');
  const by = `by ${describeActor(e.actor)}`;
  const ending: Ending = { cause: 'manual_rollback', reason: `${reason} (${by})`, actor: e.actor, at: t.now };

  const { active, queue } = t.state;
  if (active) {
    if (active.phase === 'rolling_back') return refused(`${active.id} is already rolling back`);
    if (e.toRevision !== null && e.toRevision !== active.stableRevision) {
      return refused(
        `${active.id} is in flight and rolls back to ${active.stableRevision ?? 'no revision'}; ` +
          `roll it back first, then roll the target back to ${e.toRevision}`,
      );
    }
    for (const queued of queue) t.finish({ ...queued, phase: 'aborted', ending });
    stop(t, active, ending, 'rolled_back');
    return applied(`${active.id}: rolled back ${by}${queue.length > 0 ? `; ${queue.length} queued dropped` : ''}`);
  }

  const stable = t.state.stable;
  if (stable === null) return refused(`Runway has not deployed ${e.targetId} yet: it knows no revision to return to`);
  const to = e.toRevision === null ? previousGoodRevision(t.state) : { revision: e.toRevision };
  if (to === null) {
    return refused(
      `no previous good revision of ${e.targetId} is known (its release history has none before ${stable.revision}): ` +
        'name one with --to',
    );
  }
  if (to.revision === stable.revision) return refused(`${to.revision} already serves ${e.targetId}`);
  for (const queued of queue) t.finish({ ...queued, phase: 'aborted', ending });
  const revert = startRevert(t, policy, revertIdOf(e.targetId, e.id), to, ending);
  return applied(`${revert.id}: ${stable.revision} → ${to.revision} ${by}`);
}
