/**
 * A dashboard request as the domain event the engine handles: a rollout action becomes `command.<action>`, a target
 * rollback `target.rollback`. The event's id is `dashboard:<uid>:<requestId>`: the same press of a button sent twice is
 * the same event, and the engine's dedupe answers the second one `duplicate`.
 */
import type { Actor } from '../../domain/actor.js';
import type { Command, TargetFreeze, TargetRollback, TargetUnfreeze } from '../../domain/events.js';
import { assertNever } from '../../domain/phase.js';
import { isRolloutAction } from '../../domain/permissions.js';
import type { ActionRequest } from './request.js';

/** The event id of a request by the user `uid`. */
export function dashboardEventId(uid: string, requestId: string): string {
  return `dashboard:${uid}:${requestId}`;
}

/** The event for a request, acted on by `actor` (a dashboard user with the roles the callable resolved). */
export function eventOfRequest(
  request: ActionRequest,
  actor: Actor & { kind: 'user' },
): Command | TargetRollback | TargetFreeze | TargetUnfreeze {
  const id = dashboardEventId(actor.id, request.requestId);
  const { action, targetId } = request;
  if (isRolloutAction(action)) {
    return {
      type: `command.${action}`,
      id,
      targetId,
      rolloutId: request.rolloutId ?? '',
      actor,
      reason: request.reason,
    };
  }
  switch (action) {
    case 'rollbackTarget':
      return {
        type: 'target.rollback',
        id,
        targetId,
        actor,
        reason: request.reason ?? '',
        toRevision: request.toRevision,
      };
    case 'freeze':
      return { type: 'target.freeze', id, targetId, actor, reason: request.reason ?? '' };
    case 'unfreeze':
      return { type: 'target.unfreeze', id, targetId, actor, reason: request.reason };
    default:
      return assertNever(action, 'target action');
  }
}
