/**
 * The shapes of the engine's Firestore documents, and the conversions to and from the domain's types. Times are stored
 * as milliseconds (the domain's `Millis`, what queries compare); a `…Ts` Timestamp beside them is for people reading the
 * console. See docs/architecture.md, "Data model".
 */
import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import type { Actor } from '../../domain/actor.js';
import type { OutcomeStatus } from '../../domain/decision.js';
import type { Effect, EffectType } from '../../domain/effects.js';
import type { RunwayEvent, RunwayEventType } from '../../domain/events.js';
import { environmentOf } from '../../domain/environment.js';
import { emptyTarget, type Millis, type Rollout, type TargetState, type TimerPurpose } from '../../domain/rollout.js';

/** Where an outbox effect stands. `failed` is final: only best-effort effects (notify, publish) end there. */
export type EffectStatus = 'pending' | 'running' | 'done' | 'failed';

/** `effects/{effectId}`: one outbox entry. */
export interface EffectDoc {
  readonly id: string;
  readonly type: EffectType;
  readonly targetId: string;
  readonly rolloutId: string | null;
  readonly effect: Effect;
  readonly status: EffectStatus;
  /** How many times a runner leased it. */
  readonly attempts: number;
  /** While `running`: when the lease ends and another runner may take over. */
  readonly leaseUntil: Millis | null;
  /** Which runner holds the lease, so a runner that lost it does not overwrite the new holder's status. */
  readonly leaseToken: string | null;
  readonly createdAt: Millis;
  /** Earliest time the backstop retries it after a transient failure. */
  readonly nextAttemptAt: Millis;
  /**
   * When the sweep should look at it: for `pending`, the later of creation + grace period and `nextAttemptAt`; for
   * `running`, `leaseUntil`; null once done or failed. One field so the sweep's query needs only the automatic index.
   */
  readonly sweepAt: Millis | null;
  readonly lastError: string | null;
  readonly doneAt: Millis | null;
  /** The event that answered it (`result:${id}`), for effects that have one. */
  readonly resultEventId: string | null;
  readonly createdAtTs: Timestamp;
}

/** `targets/{targetId}/log/{eventId}`: the audit trail, and the marker that an event id was handled. */
export interface LogEntryDoc {
  readonly eventId: string;
  readonly type: RunwayEventType;
  readonly targetId: string;
  readonly rolloutId: string | null;
  /**
   * Every rollout the event changed (a build that supersedes one and queues another, an alert that drops the queue).
   * Absent from entries written before it was recorded.
   */
  readonly rolloutIds?: readonly string[];
  readonly actor: Actor;
  /** The reason given with a command, or the reason a failure event carries. */
  readonly reason: string | null;
  readonly outcome: { readonly status: OutcomeStatus; readonly message: string };
  readonly at: Millis;
  readonly atTs: Timestamp;
  /** The target's version after the event. */
  readonly version: number;
  readonly effectIds: readonly string[];
  /** Documents the event's transaction wrote (target, this entry, rollout mirrors, new effects, the effect it closed). */
  readonly writes: number;
  /** The event as received. */
  readonly event: RunwayEvent;
}

/** `timers/{timerId}`: a timer of the Firestore-backed timer port; the sweep fires it once `dueAt` has passed. */
export interface TimerDoc {
  readonly timerId: string;
  readonly dueAt: Millis;
  readonly targetId: string;
  readonly rolloutId: string;
  readonly purpose: TimerPurpose;
  readonly firedAt: Millis | null;
  /** `dueAt` until fired, then null (see {@link EffectDoc.sweepAt}). */
  readonly sweepAt: Millis | null;
  readonly createdAt: Millis;
}

/** A copy of `value` that Firestore accepts: `undefined` object fields are left out, `undefined` array items become null. */
export function plain<T>(value: T): T {
  return strip(value) as T;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : strip(item)));
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = strip(item);
    return out;
  }
  return value;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The target document for a state, with its `environment` for queries and security rules. */
export function toTargetDoc(state: TargetState): DocumentData {
  return { ...plain(state), environment: environmentOf(state.id), updatedAtTs: Timestamp.fromMillis(state.updatedAt) };
}

/** The state in a target document (fields added to TargetState since it was written take their empty values). */
export function fromTargetDoc(targetId: string, data: DocumentData | undefined): TargetState {
  if (data === undefined) return emptyTarget(targetId);
  const { updatedAtTs: _ignored, environment: _derived, ...stored } = data;
  const state = { ...emptyTarget(targetId), ...(stored as Partial<TargetState>) };
  return { ...state, active: state.active && withDefaults(state.active), queue: state.queue.map(withDefaults) };
}

/** A rollout stored before fields were added to Rollout gets their empty values. */
function withDefaults<R extends Rollout>(rollout: R): R {
  return { ...rollout, kind: rollout.kind ?? 'release', stop: rollout.stop ?? null };
}

/**
 * The rollout mirror document: the rollout as it is now, queryable by targetId, environment (for security rules),
 * phase, createdAt and finishedAt.
 */
export function toRolloutDoc(rollout: Rollout): DocumentData {
  return {
    ...plain(rollout),
    environment: environmentOf(rollout.targetId),
    updatedAtTs: Timestamp.fromMillis(rollout.updatedAt),
  };
}

/** A new outbox entry for an effect decided at `now`. */
export function newEffectDoc(effect: Effect, now: Millis, graceMs: number): EffectDoc {
  return {
    id: effect.id,
    type: effect.type,
    targetId: effect.targetId,
    rolloutId: effect.rolloutId,
    effect: plain(effect),
    status: 'pending',
    attempts: 0,
    leaseUntil: null,
    leaseToken: null,
    createdAt: now,
    nextAttemptAt: now,
    sweepAt: now + graceMs,
    lastError: null,
    doneAt: null,
    resultEventId: null,
    createdAtTs: Timestamp.fromMillis(now),
  };
}

/** The fields that close an outbox entry. */
export function closedEffectFields(
  status: 'done' | 'failed',
  now: Millis,
  resultEventId: string | null,
): Partial<EffectDoc> {
  return { status, doneAt: now, sweepAt: null, leaseUntil: null, leaseToken: null, resultEventId };
}
