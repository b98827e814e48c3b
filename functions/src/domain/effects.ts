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

/**
 * One split a traffic change may find live. A wrapper, not a bare {@link TrafficSplit}: effects are stored in Firestore,
 * which cannot hold an array directly inside an array.
 */
export interface ExpectedSplit {
  readonly split: TrafficSplit;
}

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

/**
 * Get a candidate revision of `image` at 0% traffic with a tag URL; answer with revision.ready or deploy.failed.
 * `deploy`: create it (a revision name derived from the rollout, so a retry finds the one it made); `build`: adopt the
 * revision the build deployed with `--no-traffic --tag TAG`.
 */
export interface DeployCandidate extends Base {
  readonly type: 'cloudRun.deployCandidate';
  readonly rolloutId: string;
  readonly service: ServiceRef;
  readonly image: string;
  /** Revision tag that gives the candidate its own URL. */
  readonly tag: string;
  readonly source: 'deploy' | 'build';
}
/**
 * Make Cloud Run's traffic exactly `split` (tags stay where they are); answer with traffic.applied, traffic.failed or
 * traffic.conflict. `expected` lists the splits Runway may have left the service in; if the live split is none of them
 * (and not already `split`), someone changed it by hand and the change is not applied. Null overrides whatever is live
 * (a rollback, or a person's resume after such a conflict).
 */
export interface SetTraffic extends Base {
  readonly type: 'cloudRun.setTraffic';
  readonly rolloutId: string;
  readonly service: ServiceRef;
  readonly split: TrafficSplit;
  readonly purpose: 'step' | 'promote' | 'rollback';
  readonly expected: readonly ExpectedSplit[] | null;
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
  /** Latencies are measured from here (after the step's warm-up) to `windowEnd`; `windowStart` when absent. */
  readonly latencyWindowStart?: Millis;
  /** Count the requests slower than each of these, in milliseconds (`RevisionMetrics.latency`). */
  readonly latencyThresholdsMs?: readonly number[];
}
/** Deliver timer.elapsed with `timerId` (the effect's id) at `dueAt`. */
export interface ScheduleTimer extends Base {
  readonly type: 'timer.schedule';
  readonly rolloutId: string;
  readonly purpose: TimerPurpose;
  readonly dueAt: Millis;
}

export type Severity = 'info' | 'warning' | 'urgent';

/** What a notification is about. */
export type NotifyTopic = Phase | 'build.failed' | 'alert.opened' | 'alert.closed' | 'approval.timeout';

/** Tell people (Slack, email). Best effort: never blocks a rollout. */
export interface Notify extends Base {
  readonly type: 'notify';
  readonly severity: Severity;
  /**
   * The phase the rollout entered (or its new step), or another notable thing that happened: a failed build, an alert
   * opened or closed while no rollout was active, an approval that timed out and proceeded.
   */
  readonly topic: NotifyTopic;
  readonly text: string;
}
/** Publish a CloudEvents-style message on the `runway-events` topic. */
export interface PublishEvent extends Base {
  readonly type: 'events.publish';
  /** e.g. `runway.rollout.rolled_back`; docs/events.md lists them all. */
  readonly eventType: string;
  /** When it happened: the CloudEvent's `time`. */
  readonly at: Millis;
  readonly data: Readonly<Record<string, unknown>>;
}

export type Effect =
  DeployCandidate | SetTraffic | RunSmokeChecks | RunAnalysis | ScheduleTimer | Notify | PublishEvent;
export type EffectType = Effect['type'];

/** The deterministic id of the `n`th effect decided at `version` of a target. */
export function effectIdOf(targetId: TargetId, version: number, n: number): string {
  return `${targetId}:${version}:${n}`;
}

/** True if two splits give every revision the same percent (order does not matter; 0% entries are ignored). */
export function sameSplit(a: TrafficSplit, b: TrafficSplit): boolean {
  const live = (s: TrafficSplit): string =>
    s
      .filter((e) => e.percent > 0)
      .map((e) => `${e.revision}=${e.percent}`)
      .sort()
      .join(',');
  return live(a) === live(b);
}

/** A split in a line, e.g. `hello-00002-abc 10%, hello-00001-xyz 90%`. */
export function describeSplit(split: TrafficSplit): string {
  return split.length === 0 ? 'no traffic' : split.map((e) => `${e.revision} ${e.percent}%`).join(', ');
}

/** A split with `candidatePercent` on the candidate and the rest on stable (entries at 0% are left out). */
export function splitOf(stable: string | null, candidate: string | null, candidatePercent: number): TrafficSplit {
  const split: { revision: string; percent: number }[] = [];
  if (candidate && candidatePercent > 0) split.push({ revision: candidate, percent: candidatePercent });
  if (stable && candidatePercent < 100) split.push({ revision: stable, percent: 100 - candidatePercent });
  return split;
}
