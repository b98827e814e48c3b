/**
 * Freezing an environment: `freeze ENV REASON` becomes one `target.freeze` event per target of the environment. A frozen
 * target queues every new rollout (and says so) and starts none; the rollout in flight goes on, and can still be
 * rolled back. `unfreeze` lifts it and starts the oldest queued rollout.
 *
 * Freezing takes a deployer or an approver (stopping releases is always safe); unfreezing takes an approver, since it
 * lets releases go on. Admins may do both.
 */
import { describeActor, hasAnyRole } from './actor.js';
import type { Role } from './config/schema.js';
import type { Outcome } from './decision.js';
import type { TargetFreeze, TargetUnfreeze } from './events.js';
import { startNext } from './stopping.js';
import type { Transition } from './transition.js';

/** Who may freeze. */
export const FREEZE_ROLES: readonly Role[] = ['deployer', 'approver'];
/** Who may unfreeze. */
export const UNFREEZE_ROLES: readonly Role[] = ['approver'];

const refused = (message: string): Outcome => ({ status: 'refused', message });

/** `target.freeze`. */
export function onFreeze(t: Transition, e: TargetFreeze): Outcome {
  const policy = t.policy;
  if (!policy) return refused(`target ${e.targetId} is not in runway.yaml`);
  if (!hasAnyRole(e.actor, FREEZE_ROLES)) return refused(mayNot(e, 'freeze', policy.environment, FREEZE_ROLES));
  const reason = e.reason.trim();
  if (reason === '') return refused('a reason is required to freeze');
  const frozen = t.state.frozen;
  if (frozen) return { status: 'ignored', message: `${e.targetId} is already frozen (${frozen.reason})` };
  t.patchTarget({ frozen: { reason, actor: e.actor, at: t.now } });
  return { status: 'applied', message: `${e.targetId} frozen by ${describeActor(e.actor)}: ${reason}` };
}

/** `target.unfreeze`. */
export function onUnfreeze(t: Transition, e: TargetUnfreeze): Outcome {
  const policy = t.policy;
  if (!policy) return refused(`target ${e.targetId} is not in runway.yaml`);
  if (!hasAnyRole(e.actor, UNFREEZE_ROLES)) return refused(mayNot(e, 'unfreeze', policy.environment, UNFREEZE_ROLES));
  if (!t.state.frozen) return { status: 'ignored', message: `${e.targetId} is not frozen` };
  t.patchTarget({ frozen: null });
  const waiting = t.state.queue[0];
  startNext(t);
  const started = waiting && t.state.active?.id === waiting.id ? `; ${waiting.id} starts` : '';
  return { status: 'applied', message: `${e.targetId} unfrozen by ${describeActor(e.actor)}${started}` };
}

function mayNot(e: TargetFreeze | TargetUnfreeze, what: string, environment: string, roles: readonly Role[]): string {
  return `${describeActor(e.actor)} may not ${what} ${environment}: needs one of ${[...roles, 'admin'].join(', ')}`;
}
