/**
 * Moving a rollout forward: deploy → smoke checks → [approval] → canary steps (traffic, bake, analysis) → [approval] →
 * promotion → guard window → success. Each function takes the rollout as it is now and records the next phase, the effect
 * that gets it there and what the rollout waits for.
 */
import { requestTraffic, type ApprovalState, type ActiveRollout } from './rollout.js';
import { splitOf, type ExpectedSplit, type ServiceRef } from './effects.js';
import type { Transition } from './transition.js';
import type { TargetPolicy } from './config/policy.js';
import { finishAndStartNext } from './stopping.js';
import { latencyThresholdsOf } from './analysis/thresholds.js';
import { SYSTEM } from './actor.js';

/** The Cloud Run service of a rollout's target. */
export function serviceOf(policy: TargetPolicy): ServiceRef {
  return { project: policy.project, region: policy.region, service: policy.service };
}

/**
 * The splits Runway may have left the service in: the one Cloud Run last confirmed, and each one asked for and not yet
 * confirmed. A traffic change that finds none of them live has found a person's change. Null once a person has seen such
 * a change and told the rollout to go on (resume, promote): the next change overrides it.
 */
export function expectedSplits(r: ActiveRollout): readonly ExpectedSplit[] | null {
  if (r.splitChangedByHand !== null) return null;
  const candidate = r.candidate?.revision ?? null;
  const percents = [r.traffic.candidatePercent, ...r.traffic.earlier.map((q) => q.candidatePercent)];
  if (r.traffic.pending) percents.push(r.traffic.pending.candidatePercent);
  return [...new Set(percents)].map((p) => ({ split: splitOf(r.stableRevision, candidate, p) }));
}

/** Makes a queued rollout the active one and gets its candidate at 0% traffic (deployed, or adopted from the build). */
export function startDeploy(t: Transition, r: ActiveRollout): void {
  const effectId = t.emit({
    type: 'cloudRun.deployCandidate',
    rolloutId: r.id,
    service: serviceOf(r.policy),
    image: r.build.image,
    tag: r.policy.candidate.tag,
    source: r.policy.candidate.source,
  });
  t.put({ ...r, phase: 'deploying', waitingFor: { kind: 'deploy', effectId } }, 'active');
}

/** After the candidate exists: smoke checks if there are any, else on to the first traffic. */
export function afterDeploy(t: Transition, r: ActiveRollout): void {
  if (r.policy.smoke.checks.length === 0) return afterVerify(t, r);
  const effectId = t.emit({ type: 'smoke.run', rolloutId: r.id, url: r.candidate?.url ?? null, smoke: r.policy.smoke });
  t.put({ ...r, phase: 'verifying', waitingFor: { kind: 'smoke', effectId } });
}

/**
 * After verification: the approval gate if it comes before traffic, else the first traffic. Blue-green and immediate
 * rollouts, and a first-ever deploy with no stable revision, have one switch only, so a gate always sits before it.
 */
export function afterVerify(t: Transition, r: ActiveRollout): void {
  const { approval, strategy } = r.policy;
  const singleSwitch = strategy.kind !== 'canary' || r.stableRevision === null;
  if (approval.required && (approval.stage === 'beforeFirstTraffic' || singleSwitch)) {
    return requestApproval(t, r, singleSwitch ? 'beforePromotion' : 'beforeFirstTraffic');
  }
  return firstTraffic(t, r);
}

/** After approval was given (by a person, or by policy on timeout). */
export function afterApproval(t: Transition, r: ActiveRollout, approval: ApprovalState): void {
  const approved = { ...r, approval };
  return approval.stage === 'beforeFirstTraffic' ? firstTraffic(t, approved) : promote(t, approved);
}

function firstTraffic(t: Transition, r: ActiveRollout): void {
  if (r.policy.strategy.kind === 'canary' && r.stableRevision !== null) return enterStep(t, r, 0);
  return promote(t, r);
}

/** Opens an approval gate; the timeout is a timer. */
export function requestApproval(t: Transition, r: ActiveRollout, stage: ApprovalState['stage']): void {
  const deadlineAt = t.now + r.policy.approval.timeout;
  const timerId = t.emit({ type: 'timer.schedule', rolloutId: r.id, purpose: 'approval', dueAt: deadlineAt });
  t.put({
    ...r,
    phase: 'awaiting_approval',
    approval: { stage, requestedAt: t.now, deadlineAt, decision: null },
    pause: null,
    waitingFor: { kind: 'timer', timerId, purpose: 'approval' },
  });
}

