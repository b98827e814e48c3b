/**
 * Results of effects and timers. A result counts only if the rollout is waiting for exactly that effect or timer;
 * anything else is stale (the rollout moved on, e.g. it was paused or rolled back meanwhile) and changes nothing.
 * Traffic confirmations are the exception: they always update what Runway knows about the split.
 */
import type {
  AnalysisCompleted,
  AnalysisFailed,
  DeployFailed,
  RevisionReady,
  SmokeFailed,
  SmokePassed,
  TimerElapsed,
  TrafficApplied,
  TrafficConflict,
  TrafficFailed,
} from './events.js';
import { describeSplit } from './effects.js';
import type { Outcome } from './decision.js';
import { SYSTEM } from './actor.js';
import {
  confirmTraffic,
  forgetTraffic,
  isUnconfirmed,
  type ActiveRollout,
  type Ending,
  type EndCause,
} from './rollout.js';
import type { Transition } from './transition.js';
import { judge } from './judge.js';
import { assertNever } from './phase.js';
import {
  afterApproval,
  afterDeploy,
  afterStepPassed,
  afterVerify,
  bakeIsOver,
  holdForEvidence,
  mayEndBakeEarly,
  plannedSteps,
  scheduleBakeTimer,
  startAnalysis,
  startBake,
  startCheck,
  succeed,
} from './flow.js';
import { guardOrMakeWay } from './intake.js';
import { failAndHalt, stop, stopApplied } from './stopping.js';
import { finishRollback } from './revert.js';
import { baselineRecord, withRelease } from './history.js';

const applied = (message: string): Outcome => ({ status: 'applied', message });
const stale = (r: ActiveRollout, what: string): Outcome => ({
  status: 'ignored',
  message: `stale ${what} for ${r.id}: it is ${r.phase} and waits for ${r.waitingFor?.kind ?? 'nothing'}`,
});

function systemEnding(t: Transition, cause: EndCause, reason: string): Ending {
  return { cause, reason, actor: SYSTEM, at: t.now };
}

export function onRevisionReady(t: Transition, r: ActiveRollout, e: RevisionReady): Outcome {
  if (r.waitingFor?.kind !== 'deploy' || r.waitingFor.effectId !== e.effectId) return stale(r, 'revision');
  const stableRevision = e.stableRevision ?? t.state.stable?.revision ?? null;
  if (t.state.stable === null && stableRevision !== null) {
    // The first time Runway sees the service: what serves it now is the baseline a first rollback returns to.
    t.patchTarget({
      stable: { revision: stableRevision, image: null, rolloutId: null, since: t.now },
      releases: withRelease(t.state.releases, baselineRecord(stableRevision, t.now)),
    });
  }
  const ready: ActiveRollout = {
    ...r,
    candidate: { revision: e.revision, url: e.url },
    stableRevision,
    waitingFor: null,
  };
  if (e.revision === stableRevision) {
    // Cloud Run made no new revision (the template did not change): what was asked for already serves everyone.
    succeed(t, ready, `revision ${e.revision} already serves 100%`);
    return applied(`${r.id}: revision ${e.revision} is already the stable revision`);
  }
  afterDeploy(t, ready);
  return applied(`${r.id}: candidate ${e.revision} ready`);
}

export function onDeployFailed(t: Transition, r: ActiveRollout, e: DeployFailed): Outcome {
  if (r.waitingFor?.kind !== 'deploy' || r.waitingFor.effectId !== e.effectId) return stale(r, 'deploy failure');
  stop(t, r, systemEnding(t, 'deploy_failed', `deploy failed: ${e.reason}`), 'rolled_back');
  return applied(`${r.id}: deploy failed`);
}

export function onSmokeResult(t: Transition, r: ActiveRollout, e: SmokePassed | SmokeFailed): Outcome {
  if (r.waitingFor?.kind !== 'smoke' || r.waitingFor.effectId !== e.effectId) return stale(r, 'smoke result');
  const checked = { ...r, smoke: e.results, waitingFor: null };
  if (e.type === 'smoke.failed') {
    stop(t, checked, systemEnding(t, 'smoke_failed', `smoke check failed: ${e.reason}`), 'rolled_back');
    return applied(`${r.id}: smoke checks failed`);
  }
  afterVerify(t, checked);
  return applied(`${r.id}: smoke checks passed`);
}

