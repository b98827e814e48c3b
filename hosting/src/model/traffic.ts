/** A rollout's traffic over time, from its audit log: every split Cloud Run confirmed (or was found in). Pure. */
import type { TrafficSplit } from '../../../functions/src/domain/effects.js';
import type { Millis, Rollout } from '../../../functions/src/domain/rollout.js';
import type { LogEntry } from '../data/documents.js';

/** One point: from `at` on, the candidate served `candidate` percent. */
export interface TrafficPoint {
  readonly at: Millis;
  readonly candidate: number;
}

function candidateShare(split: TrafficSplit, revision: string | undefined): number {
  return revision === undefined ? 0 : split.filter((s) => s.revision === revision).reduce((n, s) => n + s.percent, 0);
}

/**
 * The candidate's share of traffic as a step function: 0% when the rollout began, each confirmed split (and each live
 * split a traffic change found changed by hand) at its time, held until the rollout ended (or `now`).
 */
export function trafficSeries(
  rollout: Pick<Rollout, 'id' | 'createdAt' | 'finishedAt' | 'candidate' | 'kind'>,
  log: readonly LogEntry[],
  now: Millis,
): TrafficPoint[] {
  const revision = rollout.candidate?.revision;
  // A revert starts with everyone on the revision it takes traffic from (its candidate).
  const points: TrafficPoint[] = [{ at: rollout.createdAt, candidate: rollout.kind === 'revert' ? 100 : 0 }];
  for (const entry of log) {
    const e = entry.event;
    if (entry.outcome.status === 'refused') continue;
    if (e.type === 'traffic.applied' && e.rolloutId === rollout.id) {
      points.push({ at: entry.at, candidate: candidateShare(e.split, revision) });
    } else if (e.type === 'traffic.conflict' && e.rolloutId === rollout.id) {
      points.push({ at: entry.at, candidate: candidateShare(e.actual, revision) });
    }
  }
  points.sort((a, b) => a.at - b.at);
  const last = points[points.length - 1]!;
  const end = rollout.finishedAt ?? now;
  if (end > last.at) points.push({ at: end, candidate: last.candidate });
  return points;
}
