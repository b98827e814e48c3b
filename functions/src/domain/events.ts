/**
 * Events: everything that can happen to a target. Each carries an `id` that is stable across redeliveries (Pub/Sub message
 * id, Cloud Build id + status, effect id, timer id, Slack trigger id…), so the engine can drop duplicates, and the target
 * it concerns. Results of effects carry the `effectId` they answer; a result for anything the rollout is no longer waiting
 * for is stale and changes nothing.
 */
import type { Actor } from './actor.js';
import type { TargetId } from './config/policy.js';
import type { BuildInfo, BuildRecord, Millis, SmokeResult } from './rollout.js';
import type { AnalysisMetrics } from './judge.js';
import type { TrafficSplit } from './effects.js';

interface Base {
  /** Unique per real-world occurrence; the same occurrence delivered twice has the same id. */
  readonly id: string;
  readonly targetId: TargetId;
}

interface EffectResult extends Base {
  readonly rolloutId: string;
  /** The effect this answers. */
  readonly effectId: string;
}

/** A build finished and pushed its image. */
export interface BuildSucceeded extends Base {
  readonly type: 'build.succeeded';
  readonly build: BuildInfo;
}
/** A build ended without an image to deploy. */
export interface BuildFailed extends Base {
  readonly type: 'build.failed';
  readonly build: BuildInfo;
  readonly status: Exclude<BuildRecord['status'], 'SUCCESS'>;
}
/** Cloud Run created the candidate revision at 0% traffic. */
export interface RevisionReady extends EffectResult {
  readonly type: 'revision.ready';
  readonly revision: string;
  /** The candidate's tag URL. */
  readonly url: string | null;
  /** The revision that served 100% before; null for a service with no earlier revision. */
  readonly stableRevision: string | null;
}
/** Cloud Run refused or failed the candidate. */
export interface DeployFailed extends EffectResult {
  readonly type: 'deploy.failed';
  readonly reason: string;
}
export interface SmokePassed extends EffectResult {
  readonly type: 'smoke.passed';
  readonly results: readonly SmokeResult[];
}
export interface SmokeFailed extends EffectResult {
  readonly type: 'smoke.failed';
  readonly results: readonly SmokeResult[];
  readonly reason: string;
}
/** Metrics of the candidate and the stable revision over the step's window; decide() asks the judge. */
export interface AnalysisCompleted extends EffectResult {
  readonly type: 'analysis.completed';
  readonly metrics: AnalysisMetrics;
}
/**
 * The metrics could not be read, however often it was tried (Cloud Monitoring refused the query, say for a missing
 * permission). Nothing is known about the step: the rollout holds for a person.
 */
export interface AnalysisFailed extends EffectResult {
  readonly type: 'analysis.failed';
  readonly reason: string;
}
/** Cloud Run confirmed a traffic split. */
export interface TrafficApplied extends EffectResult {
  readonly type: 'traffic.applied';
  readonly split: TrafficSplit;
}
export interface TrafficFailed extends EffectResult {
  readonly type: 'traffic.failed';
  readonly reason: string;
}
/** The live split was not one Runway left: someone changed it by hand. Nothing was applied. */
export interface TrafficConflict extends EffectResult {
  readonly type: 'traffic.conflict';
  /** What Cloud Run serves now. */
  readonly actual: TrafficSplit;
  readonly reason: string;
}
export interface TimerElapsed extends Base {
  readonly type: 'timer.elapsed';
  readonly rolloutId: string;
  readonly timerId: string;
}
/** A Cloud Monitoring incident opened for this target. Its id is `alert:${incidentId}:open`. */
export interface AlertOpened extends Base {
  readonly type: 'alert.opened';
  readonly incidentId: string;
  /** The alert policy's display name. */
  readonly policy: string;
  readonly summary: string;
  /** The incident's page in the Cloud console. */
  readonly url: string | null;
  /** When Cloud Monitoring opened it. */
  readonly startedAt: Millis | null;
  /** When Runway received the notification (the webhook's request, the Pub/Sub message); null: when it was handled. */
  readonly receivedAt: Millis | null;
}
/** The incident closed. Its id is `alert:${incidentId}:closed`. */
export interface AlertClosed extends Base {
  readonly type: 'alert.closed';
  readonly incidentId: string;
  readonly policy: string;
  readonly endedAt: Millis | null;
  readonly receivedAt: Millis | null;
}

/**
 * A person asks to roll the target back: the active rollout, or, with none, the release serving now, to the previous
 * good revision or to `toRevision`. Skips every remaining step and analysis.
 */
export interface TargetRollback extends Base {
  readonly type: 'target.rollback';
  readonly actor: Actor;
  readonly reason: string;
  /** A revision to return to; null: the previous good one. */
  readonly toRevision: string | null;
}

/**
 * A person freezes the target (one event per target of the environment they froze): new rollouts queue, and none starts
 * until it is unfrozen. A rollout already in flight goes on.
 */
export interface TargetFreeze extends Base {
  readonly type: 'target.freeze';
  readonly actor: Actor;
  readonly reason: string;
}

/** A person lifts the freeze: the oldest queued rollout starts. */
export interface TargetUnfreeze extends Base {
  readonly type: 'target.unfreeze';
  readonly actor: Actor;
  readonly reason: string | null;
}

/** The commands a person can give a rollout. */
export const COMMANDS = ['approve', 'reject', 'pause', 'resume', 'promote', 'rollback', 'abort'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** A person's command. `reason` is required for reject, rollback and abort (it goes into the audit trail). */
export interface Command extends Base {
  readonly type: `command.${CommandName}`;
  readonly rolloutId: string;
  readonly actor: Actor;
  readonly reason: string | null;
}

export type RunwayEvent =
  | BuildSucceeded
  | BuildFailed
  | RevisionReady
  | DeployFailed
  | SmokePassed
  | SmokeFailed
  | AnalysisCompleted
  | AnalysisFailed
  | TrafficApplied
  | TrafficFailed
  | TrafficConflict
  | TimerElapsed
  | AlertOpened
  | AlertClosed
  | TargetRollback
  | TargetFreeze
  | TargetUnfreeze
  | Command;

export type RunwayEventType = RunwayEvent['type'];

/** The effect an event answers, if it is an effect's result. */
export function answeredEffectId(event: RunwayEvent): string | null {
  return 'effectId' in event ? event.effectId : null;
}

/** The rollout an event is about, if it names one. */
export function rolloutIdOfEvent(event: RunwayEvent): string | null {
  return 'rolloutId' in event ? event.rolloutId : null;
}