export function onTrafficApplied(t: Transition, r: ActiveRollout, e: TrafficApplied): Outcome {
  if (!isUnconfirmed(r.traffic, e.effectId)) return stale(r, 'traffic confirmation');
  // Runway's own split is live again: a person's earlier change is overridden and no longer needs overriding.
  const confirmed: ActiveRollout = { ...r, traffic: confirmTraffic(r.traffic, e.effectId), splitChangedByHand: null };
  const percent = confirmed.traffic.candidatePercent;
  if (r.waitingFor?.kind !== 'traffic' || r.waitingFor.effectId !== e.effectId) {
    t.put(confirmed); // e.g. confirmed while paused, or an earlier change confirmed late: remember the split only
    return applied(`${r.id}: ${percent}% on the candidate confirmed`);
  }
  const next = { ...confirmed, waitingFor: null };
  switch (r.phase) {
    case 'progressing':
      startBake(t, next);
      break;
    case 'promoted':
      guardOrMakeWay(t, next);
      break;
    case 'rolling_back':
      finishRollback(t, { ...next, stop: stopApplied(r.stop, t.now) });
      break;
    case 'queued':
    case 'deploying':
    case 'verifying':
    case 'awaiting_approval':
    case 'paused':
      t.put(next);
      break;
    default:
      return assertNever(r.phase, 'phase');
  }
  return applied(`${r.id}: ${percent}% on the candidate`);
}

export function onTrafficFailed(t: Transition, r: ActiveRollout, e: TrafficFailed): Outcome {
  if (!isUnconfirmed(r.traffic, e.effectId)) return stale(r, 'traffic failure');
  const cleared: ActiveRollout = { ...r, traffic: forgetTraffic(r.traffic, e.effectId) };
  if (r.traffic.pending?.effectId !== e.effectId) {
    t.put(cleared); // an earlier change that a newer one replaced: nothing waits for it
    return applied(`${r.id}: an earlier traffic change failed (${e.reason})`);
  }
  if (r.phase === 'rolling_back') {
    failAndHalt(t, cleared, {
      ...(r.ending ?? systemEnding(t, 'traffic_failed', '')),
      reason: `rollback failed: ${e.reason}`,
    });
    return applied(`${r.id}: rollback FAILED`);
  }
  stop(t, cleared, systemEnding(t, 'traffic_failed', `traffic change failed: ${e.reason}`), 'rolled_back');
  return applied(`${r.id}: traffic change failed; stopping`);
}

/**
 * Someone changed the split by hand while the rollout ran: Runway applied nothing and holds the rollout, leaving the
 * person's split live, until a person decides (resume re-applies the step over it, promote, rollback). What the candidate
 * serves now is taken from the live split, so that a rollback or abort knows whether there is traffic to undo.
 */
export function onTrafficConflict(t: Transition, r: ActiveRollout, e: TrafficConflict): Outcome {
  if (!isUnconfirmed(r.traffic, e.effectId)) return stale(r, 'traffic conflict');
  const candidatePercent = e.actual.find((s) => s.revision === r.candidate?.revision)?.percent ?? 0;
  const traffic = { ...forgetTraffic(r.traffic, e.effectId), candidatePercent };
  const noted: ActiveRollout = { ...r, traffic, splitChangedByHand: { actual: e.actual, at: t.now } };
  if (r.traffic.pending?.effectId !== e.effectId) {
    t.put(noted); // an earlier change that a newer one replaced: nothing waits for it
    return applied(`${r.id}: an earlier traffic change found a split changed by hand`);
  }
  const live = describeSplit(e.actual);
  if (r.phase === 'rolling_back') {
    // Rollbacks override whatever is live, so this cannot come from one; should it, a person must look.
    failAndHalt(t, noted, {
      ...(r.ending ?? systemEnding(t, 'traffic_failed', '')),
      reason: `rollback refused: ${e.reason}`,
    });
    return applied(`${r.id}: rollback FAILED`);
  }
  const reason =
    `traffic split changed outside Runway (live: ${live}); left as it is. ` +
    'Resume to apply the step over it, promote, or roll back.';
  t.put({ ...noted, phase: 'paused', waitingFor: null, pause: { actor: SYSTEM, reason, at: t.now } });
  return applied(`${r.id}: paused: ${reason}`);
}

export function onTimerElapsed(t: Transition, r: ActiveRollout, e: TimerElapsed): Outcome {
  const wait = r.waitingFor;
  if (wait?.kind !== 'timer' || wait.timerId !== e.timerId) return stale(r, 'timer');
  const next = { ...r, waitingFor: null };
  switch (wait.purpose) {
    case 'bake':
      if (next.phase === 'paused' || !bakeIsOver(next, t.now)) {
        startCheck(t, next);
        return applied(`${r.id}: step ${r.step + 1} ${next.phase === 'paused' ? 'held' : 'baking'}; checking`);
      }
      startAnalysis(t, next);
      return applied(`${r.id}: step ${r.step + 1} baked; analysing`);
    case 'guard':
      succeed(t, next);
      return applied(`${r.id}: guard window passed`);
    case 'approval':
      return onApprovalTimeout(t, next);
    default:
      return assertNever(wait.purpose, 'timer purpose');
  }
}

