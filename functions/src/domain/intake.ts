/**
 * Target-level events: builds arriving (a new rollout starts, queues, or supersedes the active one) and Cloud Monitoring
 * alerts (an open incident rolls the target's rollouts back, or reverts its last release if the policy says so).
 */
import type { AlertClosed, AlertOpened, BuildFailed, BuildSucceeded } from './events.js';
import type { Outcome } from './decision.js';
import { SYSTEM } from './actor.js';
import {
  FRESH_ROLLOUT,
  NO_TRAFFIC,
  RECENT_BUILDS_KEPT,
  rolloutIdOf,
  type ActiveRollout,
  type BuildRecord,
  type Ending,
  type IncidentRecord,
} from './rollout.js';
import { knownIncident, withIncident } from './incidents.js';
import { previousGoodRevision } from './history.js';
import { revertIdOf, startRevert } from './revert.js';
import type { Transition } from './transition.js';
import type { TargetPolicy } from './config/policy.js';
import { startGuard, succeed } from './flow.js';
import { startNext, stop } from './stopping.js';

const applied = (message: string): Outcome => ({ status: 'applied', message });

/** A build's image is ready: a new rollout, started now or queued behind the active one. */
export function onBuildSucceeded(t: Transition, e: BuildSucceeded): Outcome {
  const policy = t.policy;
  if (!policy) return { status: 'refused', message: `target ${e.targetId} is not in runway.yaml` };
  const id = rolloutIdOf(e.targetId, e.build.buildId);
  if (t.placeOf(id)) return { status: 'ignored', message: `rollout ${id} is already running` };
  if (t.state.recentBuilds.some((b) => b.buildId === e.build.buildId && b.rolloutId !== null)) {
    return { status: 'ignored', message: `build ${e.build.buildId} was already rolled out to ${e.targetId}` };
  }

  const rollout = newRollout(id, e, policy, t.now);
  record(t, { ...buildRecordOf(e, 'SUCCESS', t.now), rolloutId: id });
  const { active } = t.state;
  const superseded: Ending = {
    cause: 'superseded',
    reason: `replaced by build ${e.build.buildId}`,
    actor: SYSTEM,
    at: t.now,
  };

  // Only the newest build waits: older queued ones would deploy something already out of date.
  for (const older of t.state.queue) t.finish({ ...older, phase: 'superseded', ending: superseded });
  t.put(rollout, 'queue');

  if (active === null) {
    startNext(t);
    const { halted, frozen } = t.state;
    if (halted) return applied(`rollout ${id} queued: the target is halted (${halted.reason})`);
    if (frozen) return applied(`rollout ${id} queued: ${policy.environment} is frozen (${frozen.reason})`);
    return applied(`rollout ${id} started`);
  }
  if (policy.onNewBuild === 'supersede') supersede(t, active, superseded);
  return applied(`rollout ${id} queued behind ${active.id}`);
}

/**
 * Makes way for a newer build. A promoted rollout is already serving everyone and is never undone for this: its guard
 * window just ends early. A rollout already rolling back finishes doing so.
 */
function supersede(t: Transition, active: ActiveRollout, ending: Ending): void {
  if (active.phase === 'rolling_back') return;
  if (active.phase === 'promoted') {
    if (active.traffic.candidatePercent === 100 && active.traffic.pending === null) {
      succeed(t, active, 'promoted; guard window ended early by a newer build');
    }
    return;
  }
  stop(t, active, ending, 'superseded');
}

/**
 * After promotion traffic is confirmed: the guard window, unless a newer build waits and the target's current policy
 * (the one the newer build arrived under, as in {@link supersede}) says to make way.
 */
export function guardOrMakeWay(t: Transition, r: ActiveRollout): void {
  if (t.state.queue.length > 0 && t.policy?.onNewBuild === 'supersede') {
    return succeed(t, { ...r, promotedAt: t.now }, 'promoted; guard window ended early by a newer build');
  }
  startGuard(t, r);
}

/** A build failed: recorded in the target's history and announced. */
export function onBuildFailed(t: Transition, e: BuildFailed): Outcome {
  if (!t.policy) return { status: 'refused', message: `target ${e.targetId} is not in runway.yaml` };
  record(t, buildRecordOf(e, e.status, t.now));
  const text = `${e.targetId}: build ${e.build.buildId} ended ${e.status}${e.build.logUrl ? ` (${e.build.logUrl})` : ''}`;
  t.emit({ type: 'notify', rolloutId: null, severity: 'warning', topic: 'build.failed', text });
  t.emit({
    type: 'events.publish',
    rolloutId: null,
    eventType: 'runway.build.failed',
    at: t.now,
    data: { targetId: e.targetId, buildId: e.build.buildId, status: e.status, logUrl: e.build.logUrl },
  });
  return applied(`build ${e.build.buildId} recorded as ${e.status}`);
}

/**
 * An open incident. Only its first notification acts; one for an incident already seen (open, or closed before its open
 * arrived) changes nothing. Then, first match wins:
 * 1. a rollout is active (any phase, approval and pause included, the guard window after promotion too): it is rolled
 *    back to its stable revision, and queued rollouts are dropped;
 * 2. only queued rollouts: they are dropped;
 * 3. `rollbackOnAlert: always`, the stable revision was released by Runway less than `revertWithin` ago and a previous
 *    good revision is known: the release is reverted to it;
 * 4. otherwise people are told.
 */
