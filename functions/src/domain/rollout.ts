/**
 * The state Runway keeps: one {@link TargetState} per target (the unit of consistency: every event is applied to one
 * target in one transaction), holding its active rollout and the queue behind it. Finished rollouts leave the target
 * and live on as records of their own.
 */
import type { Actor } from './actor.js';
import type { TargetId, TargetPolicy } from './config/policy.js';
import type { ActivePhase, Phase, TerminalPhase } from './phase.js';
import type { Verdict } from './judge.js';
import type { AnalysisEvidence, StoredEvidence } from './analysis/evidence.js';
import type { TrafficSplit } from './effects.js';

/** Milliseconds since the epoch. The domain never reads the clock: times come in with events. */
export type Millis = number;

/** What Runway knows about the build that produced a candidate. */
export interface BuildInfo {
  readonly buildId: string;
  /** The Cloud Build project. */
  readonly projectId: string;
  /** The image to deploy, pinned by digest: `REPOSITORY@sha256:…`. */
  readonly image: string;
  readonly commitSha: string | null;
  /**
   * The commit author's email, from the build's `_COMMIT_AUTHOR_EMAIL` substitution (Cloud Build does not know it
   * otherwise); absent when the build does not set it. The four-eyes rule compares approvers with it.
   */
  readonly authorEmail?: string | null;
  /** Source repository name, e.g. `github_acme_checkout` or `acme/checkout`. */
  readonly repository: string | null;
  readonly branch: string | null;
  readonly tag: string | null;
  readonly triggerId: string | null;
  readonly triggerName: string | null;
  readonly logUrl: string | null;
  readonly createdAt: Millis | null;
  readonly finishedAt: Millis | null;
}

/** Why a rollout ended (or is ending). */
export type EndCause =
  | 'promoted'
  | 'deploy_failed'
  | 'smoke_failed'
  | 'analysis_failed'
  | 'analysis_inconclusive'
  | 'traffic_failed'
  | 'alert'
  | 'manual_rollback'
  | 'aborted'
  | 'rejected'
  | 'approval_timeout'
  | 'superseded'
  | 'no_stable_revision';

/** How and why a rollout ended, or is rolling back. */
export interface Ending {
  readonly cause: EndCause;
  readonly reason: string;
  readonly actor: Actor;
  /** When the trigger was received. */
  readonly at: Millis;
}

/** What set a stop in motion, as people ask it: "why was this rolled back?". */
export type StopTrigger = 'incident' | 'analysis' | 'smoke_check' | 'person' | 'timeout' | 'superseded' | 'failure';

/**
 * A rollout's stop, with its timing: from the moment the trigger was received (the webhook's request, the Pub/Sub
 * message, the person's command, the analysis result) to Cloud Run confirming traffic back on `toRevision`.
 */
export interface StopRecord {
  readonly trigger: StopTrigger;
  readonly actor: Actor;
  readonly reason: string;
  readonly receivedAt: Millis;
  /** Where traffic goes back to; null when the candidate never had traffic (nothing to undo). */
  readonly toRevision: string | null;
  /** When Cloud Run confirmed it; null until then, and when there was nothing to undo. */
  readonly appliedAt: Millis | null;
  /** `appliedAt - receivedAt`. */
  readonly durationMs: number | null;
}

/** What the rollout is waiting for before it moves on. Results for anything else are stale and ignored. */
export type Wait =
  | { readonly kind: 'deploy'; readonly effectId: string }
  | { readonly kind: 'smoke'; readonly effectId: string }
  | { readonly kind: 'traffic'; readonly effectId: string }
  | {
      readonly kind: 'analysis';
      readonly effectId: string;
      /** A check while the step bakes. */
      readonly interim?: boolean;
      /** The step's judgement, asked for before its bake ended (strong evidence of no harm). */
      readonly early?: boolean;
    }
  | { readonly kind: 'timer'; readonly timerId: string; readonly purpose: TimerPurpose };

export type TimerPurpose = 'bake' | 'approval' | 'guard';

/** A traffic change asked of Cloud Run and not yet confirmed. */
export interface TrafficRequest {
  readonly effectId: string;
  readonly candidatePercent: number;
}

