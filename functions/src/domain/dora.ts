/**
 * The four DORA metrics of a target (or of an environment's targets) over a period, computed from Runway's rollout
 * records. Pure; the dashboard shows them, as numbers and as a trend, for the period a person chooses.
 *
 * - **Deployment frequency**: releases promoted (100% of traffic on the candidate) in the period, per day.
 * - **Lead time for changes**: for each of those, from the change's commit to its promotion. Cloud Build does not
 *   report when a commit was made, so the commit's time is taken as the build's creation (Cloud Build starts it on the
 *   push), and the rollout's creation when the build did not say.
 * - **Change failure rate**: of the changes that ended in the period after reaching users (promoted, or stopped with
 *   traffic to take back), the share that failed: stopped by an incident, the analysis, a person (a rollback, or a
 *   rejection after the canary had traffic) or a traffic failure; ended `failed`; or reverted afterwards (a revert that
 *   took traffic away from its revision). A stop because a newer build superseded it, or an approval timed out, is not
 *   a failure; neither is a rollout that never had user traffic (a failed deploy or smoke check): users never met it.
 * - **Time to restore**: for each failed change, from when users first met it (the start of its first canary step,
 *   else its promotion, else the stop's trigger) to Cloud Run serving the stable revision again; for a reverted
 *   release, from the revert's trigger (the alert, the person's command) to the revert's completion, since when the
 *   failure began is not known. A failed change nothing restored (`failed`, or a revert not yet applied) is counted
 *   as unrestored and left out of the median.
 *
 * Medians, not means: one outlier (a release left at a canary step over a weekend) must not hide the usual.
 */
import type { StopTrigger } from './rollout.js';
import type { Millis, Rollout } from './rollout.js';

/** A half-open period `[from, to)`. */
export interface Period {
  readonly from: Millis;
  readonly to: Millis;
}

/** The fields of a rollout record the metrics read. */
export type DoraRollout = Pick<
  Rollout,
  'id' | 'kind' | 'targetId' | 'phase' | 'build' | 'createdAt' | 'finishedAt' | 'promotedAt' | 'candidate' | 'stop'
> & { readonly verdicts: readonly { readonly metrics: { readonly windowStart: Millis } }[] };

/** The metrics over one period. */
export interface DoraMetrics {
  readonly period: Period;
  /** Releases promoted in the period. */
  readonly deployments: number;
  readonly deploymentsPerDay: number;
  /** Median commit-to-promotion time of those deployments; null without any. */
  readonly leadTimeMs: number | null;
  /** Changes that ended in the period after reaching users. */
  readonly changes: number;
  readonly failedChanges: number;
  /** `failedChanges / changes`, 0–1; null without changes. */
  readonly changeFailureRate: number | null;
  /** Median time to restore of the failed changes that were restored; null without any. */
  readonly timeToRestoreMs: number | null;
  readonly restored: number;
  /** Failed changes that nothing has restored (yet). */
  readonly unrestored: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const WEEK_MS = 7 * DAY_MS;

/** Stop triggers that mean the change itself was at fault. */
const FAILURE_TRIGGERS: ReadonlySet<StopTrigger> = new Set(['incident', 'analysis', 'person', 'failure']);

const within = (at: Millis | null | undefined, period: Period): at is Millis =>
  typeof at === 'number' && at >= period.from && at < period.to;

/** The median of `values`, or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** When the change's commit is taken to have been made (see the module comment). */
export function committedAt(r: DoraRollout): Millis {
  return r.build.createdAt ?? r.createdAt;
}

/** True if the release reached users: promoted, or stopped with traffic to take back. */
export function reachedUsers(r: DoraRollout): boolean {
  return r.phase === 'succeeded' || r.promotedAt !== null || (r.stop !== null && r.stop.toRevision !== null);
}

/** The revert that later took traffic away from this release's revision, if any. */
export function revertOf(r: DoraRollout, all: readonly DoraRollout[]): DoraRollout | undefined {
  const revision = r.candidate?.revision;
  if (revision === undefined || r.kind !== 'release') return undefined;
  const since = r.promotedAt ?? r.createdAt;
  return all
    .filter((x) => x.kind === 'revert' && x.candidate?.revision === revision && x.createdAt >= since)
    .sort((a, b) => a.createdAt - b.createdAt)[0];
}

/** True if the change failed (see the module comment). */
export function failed(r: DoraRollout, all: readonly DoraRollout[]): boolean {
  if (r.phase === 'failed') return true;
  if (r.phase !== 'succeeded' && r.stop !== null && FAILURE_TRIGGERS.has(r.stop.trigger)) return true;
  return revertOf(r, all) !== undefined;
}

/** How long the failed change took to restore, or null if nothing restored it. */
export function timeToRestore(r: DoraRollout, all: readonly DoraRollout[]): number | null {
  const stoppedInFlight = r.phase !== 'succeeded' && r.stop !== null && r.stop.appliedAt !== null;
  if (stoppedInFlight && r.stop !== null && r.stop.appliedAt !== null) {
    const exposed = r.verdicts[0]?.metrics.windowStart ?? r.promotedAt ?? r.stop.receivedAt;
    const start = Math.min(exposed, r.stop.receivedAt);
    return Math.max(0, r.stop.appliedAt - start);
  }
  const revert = revertOf(r, all);
  if (revert?.stop?.appliedAt != null) return Math.max(0, revert.stop.appliedAt - revert.stop.receivedAt);
  return null;
}

/** The four metrics over `period`, from every rollout record that may bear on it (reverts after it included). */
export function doraMetrics(rollouts: readonly DoraRollout[], period: Period): DoraMetrics {
  const releases = rollouts.filter((r) => r.kind === 'release');
  const deployed = releases.filter((r) => within(r.promotedAt, period));
  const leadTimes = deployed.map((r) => Math.max(0, (r.promotedAt ?? 0) - committedAt(r)));
  const changes = releases.filter((r) => within(r.finishedAt, period) && reachedUsers(r));
  const failures = changes.filter((r) => failed(r, rollouts));
  const restores = failures.map((r) => timeToRestore(r, rollouts));
  const restored = restores.filter((ms): ms is number => ms !== null);
  const days = Math.max(period.to - period.from, 1) / DAY_MS;
  return {
    period,
    deployments: deployed.length,
    deploymentsPerDay: deployed.length / days,
    leadTimeMs: median(leadTimes),
    changes: changes.length,
    failedChanges: failures.length,
    changeFailureRate: changes.length > 0 ? failures.length / changes.length : null,
    timeToRestoreMs: median(restored),
    restored: restored.length,
    unrestored: restores.length - restored.length,
  };
}

/** The bucket size a trend over `period` uses: days up to 31 days, weeks beyond. */
export function bucketSizeFor(period: Period): Millis {
  return period.to - period.from <= 31 * DAY_MS ? DAY_MS : WEEK_MS;
}

/** The metrics bucket by bucket over `period`, oldest first; the last bucket may be shorter. */
export function doraTrend(
  rollouts: readonly DoraRollout[],
  period: Period,
  bucketMs: Millis = bucketSizeFor(period),
): DoraMetrics[] {
  if (!(bucketMs > 0)) throw new Error(`the bucket size must be positive, not ${bucketMs}`);
  const buckets: DoraMetrics[] = [];
  for (let from = period.from; from < period.to; from += bucketMs) {
    buckets.push(doraMetrics(rollouts, { from, to: Math.min(from + bucketMs, period.to) }));
  }
  return buckets;
}