/** Starts canary step `step`: asks Cloud Run for its weight. */
export function enterStep(t: Transition, r: ActiveRollout, step: number): void {
  const weight = canaryWeight(r, step);
  const effectId = t.emit({
    type: 'cloudRun.setTraffic',
    rolloutId: r.id,
    service: serviceOf(r.policy),
    split: splitOf(r.stableRevision, r.candidate?.revision ?? null, weight),
    purpose: 'step',
    expected: expectedSplits(r),
  });
  t.put({
    ...r,
    phase: 'progressing',
    step,
    stepStartedAt: null,
    extensions: 0,
    pause: null,
    traffic: requestTraffic(r.traffic, { effectId, candidatePercent: weight }),
    waitingFor: { kind: 'traffic', effectId },
  });
}

/**
 * The step's traffic is live: bake it. A step's first bake (no extension yet) also waits out Cloud Monitoring's reporting
 * delay, so that the analysis sees the whole bake; an extension adds only its bake, the delay being already waited.
 * With `analysis.sequential.checkEvery`, the step is checked that often while it bakes (see {@link startCheck}).
 */
export function startBake(t: Transition, r: ActiveRollout): void {
  const delay = r.extensions === 0 ? r.policy.analysis.metricsDelay : 0;
  const bakeEndsAt = t.now + bakeOf(r) + delay;
  scheduleBakeTimer(t, { ...r, stepStartedAt: r.stepStartedAt ?? t.now, bakeEndsAt });
}

/** The next bake timer: the next check while the bake lasts, else the bake's end; for a held rollout, the next check. */
export function scheduleBakeTimer(t: Transition, r: ActiveRollout): void {
  const bakeEndsAt = r.bakeEndsAt ?? t.now;
  const every = r.policy.analysis.sequential.checkEvery;
  const dueAt =
    r.phase === 'paused' ? t.now + every : every > 0 && t.now + every < bakeEndsAt ? t.now + every : bakeEndsAt;
  const timerId = t.emit({ type: 'timer.schedule', rolloutId: r.id, purpose: 'bake', dueAt });
  t.put({ ...r, waitingFor: { kind: 'timer', timerId, purpose: 'bake' } });
}

/**
 * Holds a rollout whose analysis stayed inconclusive for a person. The step's traffic stays, and so do the checks
 * (with `sequential.checkEvery`): strong evidence of harm still rolls it back while it waits; nothing else moves it.
 */
export function holdForEvidence(t: Transition, r: ActiveRollout, reason: string): void {
  const held: ActiveRollout = { ...r, phase: 'paused', pause: { actor: SYSTEM, reason, at: t.now }, waitingFor: null };
  if (r.policy.analysis.sequential.checkEvery > 0) return scheduleBakeTimer(t, held);
  t.put(held);
}

/** True once the bake (or its extension) is over: the step is judged; before that, it is only checked. */
export function bakeIsOver(r: ActiveRollout, now: number): boolean {
  return r.bakeEndsAt === undefined || r.bakeEndsAt === null || now >= r.bakeEndsAt;
}

/**
 * The bake is over (or, `early`, a check found strong evidence of no harm): measure the step's window, from the step's
 * start to what Cloud Monitoring has surely reported (now minus the reporting delay).
 */
export function startAnalysis(t: Transition, r: ActiveRollout, early = false): void {
  const windowStart = r.stepStartedAt ?? t.now;
  const windowEnd = Math.max(windowStart, t.now - r.policy.analysis.metricsDelay);
  const effectId = emitAnalysis(t, r, windowStart, windowEnd);
  t.put({ ...r, waitingFor: early ? { kind: 'analysis', effectId, early } : { kind: 'analysis', effectId } });
}

/**
 * A check while the step bakes: measure from the step's start to now, whatever Cloud Monitoring has reported so far.
 * Strong evidence of harm needs no complete window (a missing minute removes requests and errors together); the step
 * is only passed on a complete one ({@link startAnalysis}).
 */
export function startCheck(t: Transition, r: ActiveRollout): void {
  const windowStart = r.stepStartedAt ?? t.now;
  const effectId = emitAnalysis(t, r, windowStart, Math.max(windowStart, t.now));
  t.put({ ...r, waitingFor: { kind: 'analysis', effectId, interim: true } });
}