/**
 * The candidate's share of traffic: what Cloud Run confirmed, the change last asked for, and earlier changes a newer one
 * replaced before they were confirmed. Cloud Run may still have applied those, so they count when deciding whether the
 * candidate may have user traffic: a rollback that turns out to be unneeded is harmless, a missed one is not.
 */
export interface TrafficState {
  /** Percent on the candidate, as last confirmed by Cloud Run. */
  readonly candidatePercent: number;
  /** The change last asked for and not yet confirmed. */
  readonly pending: TrafficRequest | null;
  /** Unconfirmed changes that `pending` replaced, oldest first. */
  readonly earlier: readonly TrafficRequest[];
}

/** No traffic on the candidate, nothing asked for. */
export const NO_TRAFFIC: TrafficState = { candidatePercent: 0, pending: null, earlier: [] };

/** Records a new traffic change asked for; an unconfirmed one it replaces moves to `earlier`. */
export function requestTraffic(traffic: TrafficState, request: TrafficRequest): TrafficState {
  const earlier = traffic.pending ? [...traffic.earlier, traffic.pending] : traffic.earlier;
  return { ...traffic, pending: request, earlier };
}

/**
 * Records Cloud Run's confirmation of change `effectId`. Changes asked for before it are settled by it; the one asked
 * for after it (if any) is still pending. Unknown ids leave the state as it is.
 */
export function confirmTraffic(traffic: TrafficState, effectId: string): TrafficState {
  if (traffic.pending?.effectId === effectId) {
    return { candidatePercent: traffic.pending.candidatePercent, pending: null, earlier: [] };
  }
  const at = traffic.earlier.findIndex((r) => r.effectId === effectId);
  const confirmed = traffic.earlier[at];
  if (!confirmed) return traffic;
  return { ...traffic, candidatePercent: confirmed.candidatePercent, earlier: traffic.earlier.slice(at + 1) };
}

/** Records that change `effectId` failed: Cloud Run did not apply it. */
export function forgetTraffic(traffic: TrafficState, effectId: string): TrafficState {
  if (traffic.pending?.effectId === effectId) return { ...traffic, pending: null };
  return { ...traffic, earlier: traffic.earlier.filter((r) => r.effectId !== effectId) };
}

/** True if a traffic change with this id is awaiting confirmation. */
export function isUnconfirmed(traffic: TrafficState, effectId: string): boolean {
  return traffic.pending?.effectId === effectId || traffic.earlier.some((r) => r.effectId === effectId);
}

/** One smoke check's result. */
export interface SmokeResult {
  readonly name: string;
  readonly ok: boolean;
  readonly status: number | null;
  readonly latencyMs: number | null;
  readonly attempts: number;
  readonly error: string | null;
}

/** An approval gate that is open or was decided. */
export interface ApprovalState {
  readonly stage: 'beforeFirstTraffic' | 'beforePromotion';
  readonly requestedAt: Millis;
  readonly deadlineAt: Millis;
  readonly decision: {
    readonly approved: boolean;
    readonly actor: Actor;
    readonly at: Millis;
    readonly reason: string | null;
  } | null;
}

/**
 * One rollout: a build's image on its way to one target (`release`), or a person's or an alert's return of the target to
 * an earlier revision when no release is in flight (`revert`: the current stable revision is its `candidate`, the
 * revision it returns to its `stableRevision`, and it starts in `rolling_back`).
 */
