/**
 * Reverts: returning a target to an earlier revision when no release is in flight — a person's `rollback TARGET`, or an
 * open incident under `rollbackOnAlert: always`. A revert is a rollout of kind `revert` that starts in `rolling_back`:
 * its candidate is the revision serving now, its stable revision the one it returns to, so it moves traffic, is audited,
 * announced and recorded in the release history exactly like any rollback.
 */
import type { TargetPolicy } from './config/policy.js';
import { FRESH_ROLLOUT, NO_TRAFFIC, type ActiveRollout, type Ending, type ReleaseRecord } from './rollout.js';
import type { Transition } from './transition.js';
import { finishAndStartNext, stop } from './stopping.js';

/** The id of a revert: the event that asked for it names it, so a redelivered event finds the same rollout. */
export function revertIdOf(targetId: string, eventId: string): string {
  return `${targetId}@revert:${eventId}`;
}

/**
 * Starts a revert of the target from its stable revision to `to` (a release record when the history knows it, else a
 * bare revision name), as the active rollout. The caller has checked that nothing is active and the target has a stable
 * revision other than `to`.
 */
export function startRevert(
  t: Transition,
  policy: TargetPolicy,
  id: string,
  to: ReleaseRecord | { readonly revision: string },
  ending: Ending,
): ActiveRollout {
  const from = t.state.stable;
  if (from === null) throw new Error('startRevert needs a stable revision');
  const known = 'kind' in to ? to : null;
  const revert: ActiveRollout = {
    id,
    kind: 'revert',
    targetId: t.state.id,
    phase: 'queued',
    build: {
      buildId: known?.buildId ?? `revert to ${to.revision}`,
      projectId: policy.project,
      image: known?.image ?? '',
      commitSha: known?.commitSha ?? null,
      repository: null,
      branch: null,
      tag: null,
      triggerId: null,
      triggerName: null,
      logUrl: null,
      createdAt: t.now,
      finishedAt: null,
    },
    policy,
    createdAt: t.now,
    updatedAt: t.now,
    candidate: { revision: from.revision, url: null },
    stableRevision: to.revision,
    // The revision serving now is the one to take traffic from.
    traffic: { ...NO_TRAFFIC, candidatePercent: 100 },
    ...FRESH_ROLLOUT,
  };
  t.put(revert, 'active');
  stop(t, revert, ending, 'rolled_back');
  return revert;
}

/**
 * Cloud Run confirmed a rollback's traffic: the rollout ends as it was meant to. A completed revert makes the revision it
 * returned to the target's stable one, and, being a state a person or policy chose, lifts a halt left by a failed rollback.
 */
export function finishRollback(t: Transition, r: ActiveRollout): void {
  if (r.kind === 'revert' && r.stableRevision !== null) {
    t.patchTarget({
      stable: { revision: r.stableRevision, image: r.build.image || null, rolloutId: r.id, since: t.now },
      halted: null,
    });
  }
  finishAndStartNext(t, { ...r, phase: r.rollbackEndsAs ?? 'rolled_back' });
}
