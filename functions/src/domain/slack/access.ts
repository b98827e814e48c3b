/**
 * Who holds which role: runway.yaml's `access` maps Slack users (`U…`), user groups (`S…`) and `everyone` to the roles
 * viewer, deployer, approver and admin, per environment. Pure: the adapter finds the user's groups.
 */
import type { Actor } from '../actor.js';
import { hasAnyRole } from '../actor.js';
import { EVERYONE, type EnvironmentAccess } from '../config/people.js';
import { ROLES, type Role } from '../config/schema.js';

/** The roles `userId`, a member of `groupIds`, holds under `access`, in the order viewer, deployer, approver, admin. */
export function rolesOf(access: EnvironmentAccess, userId: string, groupIds: ReadonlySet<string>): Role[] {
  return ROLES.filter((role) => access.roles[role].some((p) => p === EVERYONE || p === userId || groupIds.has(p)));
}

/** The user groups `access` names (whose members the adapter must look up). */
export function groupsNamed(accesses: readonly EnvironmentAccess[]): string[] {
  const groups = new Set<string>();
  for (const access of accesses) {
    for (const role of ROLES) for (const p of access.roles[role]) if (p.startsWith('S')) groups.add(p);
  }
  return [...groups].sort();
}

/** Roles that may look: any role at all. */
export const VIEW_ROLES: readonly Role[] = ['viewer', 'deployer', 'approver'];

/** True if the actor may see status and history. */
export function mayView(actor: Actor): boolean {
  return hasAnyRole(actor, VIEW_ROLES);
}