export interface Rollout {
  /** `${targetId}@${buildId}`: deterministic, so a duplicate build notification maps to the same rollout. */
  readonly id: string;
  readonly kind: 'release' | 'revert';
  readonly targetId: TargetId;
  readonly phase: Phase;
  readonly build: BuildInfo;
  /** The target's policy when the rollout began; a config change never alters a rollout in flight. */
  readonly policy: TargetPolicy;
  readonly createdAt: Millis;
  readonly updatedAt: Millis;
  readonly finishedAt: Millis | null;
  /** The candidate revision once Cloud Run created it, with its tag URL. */
  readonly candidate: { readonly revision: string; readonly url: string | null } | null;
  /** The revision that served 100% when the candidate was deployed; rollbacks return to it. */
  readonly stableRevision: string | null;
  readonly traffic: TrafficState;
  /** Index of the current canary step; -1 before the first. */
  readonly step: number;
  /** When the current step's traffic was confirmed (start of its analysis window). */
  readonly stepStartedAt: Millis | null;
  /** How often the current step's bake was extended for lack of requests. */
  readonly extensions: number;
  /** When the current bake (its first part, or its latest extension) ends and the step is judged; checks come before. */
  readonly bakeEndsAt?: Millis | null;
  readonly waitingFor: Wait | null;
  readonly approval: ApprovalState | null;
  readonly pause: { readonly actor: Actor; readonly reason: string; readonly at: Millis } | null;
  readonly smoke: readonly SmokeResult[] | null;
  /** Every analysis verdict, step by step (checks while a step bakes add one only when they fail it). */
  readonly verdicts: readonly Verdict[];
  /**
   * What the sequential tests have gathered so far (absent before the first analysis). Always written as
   * {@link AnalysisEvidence}; a rollout stored by an earlier version may hold the older form.
   */
  readonly evidence?: AnalysisEvidence | StoredEvidence;
  readonly promotedAt: Millis | null;
  /** Set when it began to stop (rolling back) or ended. */
  readonly ending: Ending | null;
  /** While rolling back: the terminal phase it ends in once stable serves 100%. */
  readonly rollbackEndsAs: 'rolled_back' | 'rejected' | 'superseded' | null;
  /**
   * Set when a traffic change found a split Runway did not leave (someone changed it by hand): the rollout paused, and
   * the next traffic change — after a person resumed or promoted it — overrides the live split instead of refusing.
   */
  readonly splitChangedByHand: { readonly actual: TrafficSplit; readonly at: Millis } | null;
  /** Set when it began to stop: what triggered it, and how long returning traffic took. */
  readonly stop: StopRecord | null;
}

/** The book-keeping of a rollout that has done nothing yet: no step, no waits, no verdicts, no ending. */
export const FRESH_ROLLOUT = {
  finishedAt: null,
  step: -1,
  stepStartedAt: null,
  extensions: 0,
  waitingFor: null,
  approval: null,
  pause: null,
  smoke: null,
  verdicts: [],
  promotedAt: null,
  ending: null,
  rollbackEndsAs: null,
  splitChangedByHand: null,
  stop: null,
} as const satisfies Partial<Rollout>;

/** An active rollout: one whose phase is not terminal. */
export type ActiveRollout = Rollout & { readonly phase: ActivePhase };

/** A build recorded on its target (failed builds too): the target's recent history. */
export interface BuildRecord {
  readonly buildId: string;
  readonly status: 'SUCCESS' | 'FAILURE' | 'TIMEOUT' | 'INTERNAL_ERROR' | 'CANCELLED' | 'EXPIRED';
  readonly image: string | null;
  readonly commitSha: string | null;
  readonly branch: string | null;
  readonly logUrl: string | null;
  readonly rolloutId: string | null;
  readonly at: Millis;
}

/** How many builds a target remembers. */
export const RECENT_BUILDS_KEPT = 20;

/**
 * One entry of a target's release history: a rollout that ended with a candidate revision (released, rolled back,
 * reverted), or the revision Runway found serving when it first deployed (`baseline`).
 */
export interface ReleaseRecord {
  readonly kind: 'release' | 'revert' | 'baseline';
  /** Null for the baseline. */
  readonly rolloutId: string | null;
  readonly revision: string;
  readonly image: string | null;
  readonly commitSha: string | null;
  readonly buildId: string | null;
  /** When it ended (or, for the baseline, when Runway first saw it). */
  readonly at: Millis;
  /** Who set it going: the build trigger, or the person. */
  readonly by: string;
  readonly outcome: TerminalPhase | 'baseline';
  /** Whether it ended serving everyone: a promoted release, a completed revert, the baseline. */
  readonly becameStable: boolean;
  /** For a revert: the revision it took traffic away from (never a "previous good revision" again). */
  readonly fromRevision: string | null;
  /** The revision that served everyone before it (a release's stable revision; a revert's `fromRevision`). */
  readonly replacedRevision: string | null;
}

