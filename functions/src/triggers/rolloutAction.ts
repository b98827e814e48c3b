/**
 * `rolloutAction`: the dashboard's controls, a callable function. A signed-in person asks to approve, reject, pause,
 * resume, promote, roll back or abort a rollout, or to roll a target back; the request becomes the domain's command and
 * goes through the engine like a Slack or CLI command, so it is checked against the phase and the person's roles and
 * written to the target's audit log with the person, the channel (`dashboard`) and the reason, taken or refused.
 *
 * Roles come from the caller's Firebase Auth custom claims (claims.ts), read from the user record at each call rather
 * than from the ID token, which may be an hour old: a role revoked with `runway users revoke` stops working at once.
 *
 * Answers: the outcome (`applied`, `ignored`, or `duplicate` for a request already handled), or an HttpsError:
 * - `unauthenticated`: no signed-in caller (nothing is recorded: there is nobody to record);
 * - `invalid-argument`: not a valid request (unknown action, missing rollout id…; nothing is recorded), or a
 *   destructive action without a reason (refused by the engine, and audited);
 * - `not-found`: the target is not in runway.yaml;
 * - `permission-denied`: the caller lacks the role (refused by the engine, and audited);
 * - `failed-precondition`: the command makes no sense now (nothing awaits approval, already rolling back…; audited);
 * - `unavailable`: Firestore failed transiently; calling again with the same `requestId` is safe.
 */
import * as logger from 'firebase-functions/logger';
import { HttpsError, onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { getAuth } from 'firebase-admin/auth';
import { eventOfRequest } from '../adapters/dashboard/event.js';
import { parseActionRequest, type ActionRequest } from '../adapters/dashboard/request.js';
import type { Actor } from '../domain/actor.js';
import { roleClaimsOf, rolesIn } from '../domain/claims.js';
import type { RunwayConfig } from '../domain/config/load.js';
import type { Role } from '../domain/config/schema.js';
import { isDestructive, mayTake } from '../domain/permissions.js';
import { isTransient } from '../engine/transient.js';
import type { Engine, HandleResult } from '../engine/types.js';
import { errorMessage, redactText } from '../logs.js';
import { getRuntime } from '../runtime.js';

/** What the callable answers when the engine took or ignored the request. */
export interface ActionResponse {
  readonly status: 'applied' | 'ignored' | 'duplicate';
  readonly message: string;
  readonly eventId: string;
  readonly rolloutIds: readonly string[];
}

/** The callable's log lines (handled events are logged by the engine itself). */
export interface RolloutActionLog {
  /** Refused at the edge: no caller, a malformed request, an unknown target. */
  rejected(reason: string, uid: string | null): void;
  /** The engine failed on the event. */
  engineFailed(eventId: string, error: unknown, transient: boolean): void;
}

/** What the callable needs. */
export interface RolloutActionDeps {
  readonly config: RunwayConfig;
  readonly engine: Engine;
  /** The caller's custom claims as stored now. */
  readonly claimsOf: (uid: string) => Promise<unknown>;
  readonly log: RolloutActionLog;
}

/** The part of a callable request the handler reads. */
export type ActionCall = Pick<CallableRequest<unknown>, 'auth' | 'data'>;

/** Handles one call; see the module comment for the answers. */
export async function handleRolloutAction(call: ActionCall, deps: RolloutActionDeps): Promise<ActionResponse> {
  const auth = call.auth;
  if (!auth) {
    deps.log.rejected('not signed in', null);
    throw new HttpsError('unauthenticated', 'sign in to act on rollouts');
  }
  const parsed = parseActionRequest(call.data);
  if (!parsed.ok) {
    deps.log.rejected(parsed.reason, auth.uid);
    throw new HttpsError('invalid-argument', `not a valid request: ${parsed.reason}`);
  }
  const { request } = parsed;
  const policy = deps.config.targets.find((t) => t.id === request.targetId);
  if (!policy) {
    deps.log.rejected(`unknown target ${request.targetId}`, auth.uid);
    throw new HttpsError('not-found', `no target ${request.targetId} in runway.yaml`);
  }
  const roles = rolesIn(roleClaimsOf(await deps.claimsOf(auth.uid)), policy.environment);
  const token = auth.token as { name?: unknown; email?: unknown };
  const email = typeof token.email === 'string' ? token.email : undefined;
  const name = typeof token.name === 'string' && token.name !== '' ? token.name : email;
  const actor: Actor & { kind: 'user' } = {
    kind: 'user',
    id: auth.uid,
    ...(name === undefined ? {} : { name }),
    ...(email === undefined ? {} : { email }),
    via: 'dashboard',
    roles,
  };
  const event = eventOfRequest(request, actor);

  let result: HandleResult;
  try {
    result = await deps.engine.handle(event);
  } catch (error) {
    const transient = isTransient(error);
    deps.log.engineFailed(event.id, error, transient);
    throw transient
      ? new HttpsError('unavailable', 'Runway could not record the request just now: try again')
      : new HttpsError('internal', 'Runway failed on the request: see its logs');
  }
  if (result.status === 'refused') {
    throw new HttpsError(refusalCode(request, roles, policy.approval.roles), result.message, { eventId: event.id });
  }
  return { status: result.status, message: result.message, eventId: event.id, rolloutIds: result.rolloutIds };
}

/**
 * Which error a refusal is: the domain checks roles first, then the reason, then the phase. (Approvals are checked
 * against the rollout's policy snapshot; the current policy's roles are the same unless runway.yaml changed since.)
 */
function refusalCode(
  request: ActionRequest,
  roles: readonly Role[],
  approvalRoles: readonly Role[],
): 'permission-denied' | 'invalid-argument' | 'failed-precondition' {
  if (!mayTake(roles, request.action, approvalRoles)) return 'permission-denied';
  if (isDestructive(request.action) && request.reason === null) return 'invalid-argument';
  return 'failed-precondition';
}

/** The log lines as written in production. */
export const rolloutActionLog: RolloutActionLog = {
  rejected(reason, uid) {
    logger.warn(`rolloutAction refused: ${redactText(reason)}`, { uid, reason: redactText(reason) });
  },
  engineFailed(eventId, error, transient) {
    (transient ? logger.warn : logger.error)(`rolloutAction ${eventId} failed${transient ? ' transiently' : ''}`, {
      eventId,
      transient,
      error: errorMessage(error),
    });
  },
};

/** Builds the callable around {@link handleRolloutAction}. Tests pass their own dependencies. */
export function createRolloutActionFunction(resolveDeps: () => RolloutActionDeps) {
  return onCall((request) => handleRolloutAction(request, resolveDeps()));
}

/** The deployed function, wired to the runtime and Firebase Auth. */
export const rolloutAction = createRolloutActionFunction(() => {
  const { config, engine } = getRuntime();
  return {
    config,
    engine,
    claimsOf: async (uid) => (await getAuth().getUser(uid)).customClaims ?? {},
    log: rolloutActionLog,
  };
});
