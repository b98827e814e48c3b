/**
 * `decide(state, event, now, policy) → { state, effects, outcome, rollouts }`: the whole rollout state machine as one pure
 * function. It reads nothing but its arguments — no clock, no network, no Firestore — so the same inputs always give the
 * same decision, and the engine can save the decision before anything is done about it.
 *
 * - Target-level events (builds, alerts) may start, queue, supersede or stop rollouts.
 * - Rollout-level events (effect results, timers, commands) apply to a rollout that is active or queued on the target.
 *   For a rollout that has finished or never existed, results are `ignored` and commands `refused`: a finished rollout
 *   never changes.
 * - When nothing changes, the outcome says why, the state is returned as it was and there are no effects.
 */
import type { TargetPolicy } from './config/policy.js';
import type { Decision, Outcome } from './decision.js';
import type { RunwayEvent } from './events.js';
import { assertNever } from './phase.js';
import type { ActiveRollout, Millis, TargetState } from './rollout.js';
import { Transition } from './transition.js';
import { onAlertClosed, onAlertOpened, onBuildFailed, onBuildSucceeded } from './intake.js';
import {
  onAnalysisCompleted,
  onDeployFailed,
  onRevisionReady,
  onSmokeResult,
  onTimerElapsed,
  onTrafficApplied,
  onTrafficConflict,
  onAnalysisFailed,
  onTrafficFailed,
} from './results.js';
import { onCommand, onResumeHalted } from './commands.js';
import { onTargetRollback } from './targetRollback.js';
import { onFreeze, onUnfreeze } from './freeze.js';

/** Applies one event to one target. See the module comment. */
export function decide(state: TargetState, event: RunwayEvent, now: Millis, policy: TargetPolicy | null): Decision {
  if (event.targetId !== state.id) {
    return unchanged(state, { status: 'refused', message: `event for ${event.targetId} given to target ${state.id}` });
  }
  const t = new Transition(state, now, policy);
  const outcome = apply(t, event);
  return outcome.status === 'applied' ? t.result(outcome) : unchanged(state, outcome);
}

function unchanged(state: TargetState, outcome: Outcome): Decision {
  return { state, effects: [], outcome, rollouts: [] };
}

function apply(t: Transition, e: RunwayEvent): Outcome {
  switch (e.type) {
    case 'build.succeeded':
      return onBuildSucceeded(t, e);
    case 'build.failed':
      return onBuildFailed(t, e);
    case 'alert.opened':
      return onAlertOpened(t, e);
    case 'alert.closed':
      return onAlertClosed(t, e);
    case 'target.rollback':
      return onTargetRollback(t, e);
    case 'target.freeze':
      return onFreeze(t, e);
    case 'target.unfreeze':
      return onUnfreeze(t, e);
    case 'revision.ready':
      return withRollout(t, e.rolloutId, (r) => onRevisionReady(t, r, e));
    case 'deploy.failed':
      return withRollout(t, e.rolloutId, (r) => onDeployFailed(t, r, e));
    case 'smoke.passed':
    case 'smoke.failed':
      return withRollout(t, e.rolloutId, (r) => onSmokeResult(t, r, e));
    case 'analysis.completed':
      return withRollout(t, e.rolloutId, (r) => onAnalysisCompleted(t, r, e));
    case 'analysis.failed':
      return withRollout(t, e.rolloutId, (r) => onAnalysisFailed(t, r, e));
    case 'traffic.applied':
      return withRollout(t, e.rolloutId, (r) => onTrafficApplied(t, r, e));
    case 'traffic.failed':
      return withRollout(t, e.rolloutId, (r) => onTrafficFailed(t, r, e));
    case 'traffic.conflict':
      return withRollout(t, e.rolloutId, (r) => onTrafficConflict(t, r, e));
    case 'timer.elapsed':
      return withRollout(t, e.rolloutId, (r) => onTimerElapsed(t, r, e));
    case 'command.approve':
    case 'command.reject':
    case 'command.pause':
    case 'command.resume':
    case 'command.promote':
    case 'command.rollback':
    case 'command.abort': {
      const name = e.type.slice('command.'.length) as typeof e.type extends `command.${infer N}` ? N : never;
      if (name === 'resume' && t.state.halted?.rolloutId === e.rolloutId) return onResumeHalted(t, e);
      const found = findRollout(t.state, e.rolloutId);
      if (!found)
        return {
          status: 'refused',
          message: `rollout ${e.rolloutId} is not active on ${t.state.id}: it has finished or never existed`,
        };
      return onCommand(t, found, e, name);
    }
    default:
      return assertNever(e, 'event');
  }
}

function withRollout(t: Transition, rolloutId: string, handle: (r: ActiveRollout) => Outcome): Outcome {
  const found = findRollout(t.state, rolloutId);
  return found ? handle(found) : { status: 'ignored', message: `rollout ${rolloutId} is no longer active` };
}

function findRollout(state: TargetState, rolloutId: string): ActiveRollout | undefined {
  return state.active?.id === rolloutId ? state.active : state.queue.find((r) => r.id === rolloutId);
}