/** How many releases a target remembers. */
export const RELEASES_KEPT = 50;

/** A Cloud Monitoring incident as the target remembers it, so that duplicates and late notifications change nothing. */
export interface IncidentRecord {
  readonly incidentId: string;
  readonly policy: string;
  readonly state: 'open' | 'closed';
  /** When its open notification was received; null if only its close was seen. */
  readonly openedAt: Millis | null;
  readonly closedAt: Millis | null;
  /** What the open incident did. */
  readonly action: 'rolled_back' | 'reverted' | 'notified' | 'none';
  /** The rollout it stopped or started, if any. */
  readonly rolloutId: string | null;
}

/** How many incidents a target remembers. */
export const INCIDENTS_KEPT = 50;

/** One target: the unit every event is applied to. */
export interface TargetState {
  readonly id: TargetId;
  /** Increases by one with every change; part of every effect id. */
  readonly version: number;
  /** The revision serving users when no rollout is active; null until Runway has seen the service. */
  readonly stable: {
    readonly revision: string;
    readonly image: string | null;
    readonly rolloutId: string | null;
    readonly since: Millis;
  } | null;
  /** The one rollout allowed to move traffic, if any. */
  readonly active: ActiveRollout | null;
  /** Rollouts waiting for the active one to finish, oldest first. */
  readonly queue: readonly ActiveRollout[];
  /** Newest first, at most {@link RECENT_BUILDS_KEPT}. */
  readonly recentBuilds: readonly BuildRecord[];
  /** Newest first, at most {@link RELEASES_KEPT}: where "the previous good revision" comes from. */
  readonly releases: readonly ReleaseRecord[];
  /** Newest first, at most {@link INCIDENTS_KEPT}. */
  readonly incidents: readonly IncidentRecord[];
  /**
   * Set when a rollback could not be applied: the service's traffic is in a state Runway did not choose, so no queued
   * rollout starts until a person has looked and sends `resume` to the failed rollout.
   */
  readonly halted: { readonly rolloutId: string; readonly reason: string; readonly at: Millis } | null;
  /** Set while a person has frozen the target's environment: new rollouts queue and none starts until it is unfrozen. */
  readonly frozen: { readonly reason: string; readonly actor: Actor; readonly at: Millis } | null;
  readonly updatedAt: Millis;
}

/** A target Runway has not seen before. */
export function emptyTarget(id: TargetId): TargetState {
  return {
    id,
    version: 0,
    stable: null,
    active: null,
    queue: [],
    recentBuilds: [],
    releases: [],
    incidents: [],
    halted: null,
    frozen: null,
    updatedAt: 0,
  };
}

/** The id of a rollout of `buildId` on `targetId`. */
export function rolloutIdOf(targetId: TargetId, buildId: string): string {
  return `${targetId}@${buildId}`;
}

/** The target a rollout id belongs to, or undefined if the text is not a rollout id. */
export function targetIdOfRollout(rolloutId: string): TargetId | undefined {
  const at = rolloutId.indexOf('@');
  return at > 0 ? rolloutId.slice(0, at) : undefined;
}

/** True if user traffic may be on the candidate: confirmed, or asked for (now or earlier) and not yet confirmed. */
export function mayHaveUserTraffic(rollout: Rollout): boolean {
  const { candidatePercent, pending, earlier } = rollout.traffic;
  return candidatePercent > 0 || (pending?.candidatePercent ?? 0) > 0 || earlier.some((r) => r.candidatePercent > 0);
}

/**
 * True if a traffic change is no longer wanted: its rollout has finished, or Cloud Run has since confirmed a change asked
 * for after it. Traffic changes run as separate effects and a transient failure retries one later; applying an old one
 * after a newer one would silently undo the newer split (say, put a rolled-back candidate back at 10%).
 */
export function isTrafficChangeObsolete(target: TargetState, rolloutId: string, effectId: string): boolean {
  const rollout = target.active?.id === rolloutId ? target.active : target.queue.find((r) => r.id === rolloutId);
  return rollout === undefined || !isUnconfirmed(rollout.traffic, effectId);
}