function emitAnalysis(t: Transition, r: ActiveRollout, windowStart: number, windowEnd: number): string {
  const { analysis } = r.policy;
  const warmup = Math.min(analysis.sequential.latencyWarmup, bakeOf(r) / 2);
  return t.emit({
    type: 'analysis.run',
    rolloutId: r.id,
    service: serviceOf(r.policy),
    candidateRevision: r.candidate?.revision ?? '',
    stableRevision: r.stableRevision,
    windowStart,
    windowEnd,
    latencyWindowStart: Math.min(windowStart + warmup, windowEnd),
    latencyThresholdsMs: latencyThresholdsOf(analysis),
  });
}

/**
 * Whether a check may end the bake now on strong evidence of no harm: `advanceEarly` is on and at least half of the
 * bake has been reported (the step has run half its bake plus the metrics delay).
 */
export function mayEndBakeEarly(r: ActiveRollout, now: number): boolean {
  const { sequential, metricsDelay } = r.policy.analysis;
  if (!sequential.advanceEarly || r.stepStartedAt === null) return false;
  return now - metricsDelay - r.stepStartedAt >= bakeOf(r) / 2;
}

/** How many canary steps the rollout's policy plans (1 for strategies without steps). */
export function plannedSteps(r: ActiveRollout): number {
  return r.policy.strategy.kind === 'canary' ? Math.max(1, r.policy.strategy.steps.length) : 1;
}

/** The step passed: the next step, or the gate before promotion, or promotion. */
export function afterStepPassed(t: Transition, r: ActiveRollout): void {
  const steps = r.policy.strategy.kind === 'canary' ? r.policy.strategy.steps : [];
  if (r.step + 1 < steps.length) return enterStep(t, r, r.step + 1);
  return promoteOrAskFirst(t, r);
}

/** Promotion, behind the approval gate when policy puts one before it and it was not passed yet. */
export function promoteOrAskFirst(t: Transition, r: ActiveRollout): void {
  const { approval } = r.policy;
  const approved = r.approval?.stage === 'beforePromotion' && r.approval.decision?.approved === true;
  if (approval.required && approval.stage === 'beforePromotion' && !approved) {
    return requestApproval(t, r, 'beforePromotion');
  }
  return promote(t, r);
}

/** Sends 100% to the candidate (unless it already has it), then the guard window. */
export function promote(t: Transition, r: ActiveRollout): void {
  if (r.traffic.candidatePercent === 100 && r.traffic.pending === null) {
    return startGuard(t, { ...r, phase: 'promoted', pause: null });
  }
  const effectId = t.emit({
    type: 'cloudRun.setTraffic',
    rolloutId: r.id,
    service: serviceOf(r.policy),
    split: splitOf(r.stableRevision, r.candidate?.revision ?? null, 100),
    purpose: 'promote',
    expected: expectedSplits(r),
  });
  t.put({
    ...r,
    phase: 'promoted',
    pause: null,
    traffic: requestTraffic(r.traffic, { effectId, candidatePercent: 100 }),
    waitingFor: { kind: 'traffic', effectId },
  });
}

/** 100% is confirmed: the guard window, during which an alert still rolls back; or success at once if it is zero. */
export function startGuard(t: Transition, r: ActiveRollout): void {
  const promoted = { ...r, promotedAt: r.promotedAt ?? t.now };
  const guardMs = r.policy.rollback.guardWindowMs;
  if (guardMs === 0) return succeed(t, promoted);
  const timerId = t.emit({ type: 'timer.schedule', rolloutId: r.id, purpose: 'guard', dueAt: t.now + guardMs });
  t.put({ ...promoted, waitingFor: { kind: 'timer', timerId, purpose: 'guard' } });
}

/** The candidate becomes the target's stable revision. */
export function succeed(t: Transition, r: ActiveRollout, reason = 'promoted; guard window passed'): void {
  if (r.candidate) {
    t.patchTarget({ stable: { revision: r.candidate.revision, image: r.build.image, rolloutId: r.id, since: t.now } });
  }
  finishAndStartNext(t, {
    ...r,
    phase: 'succeeded',
    ending: { cause: 'promoted', reason, actor: { kind: 'system', id: 'runway' }, at: t.now },
  });
}

/** The weight of canary step `step` (100 for strategies without steps). */
export function canaryWeight(r: ActiveRollout, step: number): number {
  return r.policy.strategy.kind === 'canary' ? (r.policy.strategy.steps[step]?.weight ?? 100) : 100;
}

function bakeOf(r: ActiveRollout): number {
  return r.policy.strategy.kind === 'canary' ? (r.policy.strategy.steps[r.step]?.bakeMs ?? 0) : 0;
}
