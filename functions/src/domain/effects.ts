/**
 * Effects: what decide() asks the outside world to do, as plain data. The engine stores them (the outbox) in the same
 * transaction as the new state and runs them afterwards. Ids are deterministic (`${targetId}:${version}:${n}`), so a
 * re-run effect can be recognised, and a result names the effect it answers.
 */
import type { TargetId } from './config/policy.js';
import type { SmokeSpec } from './config/schema.js';
import type { Phase } from './phase.js';
import type { Millis, TimerPurpose } from './rollout.js';

/** Percent of traffic per revision. Always sums to 100. */
export type TrafficSplit = readonly { readonly revision: string; readonly percent: number }[];

/** Where a Cloud Run service lives. */
export interface ServiceRef {
  readonly project: string;
  readonly region: string;
  readonly service: string;
}

interface Base {
  readonly id: string;
  readonly targetId: TargetId;
  readonly rolloutId: string | null;
}

/** Create a revision of `image` with 0% traffic and a tag URL; answer with revision.ready or deploy.failed. */
export interface DeployCandidate extends Base {
  readonly type: 'cloudRun.deployCandidate';
  readonly rolloutId: string;
  readonly service: ServiceRef;
  readonly image: string;
  /** Revision tag that gives the candidate its own URL. */
  readonly tag: string;
}
/** Make Cloud Run's traffic exactly `split`; answer with traffic.applied or traffic.failed. */
export interface SetTraffic extends Base {
  readonly type: 'cloudRun.setTraffic';
  readonly rolloutId: string;
  readonly service: ServiceRef;
  readonly split: TrafficSplit;
  readonly purpose: 'step' | 'promote' | 'rollback';
}
/** Run the smoke checks against the candidate's URL; answer with smoke.passed or smoke.failed. */
export interface RunSmokeChecks extends Base {
  readonly type: 'smoke.run';
  readonly rolloutId: string;
  readonly url: string | null;
  readonly smoke: SmokeSpec;
}
/** Measure candidate and stable over a window; answer with analysis.completed. */
export interface RunAnalysis extends Base {
  readonly type: 'analysis.run';
  readonly rolloutId: string;
  readonly service: ServiceRef;
  readonly candidateRevision: string;
  readonly stableRevision: string | null;
  readonly windowStart: Millis;
  readonly windowEnd: Millis;
}
/** Deliver timer.elapsed with `timerId` (the effect's id) at `dueAt`. */
export interface ScheduleTimer extends Base {
  readonly type: 'timer.schedule';
  readonly rolloutId: string;
  readonly purpose: TimerPurpose;
  readonly dueAt: Millis;
}

export type Severity = 'info' | 'warning' | 'urgent';

/** Tell people (Slack, email). Best effort: never blocks a rollout. */
export interface Notify extends Base {
  readonly type: 'notify';
  readonly severity: Severity;
  /** The phase the rollout entered, or another notable thing that happened. */
  readonly topic: Phase | 'build.failed' | 'alert.opened' | 'alert.closed';
  readonly text: string;
}
/** Publish a CloudEvents-style message on the `runway-events` topic. */
export interface PublishEvent extends Base {
  readonly type: 'events.publish';
  /** e.g. `runway.rollout.rolled_back`. */
  readonly eventType: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type Effect =
  DeployCandidate | SetTraffic | RunSmokeChecks | RunAnalysis | ScheduleTimer | Notify | PublishEvent;
export type EffectType = Effect['type'];

/** The deterministic id of the `n`th effect decided at `version` of a target. */
export function effectIdOf(targetId: TargetId, version: number, n: number): string {
  return `${targetId}:${version}:${n}`;
}

/** A split with `candidatePercent` on the candidate and the rest on stable (entries at 0% are left out). */
export function splitOf(stable: string | null, candidate: string | null, candidatePercent: number): TrafficSplit {
  const split: { revision: string; percent: number }[] = [];
  if (candidate && candidatePercent > 0) split.push({ revision: candidate, percent: candidatePercent });
  if (stable && candidatePercent < 100) split.push({ revision: stable, percent: 100 - candidatePercent });
  return split;
}
