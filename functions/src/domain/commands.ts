/**
 * People's commands. Each is checked against the phase (a command that makes no sense now is refused with the reason,
 * never silently applied) and the actor's roles in the target's environment.
 *
 * | command  | allowed in                                  | roles                           | reason required |
 * |----------|---------------------------------------------|---------------------------------|-----------------|
 * | approve  | awaiting_approval                           | the policy's approval roles     | no              |
 * | reject   | awaiting_approval                           | the policy's approval roles     | yes             |
 * | pause    | progressing                                 | deployer, approver              | no              |
 * | resume   | paused; or a failed rollout that halted its target | deployer, approver       | no              |
 * | promote  | progressing, paused (skips the remaining steps, never the approval gate) | deployer, approver | no |
 * | rollback | any active phase but rolling_back           | deployer, approver              | yes             |
 * | abort    | any active phase but rolling_back           | deployer, approver              | yes             |
 *
 * Admins may do everything. Where the environment has the four-eyes rule, the commit's author may not approve.
 */
import type { Command, CommandName } from './events.js';
import type { Outcome } from './decision.js';
import { describeActor, hasAnyRole } from './actor.js';
import type { Role } from './config/schema.js';
import type { ActiveRollout, Ending } from './rollout.js';
import type { Transition } from './transition.js';
import { assertNever } from './phase.js';
import { afterApproval, enterStep, canaryWeight, promoteOrAskFirst, startBake } from './flow.js';
import { startNext, stop } from './stopping.js';
import { fourEyesRefusal } from './fourEyes.js';

const OPERATOR_ROLES: readonly Role[] = ['deployer', 'approver'];
const REASON_REQUIRED: ReadonlySet<CommandName> = new Set(['reject', 'rollback', 'abort']);

const refused = (message: string): Outcome => ({ status: 'refused', message });
const applied = (message: string): Outcome => ({ status: 'applied', message });

/** Handles a command for a rollout that is active or queued on this target. */
export function onCommand(t: Transition, r: ActiveRollout, e: Command, name: CommandName): Outcome {
  const roles = name === 'approve' || name === 'reject' ? r.policy.approval.roles : OPERATOR_ROLES;
  if (!hasAnyRole(e.actor, roles)) {
    return refused(
      `${describeActor(e.actor)} may not ${name} in ${r.policy.environment}: needs one of ${[...roles, 'admin'].join(', ')}`,
    );
  }
  const reason = e.reason?.trim() ?? '';
  if (REASON_REQUIRED.has(name) && reason === '') return refused(`a reason is required to ${name}`);
  const by = `by ${describeActor(e.actor)}`;
  const ending = (cause: Ending['cause']): Ending => ({
    cause,
    reason: `${reason} (${by})`,
    actor: e.actor,
    at: t.now,
  });

  switch (name) {
    case 'approve':
    case 'reject': {
      if (r.phase !== 'awaiting_approval' || !r.approval)
        return refused(`nothing awaits approval: ${r.id} is ${r.phase}`);
      const ownRelease = name === 'approve' ? fourEyesRefusal(e.actor, r) : null;
      if (ownRelease) return refused(ownRelease);
      const decision = { approved: name === 'approve', actor: e.actor, at: t.now, reason: reason || null };
      if (name === 'approve') {
        afterApproval(t, { ...r, waitingFor: null }, { ...r.approval, decision });
        return applied(`${r.id} approved ${by}`);
      }
      stop(t, { ...r, approval: { ...r.approval, decision } }, ending('rejected'), 'rejected');
      return applied(`${r.id} rejected ${by}`);
    }
    case 'pause': {
      if (r.phase !== 'progressing') return refused(`only a progressing rollout can be paused: ${r.id} is ${r.phase}`);
      // A traffic change in flight stays awaited so its confirmation still updates the known split; timers and
      // analyses started before the pause become stale.
      const waitingFor = r.waitingFor?.kind === 'traffic' ? r.waitingFor : null;
      t.put({ ...r, phase: 'paused', waitingFor, pause: { actor: e.actor, reason: reason || 'paused', at: t.now } });
      return applied(`${r.id} paused ${by}`);
    }
    case 'resume':
      return resume(t, r, by);
    case 'promote':
      if (r.phase !== 'progressing' && r.phase !== 'paused') {
        return refused(`only a progressing or paused rollout can be promoted: ${r.id} is ${r.phase}`);
      }
      promoteOrAskFirst(t, { ...r, pause: null, waitingFor: null });
      return applied(`${r.id} promoted ${by}`);
    case 'rollback':
    case 'abort':
      if (r.phase === 'rolling_back') return refused(`${r.id} is already rolling back`);
      stop(t, r, ending(name === 'rollback' ? 'manual_rollback' : 'aborted'), 'rolled_back');
      return applied(`${r.id}: ${name} ${by}`);
    default:
      return assertNever(name, 'command');
  }
}

/**
 * Resume a paused rollout: the current step is baked afresh (its traffic re-applied if it never was, over a split a
 * person changed by hand if that is why it paused). A single-switch rollout (blue-green, immediate) that paused on such
 * a change goes on to its switch.
 */
function resume(t: Transition, r: ActiveRollout, by: string): Outcome {
  if (r.phase !== 'paused') return refused(`only a paused rollout can be resumed: ${r.id} is ${r.phase}`);
  const resumed: ActiveRollout = { ...r, phase: 'progressing', pause: null, extensions: 0 };
  if (r.step < 0 && r.splitChangedByHand !== null) {
    promoteOrAskFirst(t, { ...resumed, waitingFor: null });
  } else if (r.traffic.pending !== null) {
    t.put({ ...resumed, waitingFor: { kind: 'traffic', effectId: r.traffic.pending.effectId } });
  } else if (r.traffic.candidatePercent === canaryWeight(r, r.step)) {
    startBake(t, { ...resumed, stepStartedAt: t.now });
  } else {
    enterStep(t, resumed, r.step);
  }
  return applied(`${r.id} resumed ${by}`);
}

/** `resume` sent to the failed rollout that halted its target: a person has checked the service; the queue moves again. */
export function onResumeHalted(t: Transition, e: Command): Outcome {
  if (!hasAnyRole(e.actor, OPERATOR_ROLES)) {
    return refused(`${describeActor(e.actor)} may not resume ${e.targetId}: needs one of deployer, approver, admin`);
  }
  t.patchTarget({ halted: null });
  startNext(t);
  return applied(`${e.targetId} resumed by ${describeActor(e.actor)} after failed rollout ${e.rolloutId}`);
}