export function onAlertOpened(t: Transition, e: AlertOpened): Outcome {
  const seen = knownIncident(t.state, e.incidentId);
  if (seen) return { status: 'ignored', message: `incident ${e.incidentId} was seen before (${seen.state})` };
  const receivedAt = e.receivedAt ?? t.now;
  const ending: Ending = { cause: 'alert', reason: `alert "${e.policy}": ${e.summary}`, actor: SYSTEM, at: receivedAt };
  const remember = (action: IncidentRecord['action'], rolloutId: string | null): void => {
    const record: IncidentRecord = {
      incidentId: e.incidentId,
      policy: e.policy,
      state: 'open',
      openedAt: receivedAt,
      closedAt: null,
      action,
      rolloutId,
    };
    t.patchTarget({ incidents: withIncident(t.state.incidents, record) });
    publishIncident(t, 'runway.incident.opened', record, { summary: e.summary, url: e.url, startedAt: e.startedAt });
  };

  const { active, queue } = t.state;
  for (const queued of queue) t.finish({ ...queued, phase: 'aborted', ending, stop: null });
  if (active && active.phase !== 'rolling_back') {
    stop(t, active, ending, 'rolled_back');
    remember('rolled_back', active.id);
    return applied(`incident ${e.incidentId} rolls back ${active.id}`);
  }
  if (active) {
    remember('none', active.id);
    const dropped = queue.length > 0 ? `; ${queue.length} queued rollout(s) dropped` : '';
    return applied(`incident ${e.incidentId}: ${active.id} is already rolling back${dropped}`);
  }
  if (queue.length > 0) {
    remember('none', null);
    return applied(`incident ${e.incidentId}: ${queue.length} queued rollout(s) dropped`);
  }
  const revert = revertOnAlert(t, e, ending);
  if (revert !== null) {
    remember('reverted', revert.id);
    return applied(`incident ${e.incidentId} reverts ${revert.candidate?.revision ?? '?'} to ${revert.stableRevision}`);
  }
  remember('notified', null);
  t.emit({
    type: 'notify',
    rolloutId: null,
    severity: 'warning',
    topic: 'alert.opened',
    text: `${e.targetId}: ${ending.reason}`,
  });
  return applied(`incident ${e.incidentId} noted: no rollout to roll back`);
}

/** Rule 3 of {@link onAlertOpened}: the revert it starts, or null. */
function revertOnAlert(t: Transition, e: AlertOpened, ending: Ending): ActiveRollout | null {
  const policy = t.policy;
  const stable = t.state.stable;
  if (!policy || policy.rollback.rollbackOnAlert !== 'always' || !stable || stable.rolloutId === null) return null;
  if (t.now - stable.since > policy.rollback.revertWithinMs) return null;
  const previous = previousGoodRevision(t.state);
  if (previous === null) return null;
  return startRevert(t, policy, revertIdOf(e.targetId, e.id), previous, ending);
}

/** A closed incident is recorded (an unknown one too, so that its late open notification is ignored), and announced. */
export function onAlertClosed(t: Transition, e: AlertClosed): Outcome {
  const seen = knownIncident(t.state, e.incidentId);
  if (seen?.state === 'closed') return { status: 'ignored', message: `incident ${e.incidentId} was closed before` };
  const record: IncidentRecord = {
    incidentId: e.incidentId,
    policy: e.policy,
    state: 'closed',
    openedAt: seen?.openedAt ?? null,
    closedAt: e.receivedAt ?? t.now,
    action: seen?.action ?? 'none',
    rolloutId: seen?.rolloutId ?? null,
  };
  t.patchTarget({ incidents: withIncident(t.state.incidents, record) });
  publishIncident(t, 'runway.incident.closed', record, { endedAt: e.endedAt });
  t.emit({
    type: 'notify',
    rolloutId: null,
    severity: 'info',
    topic: 'alert.closed',
    text: `${e.targetId}: alert "${e.policy}" resolved${seen ? '' : ' (its opening was never received)'}`,
  });
  return applied(
    seen ? `incident ${e.incidentId} closed` : `incident ${e.incidentId} closed before its open was received`,
  );
}

/** Publishes an incident's record (and `extra` details) on `runway-events`. */
function publishIncident(
  t: Transition,
  eventType: 'runway.incident.opened' | 'runway.incident.closed',
  record: IncidentRecord,
  extra: Readonly<Record<string, unknown>>,
): void {
  t.emit({
    type: 'events.publish',
    // About the target: the rollout it touched, if any, is in the data.
    rolloutId: null,
    eventType,
    at: t.now,
    data: { targetId: t.state.id, ...record, ...extra },
  });
}

function newRollout(id: string, e: BuildSucceeded, policy: TargetPolicy, now: number): ActiveRollout {
  return {
    id,
    kind: 'release',
    targetId: e.targetId,
    phase: 'queued',
    build: e.build,
    policy,
    createdAt: now,
    updatedAt: now,
    candidate: null,
    stableRevision: null,
    traffic: NO_TRAFFIC,
    ...FRESH_ROLLOUT,
  };
}

function buildRecordOf(e: BuildSucceeded | BuildFailed, status: BuildRecord['status'], now: number): BuildRecord {
  return {
    buildId: e.build.buildId,
    status,
    image: e.build.image || null,
    commitSha: e.build.commitSha,
    branch: e.build.branch,
    logUrl: e.build.logUrl,
    rolloutId: null,
    at: e.build.finishedAt ?? now,
  };
}

function record(t: Transition, build: BuildRecord): void {
  const rest = t.state.recentBuilds.filter((b) => b.buildId !== build.buildId);
  t.patchTarget({ recentBuilds: [build, ...rest].slice(0, RECENT_BUILDS_KEPT) });
}
