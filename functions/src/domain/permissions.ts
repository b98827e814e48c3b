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

/** Actions on one rollout: the domain's commands. */
export const ROLLOUT_ACTIONS = COMMANDS;

/** Every dashboard action: the rollout commands, and `rollbackTarget` (roll the target back: `target.rollback`). */
export const DASHBOARD_ACTIONS = [...COMMANDS, 'rollbackTarget'] as const;
export type DashboardAction = (typeof DASHBOARD_ACTIONS)[number];

/** Who may operate a rollout (pause, resume, promote, roll back, abort) or roll a target back. */
export const OPERATOR_ROLES: readonly Role[] = ['deployer', 'approver'];

/** Actions that undo or refuse something: they need a reason (for the audit trail) and a confirmation. */
const DESTRUCTIVE: ReadonlySet<DashboardAction> = new Set(['reject', 'rollback', 'abort', 'rollbackTarget']);

/** True for an action name the dashboard knows. */
export function isDashboardAction(value: unknown): value is DashboardAction {
  return typeof value === 'string' && (DASHBOARD_ACTIONS as readonly string[]).includes(value);
}

/** True for an action on a rollout (a command), false for one on the target. */
export function isRolloutAction(action: DashboardAction): action is CommandName {
  return action !== 'rollbackTarget';
}

/** True if the action needs a reason and a confirmation. */
export function isDestructive(action: DashboardAction): boolean {
  return DESTRUCTIVE.has(action);
}

/**
 * The roles that allow `action` (admin always may, and is not listed): the policy's approval roles for approve and
 * reject, the operator roles for everything else.
 */
export function rolesFor(action: DashboardAction, approvalRoles: readonly Role[]): readonly Role[] {
  return action === 'approve' || action === 'reject' ? approvalRoles : OPERATOR_ROLES;
}

/** True if someone holding `roles` may take `action`. */
export function mayTake(roles: readonly Role[], action: DashboardAction, approvalRoles: readonly Role[]): boolean {
  if (roles.includes('admin')) return true;
  const needed = rolesFor(action, approvalRoles);
  return roles.some((role) => needed.includes(role));
}
