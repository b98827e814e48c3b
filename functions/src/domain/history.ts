/**
 * A target's release history: every rollout that ended with a candidate revision, and the revision Runway found serving
 * before its first rollout. It answers "what did we ship, when, by whom, and how did it end", and the one question a
 * rollback needs: which revision is the previous good one.
 */
import { describeActor } from './actor.js';
import { RELEASES_KEPT, type ReleaseRecord, type Rollout, type TargetState } from './rollout.js';
import type { TerminalPhase } from './phase.js';

/** The record of a finished rollout, or null if it never had a candidate revision (nothing was released). */
export function releaseRecordOf(r: Rollout & { phase: TerminalPhase }, at: number): ReleaseRecord | null {
  if (r.candidate === null) return null;
  const revert = r.kind === 'revert';
  return {
    kind: r.kind,
    rolloutId: r.id,
    // A revert's release is the revision it returned to; a release's is its candidate.
    revision: revert ? (r.stableRevision ?? r.candidate.revision) : r.candidate.revision,
    image: r.build.image || null,
    commitSha: r.build.commitSha,
    buildId: revert ? null : r.build.buildId,
    at,
    by: revert ? describeActor(r.stop?.actor ?? r.ending?.actor ?? { kind: 'system', id: 'runway' }) : byOf(r),
    outcome: r.phase,
    becameStable: revert ? r.phase === 'rolled_back' : r.phase === 'succeeded',
    fromRevision: revert ? r.candidate.revision : null,
    replacedRevision: revert ? r.candidate.revision : r.stableRevision,
  };
}

/** The history with `record` added at the front, capped. */
export function withRelease(history: readonly ReleaseRecord[], record: ReleaseRecord): ReleaseRecord[] {
  return [record, ...history].slice(0, RELEASES_KEPT);
}

/** The record of the revision that served before Runway's first rollout. */
export function baselineRecord(revision: string, at: number): ReleaseRecord {
  return {
    kind: 'baseline',
    rolloutId: null,
    revision,
    image: null,
    commitSha: null,
    buildId: null,
    at,
    by: 'before Runway',
    outcome: 'baseline',
    becameStable: true,
    fromRevision: null,
    replacedRevision: null,
  };
}

/**
 * The previous good revision: the newest revision, other than the one serving now, that became stable before the current
 * one did and was never reverted away from; failing that, the revision the current one replaced (a history that starts
 * after Runway was installed, or was trimmed, still knows that much). Null when neither is known.
 */
export function previousGoodRevision(
  state: Pick<TargetState, 'stable' | 'releases'>,
): ReleaseRecord | { readonly revision: string } | null {
  const current = state.stable?.revision ?? null;
  const leftByRevert = new Set<string>();
  const isGood = (revision: string): boolean => revision !== current && !leftByRevert.has(revision);
  let pastCurrent = current === null;
  // What the current revision replaced, each time it became stable: the answer when the history runs out.
  const replaced: string[] = [];
  // Newest first: a revert is always newer than the release it reverted, so it is known by the time that one is read.
  for (const record of state.releases) {
    if (record.fromRevision !== null) leftByRevert.add(record.fromRevision);
    if (!record.becameStable) continue;
    if (record.revision === current) {
      // Records newer than the one that made the current revision stable are not "previous".
      pastCurrent = true;
      if (record.replacedRevision !== null) replaced.push(record.replacedRevision);
      continue;
    }
    if (pastCurrent && isGood(record.revision)) return record;
  }
  const fallback = replaced.find(isGood);
  return fallback === undefined ? null : { revision: fallback };
}

function byOf(r: Rollout): string {
  const { triggerName, buildId } = r.build;
  return triggerName ? `build ${buildId} (trigger ${triggerName})` : `build ${buildId}`;
}
