/**
 * Stopping a rollout, for whatever reason. The rule: if the candidate may have user traffic, traffic goes back to 100% on
 * the stable revision first (phase `rolling_back`) and the rollout ends once Cloud Run confirms it; if it never had any,
 * it ends at once, because there is nothing to undo. When the active rollout ends, the next queued one starts.
 */
import type { ActiveRollout, EndCause, Ending, Rollout, StopRecord, StopTrigger } from './rollout.js';
import { mayHaveUserTraffic, requestTraffic } from './rollout.js';
import { assertNever, type TerminalPhase } from './phase.js';
import type { Transition } from './transition.js';
import { serviceOf, startDeploy } from './flow.js';

/** How a stopped rollout ends once stable serves 100%. */
export type StopEnd = 'rolled_back' | 'rejected' | 'superseded';

/** Stops `r` for `ending`; see the module comment. */
export function stop(t: Transition, r: ActiveRollout, ending: Ending, endsAs: StopEnd): void {
  const undo = mayHaveUserTraffic(r);
  const base = { ...r, ending, approval: r.approval, waitingFor: null, stop: stopRecordOf(ending, undo ? r : null) };
  if (!undo) {
    return finishAndStartNext(t, { ...base, phase: endsAs === 'rolled_back' ? 'aborted' : endsAs });
  }
  if (r.stableRevision === null) {
    // A first-ever deploy has nothing to return to: taking the candidate's traffic away would take the service down.
    return failAndHalt(t, r, { ...ending, reason: `${ending.reason}; there is no earlier revision to roll back to` });
  }
  const effectId = t.emit({
    type: 'cloudRun.setTraffic',
    rolloutId: r.id,
    service: serviceOf(r.policy),
    split: [{ revision: r.stableRevision, percent: 100 }],
    purpose: 'rollback',
    // A rollback overrides whatever is live, a person's change included: returning users to stable comes first.
    expected: null,
  });
  t.put({
    ...base,
    phase: 'rolling_back',
    pause: null,
    rollbackEndsAs: endsAs,
    traffic: requestTraffic(r.traffic, { effectId, candidatePercent: 0 }),
    waitingFor: { kind: 'traffic', effectId },
  });
}

/** What triggered a stop, for the rollout's {@link StopRecord}. */
export function stopTriggerOf(cause: EndCause): StopTrigger {
  switch (cause) {
    case 'alert':
      return 'incident';
    case 'analysis_failed':
    case 'analysis_inconclusive':
      return 'analysis';
    case 'smoke_failed':
      return 'smoke_check';
    case 'manual_rollback':
    case 'aborted':
    case 'rejected':
      return 'person';
    case 'approval_timeout':
      return 'timeout';
    case 'superseded':
      return 'superseded';
    case 'deploy_failed':
    case 'traffic_failed':
    case 'no_stable_revision':
    case 'promoted':
      return 'failure';
    default:
      return assertNever(cause, 'end cause');
  }
}

/** The stop record of `ending`; `undoing` is the rollout whose traffic goes back to its stable revision, if any. */
function stopRecordOf(ending: Ending, undoing: ActiveRollout | null): StopRecord {
  return {
    trigger: stopTriggerOf(ending.cause),
    actor: ending.actor,
    reason: ending.reason,
    receivedAt: ending.at,
    toRevision: undoing?.stableRevision ?? null,
    appliedAt: null,
    durationMs: null,
  };
}

/** The stop record once Cloud Run confirmed traffic back on the stable revision at `now`. */
export function stopApplied(record: StopRecord | null, now: number): StopRecord | null {
  return record === null ? null : { ...record, appliedAt: now, durationMs: now - record.receivedAt };
}

/**
 * The rollback could not be applied. The rollout ends as `failed` (urgent notification) and the target holds its queue:
 * the service's traffic is in a state Runway did not choose, and a person must look before anything else deploys.
 */
export function failAndHalt(t: Transition, r: ActiveRollout, ending: Ending): void {
  t.finish({ ...r, phase: 'failed', ending, rollbackEndsAs: null });
  t.patchTarget({ halted: { rolloutId: r.id, reason: ending.reason, at: t.now } });
}

/** Ends a rollout in a terminal phase and, if it was the active one, starts the next queued rollout. */
export function finishAndStartNext(t: Transition, r: Rollout & { phase: TerminalPhase }): void {
  const wasActive = t.placeOf(r.id) === 'active';
  t.finish(r);
  if (wasActive) startNext(t);
}

/** Starts the oldest queued rollout if nothing is active and the target is neither halted nor frozen. */
export function startNext(t: Transition): void {
  const { active, queue, halted, frozen } = t.state;
  const next = queue[0];
  if (active !== null || halted !== null || frozen !== null || next === undefined) return;
  startDeploy(t, next);
}