function onApprovalTimeout(t: Transition, r: ActiveRollout): Outcome {
  const gate = r.approval;
  if (!gate) return stale(r, 'approval timer');
  if (r.policy.approval.onTimeout === 'proceed') {
    afterApproval(t, r, {
      ...gate,
      decision: { approved: true, actor: SYSTEM, at: t.now, reason: 'approval timed out; policy proceeds' },
    });
    t.emit({
      type: 'notify',
      rolloutId: r.id,
      severity: 'warning',
      topic: 'approval.timeout',
      text: `${r.id}: nobody approved in time; proceeding, as the policy says (onTimeout: proceed)`,
    });
    return applied(`${r.id}: approval timed out; proceeding per policy`);
  }
  const decided = {
    ...r,
    approval: { ...gate, decision: { approved: false, actor: SYSTEM, at: t.now, reason: 'approval timed out' } },
  };
  stop(t, decided, systemEnding(t, 'approval_timeout', 'nobody approved in time'), 'rejected');
  return applied(`${r.id}: approval timed out; rejected`);
}

export function onAnalysisCompleted(t: Transition, r: ActiveRollout, e: AnalysisCompleted): Outcome {
  if (r.waitingFor?.kind !== 'analysis' || r.waitingFor.effectId !== e.effectId) return stale(r, 'analysis');
  const interim = r.waitingFor.interim === true;
  const early = r.waitingFor.early === true;
  const judgement = judge(e.metrics, r.policy.analysis, {
    step: r.step,
    at: t.now,
    stage: interim ? 'interim' : 'final',
    stepStartedAt: r.stepStartedAt ?? e.metrics.windowStart,
    plannedSteps: plannedSteps(r),
    evidence: r.evidence,
    mayConclude: interim && r.phase !== 'paused' && mayEndBakeEarly(r, t.now),
  });
  // A judgement asked for early that does not pass is no reason to extend the bake: the bake simply goes on.
  const bakeOn = early && judgement.next === 'inconclusive';
  const { verdict } = judgement;
  const judged: ActiveRollout = {
    ...r,
    evidence: judgement.evidence,
    verdicts: verdict && !bakeOn ? [...r.verdicts, verdict] : r.verdicts,
    waitingFor: null,
  };
  if (bakeOn) {
    scheduleBakeTimer(t, judged);
    return applied(`${r.id}: step ${r.step + 1} not ready to end early (${judgement.reason}); baking on`);
  }
  switch (judgement.next) {
    case 'continue':
      scheduleBakeTimer(t, judged);
      return applied(`${r.id}: step ${r.step + 1} checked: ${judgement.reason}`);
    case 'conclude':
      startAnalysis(t, judged, true);
      return applied(`${r.id}: step ${r.step + 1}: ${judgement.reason}`);
    case 'pass':
      afterStepPassed(t, judged);
      return applied(`${r.id}: step ${r.step + 1} passed: ${judgement.reason}`);
    case 'fail':
      stop(t, judged, systemEnding(t, 'analysis_failed', `analysis failed: ${judgement.reason}`), 'rolled_back');
      return applied(`${r.id}: analysis failed: ${judgement.reason}`);
    case 'inconclusive':
      return onInconclusive(t, judged, judgement.reason);
    default:
      return assertNever(judgement.next, 'verdict');
  }
}

/**
 * The step's metrics could not be read: nothing says the candidate is good or bad, so it neither moves on nor rolls back.
 * It holds where it is for a person (resume measures the step again; an alert or a person can still roll back).
 */
export function onAnalysisFailed(t: Transition, r: ActiveRollout, e: AnalysisFailed): Outcome {
  if (r.waitingFor?.kind !== 'analysis' || r.waitingFor.effectId !== e.effectId) return stale(r, 'analysis failure');
  const reason = `analysis could not run: ${e.reason}`;
  t.put({ ...r, phase: 'paused', waitingFor: null, pause: { actor: SYSTEM, reason, at: t.now } });
  return applied(`${r.id}: held for a person: ${reason}`);
}

/** Too little evidence: bake longer, up to the limit; then hold for a person or fail, per policy. */
function onInconclusive(t: Transition, r: ActiveRollout, reason: string): Outcome {
  const { maxExtensions, then } = r.policy.analysis.inconclusive;
  if (r.extensions < maxExtensions) {
    startBake(t, { ...r, extensions: r.extensions + 1 });
    return applied(`${r.id}: inconclusive (${reason}); bake extended (${r.extensions + 1}/${maxExtensions})`);
  }
  if (then === 'fail') {
    stop(t, r, systemEnding(t, 'analysis_inconclusive', `analysis inconclusive: ${reason}`), 'rolled_back');
    return applied(`${r.id}: still inconclusive after ${maxExtensions} extensions; rolling back`);
  }
  holdForEvidence(t, r, `analysis inconclusive: ${reason}`);
  return applied(`${r.id}: still inconclusive after ${maxExtensions} extensions; held for a person`);
}
