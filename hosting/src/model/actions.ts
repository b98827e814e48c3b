/**
 * The controls a person sees on a rollout or a target: which actions make sense in its phase, whether this person's
 * roles allow them (and if not, which role would), and which need a reason and a confirmation. Pure. The engine
 * decides in the end: a button shown here may still be refused, with the reason, if the rollout moved on meanwhile.
 */
import type { Role } from '../../../functions/src/domain/config/schema.js';
import { assertNever, isTerminal, type Phase } from '../../../functions/src/domain/phase.js';
import { isDestructive, mayTake, rolesFor, type DashboardAction } from '../../../functions/src/domain/permissions.js';
import type { Rollout, TargetState } from '../../../functions/src/domain/rollout.js';

/** One control. */
export interface ActionView {
  readonly action: DashboardAction;
  readonly label: string;
  /** Whether this person may take it. */
  readonly allowed: boolean;
  /** Why not, when not allowed. */
  readonly why: string | null;
  /** Needs a reason and a confirmation. */
  readonly destructive: boolean;
  /** Asks for a confirmation (destructive ones, and promote: it skips the remaining steps). */
  readonly confirm: boolean;
}

const LABELS: Readonly<Record<DashboardAction, string>> = {
  approve: 'Approve',
  reject: 'Reject',
  pause: 'Pause',
  resume: 'Resume',
  promote: 'Promote now',
  rollback: 'Roll back',
  abort: 'Abort',
  rollbackTarget: 'Roll back release',
  freeze: 'Freeze',
  unfreeze: 'Unfreeze',
};

/** The rollout actions that make sense in a phase (the domain's rules, commands.ts). */
export function actionsInPhase(phase: Phase, haltsTarget: boolean): DashboardAction[] {
  if (isTerminal(phase)) return phase === 'failed' && haltsTarget ? ['resume'] : [];
  switch (phase) {
    case 'awaiting_approval':
      return ['approve', 'reject', 'rollback'];
    case 'progressing':
      return ['pause', 'promote', 'rollback'];
    case 'paused':
      return ['resume', 'promote', 'rollback'];
    case 'queued':
    case 'deploying':
    case 'verifying':
      return ['abort'];
    case 'promoted':
      return ['rollback'];
    case 'rolling_back':
      return [];
    default:
      return assertNever(phase, 'phase');
  }
}

function view(action: DashboardAction, roles: readonly Role[], approvalRoles: readonly Role[]): ActionView {
  const allowed = mayTake(roles, action, approvalRoles);
  const needed = [...rolesFor(action, approvalRoles), 'admin'];
  return {
    action,
    label: LABELS[action],
    allowed,
    why: allowed ? null : `needs one of: ${needed.join(', ')}`,
    destructive: isDestructive(action),
    confirm: isDestructive(action) || action === 'promote',
  };
}

/** The controls of a rollout, for a person holding `roles` in its environment. */
export function rolloutActions(
  r: Pick<Rollout, 'id' | 'phase' | 'policy'>,
  target: Pick<TargetState, 'halted'> | null,
  roles: readonly Role[],
): ActionView[] {
  const halts = target?.halted?.rolloutId === r.id;
  return actionsInPhase(r.phase, halts).map((action) => view(action, roles, r.policy.approval.roles));
}

/**
 * The target's own controls: roll its current release back, when no rollout is in flight and one was released; and
 * freeze it, or unfreeze it when it is frozen.
 */
export function targetActions(
  target: Pick<TargetState, 'active' | 'stable' | 'releases' | 'frozen'>,
  roles: readonly Role[],
): ActionView[] {
  const rollback =
    target.active !== null || target.stable === null || target.releases.length === 0
      ? []
      : [view('rollbackTarget', roles, [])];
  return [...rollback, view(target.frozen ? 'unfreeze' : 'freeze', roles, [])];
}
