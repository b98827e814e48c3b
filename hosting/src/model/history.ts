/** Filtering a target's rollout history. Pure. */
import type { Millis, Rollout, StopTrigger } from '../../../functions/src/domain/rollout.js';
import type { Phase } from '../../../functions/src/domain/phase.js';

/** What the history view filters by; empty fields match everything. */
export interface HistoryFilter {
  /** A phase, `active` (not finished) or `all`. */
  readonly outcome: Phase | 'active' | 'all';
  readonly kind: Rollout['kind'] | 'all';
  /** What stopped it, or `all`. */
  readonly trigger: StopTrigger | 'all';
  /** Matched against the build id, commit, image, branch, revisions and the stop's actor and reason. */
  readonly text: string;
  /** Created at or after (inclusive), before (exclusive). */
  readonly from: Millis | null;
  readonly to: Millis | null;
}

/** The filter that matches everything. */
export const NO_FILTER: HistoryFilter = { outcome: 'all', kind: 'all', trigger: 'all', text: '', from: null, to: null };

function haystack(r: Rollout): string {
  const actor = r.stop?.actor ?? r.ending?.actor;
  return [
    r.id,
    r.build.buildId,
    r.build.commitSha,
    r.build.image,
    r.build.branch,
    r.build.tag,
    r.candidate?.revision,
    r.stableRevision,
    r.stop?.reason ?? r.ending?.reason,
    actor?.kind === 'user' ? `${actor.id} ${actor.name ?? ''} ${actor.email ?? ''}` : 'runway',
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

/** True if the rollout matches the filter. */
export function matches(r: Rollout, f: HistoryFilter): boolean {
  if (f.outcome === 'active' ? r.finishedAt !== null : f.outcome !== 'all' && r.phase !== f.outcome) return false;
  if (f.kind !== 'all' && r.kind !== f.kind) return false;
  if (f.trigger !== 'all' && r.stop?.trigger !== f.trigger) return false;
  if (f.from !== null && r.createdAt < f.from) return false;
  if (f.to !== null && r.createdAt >= f.to) return false;
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = haystack(r);
  return words.every((w) => text.includes(w));
}

/** The rollouts that match, in the order given. */
export function filterHistory<R extends Rollout>(rollouts: readonly R[], f: HistoryFilter): R[] {
  return rollouts.filter((r) => matches(r, f));
}
