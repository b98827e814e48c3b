/**
 * The dashboard's request to the callable `rolloutAction`, validated at the edge:
 *
 * ```json
 * { "action": "approve", "targetId": "checkout.production", "rolloutId": "checkout.production@b-123",
 *   "reason": "looks good", "requestId": "5b0c…" }
 * ```
 *
 * `rolloutId` is required for the rollout actions (the domain's commands), `toRevision` is allowed only for
 * `rollbackTarget`; `requestId` is the dashboard's id for one press of a button (the same on a retry), from which the
 * event's id is made, so a retried call is recognised as a duplicate and changes nothing twice.
 */
import { z } from 'zod';
import { DASHBOARD_ACTIONS, isRolloutAction, type DashboardAction } from '../../domain/permissions.js';
import { targetIdOfRollout } from '../../domain/rollout.js';
import { describeIssues } from '../wire/issues.js';

/** The longest reason kept in the audit trail. */
export const MAX_REASON_LENGTH = 500;

const TARGET_ID = /^[a-z][a-z0-9-]{0,39}\.[a-z][a-z0-9-]{0,39}$/;

const requestSchema = z.strictObject({
  action: z.enum(DASHBOARD_ACTIONS, { error: `must be one of ${DASHBOARD_ACTIONS.join(', ')}` }),
  targetId: z.string().regex(TARGET_ID, { error: 'must be a target id such as checkout.production' }),
  rolloutId: z.string().min(1).max(300).optional(),
  reason: z
    .string()
    .max(MAX_REASON_LENGTH, { error: `must be at most ${MAX_REASON_LENGTH} characters` })
    .optional(),
  toRevision: z.string().min(1).max(200).optional(),
  requestId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, { error: 'must be 8–64 letters, digits or dashes' }),
});

/** A valid request. */
export interface ActionRequest {
  readonly action: DashboardAction;
  readonly targetId: string;
  /** Set for the rollout actions. */
  readonly rolloutId: string | null;
  /** Trimmed; null when none was given. */
  readonly reason: string | null;
  /** Only for `rollbackTarget`. */
  readonly toRevision: string | null;
  readonly requestId: string;
}

export type ParsedRequest =
  { readonly ok: true; readonly request: ActionRequest } | { readonly ok: false; readonly reason: string };

/** Validates the callable's `data`. */
export function parseActionRequest(data: unknown): ParsedRequest {
  const parsed = requestSchema.safeParse(data ?? {});
  if (!parsed.success) return { ok: false, reason: describeIssues('', parsed.error) };
  const { action, targetId, rolloutId, reason, toRevision, requestId } = parsed.data;
  if (isRolloutAction(action)) {
    if (rolloutId === undefined) return { ok: false, reason: `rolloutId: is required to ${action}` };
    if (targetIdOfRollout(rolloutId) !== targetId) {
      return { ok: false, reason: `rolloutId: ${rolloutId} is not a rollout of ${targetId}` };
    }
    if (toRevision !== undefined) return { ok: false, reason: 'toRevision: only rollbackTarget takes a revision' };
  } else if (rolloutId !== undefined) {
    return { ok: false, reason: `rolloutId: ${action} is about the target, not a rollout` };
  } else if (toRevision !== undefined && action !== 'rollbackTarget') {
    return { ok: false, reason: 'toRevision: only rollbackTarget takes a revision' };
  }
  const trimmed = reason?.trim() ?? '';
  return {
    ok: true,
    request: {
      action,
      targetId,
      rolloutId: rolloutId ?? null,
      reason: trimmed === '' ? null : trimmed,
      toRevision: toRevision ?? null,
      requestId,
    },
  };
}
