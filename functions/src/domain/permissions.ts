/**
 * What people may do from the dashboard, and which roles each action needs: the table the callable `rolloutAction`
 * checks before it answers (to choose its error), and the dashboard uses to show who may press which button.
 *
 * The domain decides: every action still goes through the engine, whose commands (commands.ts, targetRollback.ts)
 * check the same roles and refuse, audited, whatever this table would let through. A unit test holds the two to the
 * same answers for every action and role.
 */
import type { Role } from './config/schema.js';
import { COMMANDS, type CommandName } from './events.js';
import { FREEZE_ROLES, UNFREEZE_ROLES } from './freeze.js';

/** Actions on one rollout: the domain's commands. */
export const ROLLOUT_ACTIONS = COMMANDS;

/**
 * Actions on a target: `rollbackTarget` (roll it back: `target.rollback`), `freeze` and `unfreeze`
 * (`target.freeze` / `target.unfreeze`: new rollouts queue until it is unfrozen).
 */
export const TARGET_ACTIONS = ['rollbackTarget', 'freeze', 'unfreeze'] as const;
export type TargetAction = (typeof TARGET_ACTIONS)[number];

/** Every dashboard action: the rollout commands and the target actions. */
export const DASHBOARD_ACTIONS = [...COMMANDS, ...TARGET_ACTIONS] as const;
export type DashboardAction = (typeof DASHBOARD_ACTIONS)[number];

/** Who may operate a rollout (pause, resume, promote, roll back, abort) or roll a target back. */
export const OPERATOR_ROLES: readonly Role[] = ['deployer', 'approver'];

/** Actions that undo or refuse something: they need a reason (for the audit trail) and a confirmation. */
const DESTRUCTIVE: ReadonlySet<DashboardAction> = new Set(['reject', 'rollback', 'abort', 'rollbackTarget', 'freeze']);

/** True for an action name the dashboard knows. */
export function isDashboardAction(value: unknown): value is DashboardAction {
  return typeof value === 'string' && (DASHBOARD_ACTIONS as readonly string[]).includes(value);
}

/** True for an action on a rollout (a command), false for one on the target. */
export function isRolloutAction(action: DashboardAction): action is CommandName {
  return !(TARGET_ACTIONS as readonly string[]).includes(action);
}

/** True if the action needs a reason and a confirmation. */
export function isDestructive(action: DashboardAction): boolean {
  return DESTRUCTIVE.has(action);
}

/**
 * The roles that allow `action` (admin always may, and is not listed): the policy's approval roles for approve and
 * reject, freeze.ts's for freezing and unfreezing, the operator roles for everything else.
 */
export function rolesFor(action: DashboardAction, approvalRoles: readonly Role[]): readonly Role[] {
  switch (action) {
    case 'approve':
    case 'reject':
      return approvalRoles;
    case 'freeze':
      return FREEZE_ROLES;
    case 'unfreeze':
      return UNFREEZE_ROLES;
    default:
      return OPERATOR_ROLES;
  }
}

/** True if someone holding `roles` may take `action`. */
export function mayTake(roles: readonly Role[], action: DashboardAction, approvalRoles: readonly Role[]): boolean {
  if (roles.includes('admin')) return true;
  const needed = rolesFor(action, approvalRoles);
  return roles.some((role) => needed.includes(role));
}
