/**
 * A dashboard request as the domain event the engine handles: a rollout action becomes `command.<action>`, a target
 * rollback `target.rollback`. The event's id is `dashboard:<uid>:<requestId>`: the same press of a button sent twice is
 * the same event, and the engine's dedupe answers the second one `duplicate`.
 */
import type { Actor } from '../../domain/actor.js';
import type { Command, TargetRollback } from '../../domain/events.js';
import { isRolloutAction } from '../../domain/permissions.js';
import type { ActionRequest } from './request.js';

/** The event id of a request by the user `uid`. */
export function dashboardEventId(uid: string, requestId: string): string {
  return `dashboard:${uid}:${requestId}`;
}

/** The event for a request, acted on by `actor` (a dashboard user with the roles the callable resolved). */
export function eventOfRequest(request: ActionRequest, actor: Actor & { kind: 'user' }): Command | TargetRollback {
  const id = dashboardEventId(actor.id, request.requestId);
  const { action } = request;
  if (isRolloutAction(action)) {
    return {
      type: `command.${action}`,
      id,
      targetId: request.targetId,
      rolloutId: request.rolloutId ?? '',
      actor,
      reason: request.reason,
    };
  }
  return {
    type: 'target.rollback',
    id,
    targetId: request.targetId,
    actor,
    reason: request.reason ?? '',
    toRevision: request.toRevision,
  };
}
