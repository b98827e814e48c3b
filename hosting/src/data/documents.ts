/**
 * The Firestore documents the dashboard reads, as the engine writes them (docs/architecture.md, "Data model"): the
 * domain's types plus the fields stored beside them for queries. Clients only read; firestore.rules lets nobody write.
 */
import type { Actor } from '../../../functions/src/domain/actor.js';
import type { OutcomeStatus } from '../../../functions/src/domain/decision.js';
import type { RunwayEvent, RunwayEventType } from '../../../functions/src/domain/events.js';
import type { Millis, Rollout, TargetState } from '../../../functions/src/domain/rollout.js';

/** `targets/{targetId}`. `frozen` is there once the domain has freezing (the Slack issue adds it). */
export type TargetDoc = TargetState & {
  readonly environment: string;
  readonly frozen?: { readonly reason: string; readonly actor: Actor; readonly at: Millis } | null;
};

/** `rollouts/{rolloutId}`. */
export type RolloutDoc = Rollout & { readonly environment: string };

/** `targets/{targetId}/log/{eventId}`: one event handled, with who, why and what became of it. */
export interface LogEntry {
  readonly eventId: string;
  readonly type: RunwayEventType;
  readonly targetId: string;
  readonly rolloutId: string | null;
  readonly rolloutIds?: readonly string[];
  readonly actor: Actor;
  readonly reason: string | null;
  readonly outcome: { readonly status: OutcomeStatus; readonly message: string };
  readonly at: Millis;
  readonly version: number;
  readonly event: RunwayEvent;
}
