/**
 * Builders for the domain tests: a policy from a small runway.yaml object, builds, actors, events, effect results, and
 * {@link Sim}, which drives one target through decide() by answering the effects decide() asked for. {@link driveTo}
 * uses it to put a rollout in a given phase (and sub-stage) the way the real effect runner would have.
 */
import { decide } from '../../functions/src/domain/decide.js';
import type { Actor, Channel } from '../../functions/src/domain/actor.js';
import { validateRunwayConfig } from '../../functions/src/domain/config/load.js';
import type { TargetPolicy } from '../../functions/src/domain/config/policy.js';
import type { Role } from '../../functions/src/domain/config/schema.js';
import type { Decision } from '../../functions/src/domain/decision.js';
import { describeSplit, type Effect, type Notify, type TrafficSplit } from '../../functions/src/domain/effects.js';
import type {
  AlertClosed,
  AlertOpened,
  BuildFailed,
  BuildSucceeded,
  Command,
  CommandName,
  RunwayEvent,
  TrafficConflict,
} from '../../functions/src/domain/events.js';
import type { AnalysisMetrics, RevisionMetrics } from '../../functions/src/domain/judge.js';
import { isTerminal, type Phase } from '../../functions/src/domain/phase.js';
import { latencyThresholdsOf } from '../../functions/src/domain/analysis/thresholds.js';
import {
  emptyTarget,
  rolloutIdOf,
  type ActiveRollout,
  type BuildInfo,
  type Rollout,
  type TargetState,
} from '../../functions/src/domain/rollout.js';

export const TARGET_ID = 'checkout.production';
export const STABLE_REVISION = 'checkout-00001-old';
/** 2023-11-14T22:13:20Z: a fixed start, the domain never reads the clock. */
export const T0 = 1_700_000_000_000;

// ─── Policies ────────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * The policy of `targets.checkout.production` as runway.yaml would give it: `target` is the target's YAML object (as a
 * JS value), merged over a project and region. Goes through the real schema, so defaults are the real defaults.
 */
export function policyOf(target: Record<string, unknown> = {}): TargetPolicy {
  const result = validateRunwayConfig({
    version: 1,
    targets: { checkout: { production: { project: 'acme-prod', region: 'europe-west1', ...target } } },
  });
  if (!result.ok) throw new Error(`invalid test policy: ${JSON.stringify(result.errors)}`);
  const policy = result.config.targets[0];
  if (!policy) throw new Error('no target in test policy');
  return policy;
}

/**
 * Two canary steps (10% baked 1m, 50% baked 2m), one smoke check, one bake extension then hold, a 10m guard window. The
 * metrics delay is the default 3m, so a step's first bake timer is due after its bake + 3m (an extension after its bake).
 * No checks while a step bakes and no latency warm-up (`sequential.checkEvery: 0`, `latencyWarmup: 0`): each step is
 * judged once, when its bake ends; the checks have tests of their own (decide.checks.test.ts).
 */
export const CANARY = {
  strategy: {
    canary: {
      steps: [
        { weight: 10, bake: '1m' },
        { weight: 50, bake: '2m' },
      ],
    },
  },
  smoke: { checks: [{ path: '/healthz' }] },
  analysis: {
    maxErrorRatePercent: 1,
    maxP99LatencyMs: 500,
    minRequests: 20,
    inconclusive: { maxExtensions: 1 },
    sequential: { checkEvery: 0, latencyWarmup: 0 },
  },
  rollback: { guardWindow: '10m' },
} as const;

/** {@link CANARY} with `patch` merged into its top-level sections (one level deep). */
export function canaryPolicy(patch: Record<string, unknown> = {}): TargetPolicy {
  const merged: Record<string, unknown> = { ...CANARY };
  for (const [key, value] of Object.entries(patch)) {
    const base = merged[key];
    merged[key] =
      isPlainObject(base) && isPlainObject(value) && key !== 'strategy' ? { ...base, ...value } : (value as unknown);
  }
  return policyOf(merged);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ─── Builds, actors, events ──────────────────────────────────────────────────────────────────────────────────────────

/** A deterministic hex string of `length` characters derived from `seed`. */
export function hexOf(seed: string, length: number): string {
  let hash = 2166136261;
  let out = '';
  while (out.length < length) {
    for (const ch of seed + out.length) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += hash.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

export function buildInfo(buildId: string, overrides: Partial<BuildInfo> = {}): BuildInfo {
  return {
    buildId,
    projectId: 'acme-build',
    image: `europe-docker.pkg.dev/acme-build/apps/checkout@sha256:${hexOf(buildId, 64)}`,
    commitSha: hexOf(`commit-${buildId}`, 40),
    repository: 'acme/checkout',
    branch: 'main',
    tag: null,
    triggerId: 'e2a8d614-93bf-4c57-a0d1-6f4b3c8e2d95',
    triggerName: 'checkout-main',
    logUrl: `https://console.cloud.google.com/cloud-build/builds/${buildId}?project=acme-build`,
    createdAt: null,
    finishedAt: null,
    ...overrides,
  };
}

export function rolloutIdFor(buildId: string): string {
  return rolloutIdOf(TARGET_ID, buildId);
}

/** The revision Cloud Run creates for a build's candidate in these tests. */
export function candidateRevisionFor(rolloutId: string): string {
  return `checkout-${rolloutId.slice(rolloutId.indexOf('@') + 1)}`;
}

export function user(id: string, roles: readonly Role[], via: Channel = 'slack'): Actor {
  return { kind: 'user', id, name: id, via, roles };
}

export const ACTORS = {
  deployer: user('dana', ['deployer']),
  approver: user('alex', ['approver']),
  admin: user('root', ['admin'], 'cli'),
  viewer: user('vic', ['viewer'], 'dashboard'),
  nobody: user('nemo', []),
} as const;

export function buildSucceeded(build: BuildInfo, targetId = TARGET_ID): BuildSucceeded {
  return { id: `build:${build.buildId}:SUCCESS`, type: 'build.succeeded', targetId, build };
}

export function buildFailed(build: BuildInfo, status: BuildFailed['status'] = 'FAILURE'): BuildFailed {
  return { id: `build:${build.buildId}:${status}`, type: 'build.failed', targetId: TARGET_ID, build, status };
}

let commandCounter = 0;
export function command(name: CommandName, rolloutId: string, actor: Actor, reason: string | null = null): Command {
  commandCounter += 1;
  return { id: `cmd-${commandCounter}`, type: `command.${name}`, targetId: TARGET_ID, rolloutId, actor, reason };
}

export function alertOpened(incidentId = 'incident-1'): AlertOpened {
  return {
    id: `alert:${incidentId}:open`,
    type: 'alert.opened',
    targetId: TARGET_ID,
    incidentId,
    policy: 'checkout 5xx',
    summary: '5xx ratio above 2% for 1 minute',
    url: null,
    startedAt: null,
    receivedAt: null,
  };
}

export function alertClosed(incidentId = 'incident-1'): AlertClosed {
  return {
    id: `alert:${incidentId}:closed`,
    type: 'alert.closed',
    targetId: TARGET_ID,
    incidentId,
    policy: 'checkout 5xx',
    endedAt: null,
    receivedAt: null,
  };
}

// ─── Metrics ─────────────────────────────────────────────────────────────────────────────────────────────────────────

export function revisionMetrics(requests: number, errors: number, p99LatencyMs: number | null): RevisionMetrics {
  return { requests, errors, p99LatencyMs };
}

export function metricsOf(candidate: RevisionMetrics, stable: RevisionMetrics | null = revisionMetrics(1000, 1, 90)) {
  return { windowStart: 0, windowEnd: 0, candidate, stable } satisfies AnalysisMetrics;
}

/**
 * `metrics` with latency histograms counted at the thresholds of {@link latencyThresholdsOf} for a 500 ms limit (as
 * {@link CANARY}'s): every request in the latency window, and the slow ones at the thresholds given (others 0).
 */
export function withSlowRequests(
  metrics: AnalysisMetrics,
  slow: { readonly candidate: Record<number, number>; readonly stable?: Record<number, number> },
  maxP99LatencyMs = 500,
): AnalysisMetrics {
  const thresholds = latencyThresholdsOf({ maxP99LatencyMs });
  const counted = (m: RevisionMetrics, at: Record<number, number>): RevisionMetrics => ({
    ...m,
    latency: { requests: m.requests, slower: thresholds.map((t) => at[t] ?? 0) },
  });
  return {
    ...metrics,
    latencyThresholdsMs: thresholds,
    candidate: counted(metrics.candidate, slow.candidate),
    stable: metrics.stable && counted(metrics.stable, slow.stable ?? {}),
  };
}

/** Within {@link CANARY}'s limits. */
export const PASSING = metricsOf(revisionMetrics(200, 0, 120));
/** 10% errors over enough requests. */
export const FAILING = metricsOf(revisionMetrics(200, 20, 120));
/** Too few requests to judge. */
export const THIN = metricsOf(revisionMetrics(3, 0, 80));

// ─── Effect results ──────────────────────────────────────────────────────────────────────────────────────────────────

export interface ResultOptions {
  /** For a deploy: the candidate revision (default {@link candidateRevisionFor}). */
  readonly revision?: string;
  /** For a deploy: the revision serving 100% before it. */
  readonly stableRevision?: string | null;
  readonly metrics?: AnalysisMetrics;
  readonly reason?: string;
}

/** Effects that are answered by an event (all but notify and events.publish). */
export function isAnswerable(effect: Effect): boolean {
  return effect.type !== 'notify' && effect.type !== 'events.publish';
}

/** The event the effect runner would feed back for `effect`: its success (`ok`) or its failure. */
export function resultOf(effect: Effect, ok = true, options: ResultOptions = {}): RunwayEvent {
  const id = `result:${effect.id}`;
  const { targetId } = effect;
  const reason = options.reason ?? 'permanent failure';
  switch (effect.type) {
    case 'cloudRun.deployCandidate': {
      const base = { id, targetId, rolloutId: effect.rolloutId, effectId: effect.id };
      if (!ok) return { ...base, type: 'deploy.failed', reason };
      const revision = options.revision ?? candidateRevisionFor(effect.rolloutId);
      const url = `https://candidate---checkout-abc123-ew.a.run.app`;
      return { ...base, type: 'revision.ready', revision, url, stableRevision: options.stableRevision ?? null };
    }
    case 'cloudRun.setTraffic': {
      const base = { id, targetId, rolloutId: effect.rolloutId, effectId: effect.id };
      return ok
        ? { ...base, type: 'traffic.applied', split: effect.split }
        : { ...base, type: 'traffic.failed', reason };
    }
    case 'smoke.run': {
      const base = { id, targetId, rolloutId: effect.rolloutId, effectId: effect.id };
      const results = effect.smoke.checks.map((check) => ({
        name: check.name ?? `${check.method} ${check.path}`,
        ok,
        status: ok ? check.expectStatus : 503,
        latencyMs: 12,
        attempts: ok ? 1 : check.retries + 1,
        error: ok ? null : 'unexpected status 503',
      }));
      return ok ? { ...base, type: 'smoke.passed', results } : { ...base, type: 'smoke.failed', results, reason };
    }
    case 'analysis.run':
      return {
        id,
        targetId,
        rolloutId: effect.rolloutId,
        effectId: effect.id,
        type: 'analysis.completed',
        metrics: { ...(options.metrics ?? PASSING), windowStart: effect.windowStart, windowEnd: effect.windowEnd },
      };
    case 'timer.schedule':
      return {
        id: `timer:${effect.id}`,
        targetId,
        type: 'timer.elapsed',
        rolloutId: effect.rolloutId,
        timerId: effect.id,
      };
    case 'notify':
    case 'events.publish':
      throw new Error(`${effect.type} has no result`);
  }
}

/**
 * What Cloud Run answers when a traffic change finds a split Runway did not leave (someone changed it by hand): nothing
 * applied, and the split that is live.
 */
export function trafficConflictOf(effect: Effect, actual: TrafficSplit): TrafficConflict {
  if (effect.type !== 'cloudRun.setTraffic') throw new Error(`${effect.type} cannot conflict`);
  return {
    id: `result:${effect.id}`,
    targetId: effect.targetId,
    rolloutId: effect.rolloutId,
    effectId: effect.id,
    type: 'traffic.conflict',
    actual,
    reason: `the live split (${describeSplit(actual)}) is not one Runway left`,
  };
}

/** An effect id no decision ever gave (version 999 is never reached in these tests). */
export const UNKNOWN_EFFECT_ID = `${TARGET_ID}:999:0`;

/** The kinds of result {@link forgedResult} makes. */
export type ForgedKind = 'deploy' | 'traffic' | 'conflict' | 'smoke' | 'analysis' | 'timer';

/**
 * A result of `type` for `rolloutId` that answers an effect nobody asked for (`effectId`), e.g. a stale or forged one.
 * A forged `conflict` reports the candidate-less split `x` at 100%.
 */
export function forgedResult(
  type: ForgedKind,
  rolloutId: string,
  ok = true,
  effectId = UNKNOWN_EFFECT_ID,
): RunwayEvent {
  const base = { id: effectId, targetId: TARGET_ID, rolloutId };
  const service = { project: 'acme-prod', region: 'europe-west1', service: 'checkout' };
  const traffic: Effect = {
    ...base,
    type: 'cloudRun.setTraffic',
    service,
    split: [{ revision: 'x', percent: 100 }],
    purpose: 'step',
    expected: null,
  };
  switch (type) {
    case 'deploy':
      return resultOf(
        { ...base, type: 'cloudRun.deployCandidate', service, image: 'x@sha256:0', tag: 'candidate', source: 'deploy' },
        ok,
      );
    case 'traffic':
      return resultOf(traffic, ok);
    case 'conflict':
      return trafficConflictOf(traffic, [{ revision: 'x', percent: 100 }]);
    case 'smoke':
      return resultOf(
        { ...base, type: 'smoke.run', url: null, smoke: { deadline: 1000, identityToken: false, checks: [] } },
        ok,
      );
    case 'analysis':
      return resultOf(
        {
          ...base,
          type: 'analysis.run',
          service,
          candidateRevision: 'x',
          stableRevision: null,
          windowStart: 0,
          windowEnd: 0,
        },
        ok,
        { metrics: ok ? PASSING : FAILING },
      );
    case 'timer':
      return resultOf({ ...base, type: 'timer.schedule', purpose: 'bake', dueAt: 0 }, ok);
  }
}

// ─── Reading decisions ───────────────────────────────────────────────────────────────────────────────────────────────

/** Announcements (notify, events.publish) are checked on their own; the rest is the work a decision asks for. */
export function workEffects(decision: Decision): Effect[] {
  return decision.effects.filter(isAnswerable);
}

/**
 * One readable line per work effect, e.g. `traffic step candidate=10 stable=90`, `timer bake +60s`, `analysis`.
 * Revisions are named `candidate` / `stable` from `rollout`'s point of view.
 */
export function describeWork(decision: Decision, now: number): string[] {
  return workEffects(decision).map((effect) => describeEffect(effect, now, decision));
}

function describeEffect(effect: Effect, now: number, decision: Decision): string {
  switch (effect.type) {
    case 'cloudRun.deployCandidate':
      return `deploy ${effect.rolloutId}`;
    case 'cloudRun.setTraffic': {
      const rollout = findIn(decision, effect.rolloutId);
      const name = (revision: string): string =>
        revision === rollout?.candidate?.revision
          ? 'candidate'
          : revision === rollout?.stableRevision
            ? 'stable'
            : revision;
      return `traffic ${effect.purpose} ${effect.split.map((s) => `${name(s.revision)}=${s.percent}`).join(' ')}`;
    }
    case 'smoke.run':
      return 'smoke';
    case 'analysis.run':
      return 'analysis';
    case 'timer.schedule':
      return `timer ${effect.purpose} +${(effect.dueAt - now) / 1000}s`;
    case 'notify':
    case 'events.publish':
      return effect.type;
  }
}

/** A rollout as a decision left it: touched (maybe finished), or still where it was in the state. */
export function findIn(decision: Decision, rolloutId: string): Rollout | undefined {
  return (
    decision.rollouts.find((r) => r.id === rolloutId) ??
    (decision.state.active?.id === rolloutId ? decision.state.active : undefined) ??
    decision.state.queue.find((r) => r.id === rolloutId)
  );
}

/**
 * What is wrong with a decision's announcements, if anything: every rollout whose phase changed gets one
 * `events.publish` (`runway.rollout.<phase>`) and one `notify` (topic: the phase; urgent for `failed`); one whose only
 * its step changed gets the publish alone; an unchanged one gets neither; announcements come after the work effects.
 */
export function announcementProblems(before: TargetState, decision: Decision): string[] {
  const problems: string[] = [];
  const prior = new Map<string, Rollout>();
  for (const r of [before.active, ...before.queue]) if (r) prior.set(r.id, r);
  for (const r of decision.rollouts) {
    const was = prior.get(r.id);
    const phaseChanged = was?.phase !== r.phase;
    const stepChanged = was !== undefined && was.step !== r.step;
    const mine = decision.effects.filter((e) => e.rolloutId === r.id);
    const publishes = mine.filter((e) => e.type === 'events.publish');
    // Other notable things (an approval that timed out and proceeded) are notified under their own topic.
    const notes = mine.filter((e): e is Notify => e.type === 'notify' && e.topic === r.phase);
    const wantPublish = phaseChanged || stepChanged ? 1 : 0;
    if (publishes.length !== wantPublish) problems.push(`${r.id}: ${publishes.length} publishes, want ${wantPublish}`);
    if (publishes.some((e) => e.eventType !== `runway.rollout.${r.phase}`)) problems.push(`${r.id}: wrong eventType`);
    if (notes.length !== wantPublish) problems.push(`${r.id}: ${notes.length} notifications`);
    for (const note of notes) {
      if (note.topic !== r.phase) problems.push(`${r.id}: notify topic ${note.topic}, phase ${r.phase}`);
      if ((note.severity === 'urgent') !== (r.phase === 'failed')) problems.push(`${r.id}: severity ${note.severity}`);
    }
  }
  const touched = new Set(decision.rollouts.map((r) => r.id));
  const announcedIds = decision.effects.filter((e) => !isAnswerable(e) && e.rolloutId !== null);
  for (const e of announcedIds)
    if (!touched.has(e.rolloutId ?? '')) problems.push(`${e.id}: announces an untouched rollout`);
  const lastWork = decision.effects.findLastIndex((e) => isAnswerable(e));
  const firstAnnouncement = decision.effects.findIndex((e) => !isAnswerable(e) && e.rolloutId !== null);
  if (firstAnnouncement !== -1 && firstAnnouncement < lastWork) problems.push('an announcement precedes work effects');
  return problems;
}

// ─── Sim: one target driven through decide() ─────────────────────────────────────────────────────────────────────────

export interface SimOptions {
  /** Default {@link canaryPolicy}(). `null`: the target is not in runway.yaml. */
  readonly policy?: TargetPolicy | null;
  /** The revision serving 100% before the first rollout; null for a service Runway has never seen deployed. */
  readonly stable?: string | null;
}

/** A target and the clock, moved on by feeding events to decide() the way the engine does. */
export class Sim {
  state: TargetState;
  now = T0;
  policy: TargetPolicy | null;
  readonly decisions: Decision[] = [];
  /** Every event sent, in order. */
  readonly sent: RunwayEvent[] = [];
  /** Every rollout that has finished, as it finished. */
  readonly finished = new Map<string, Rollout>();
  private readonly effects = new Map<string, Effect>();
  private buildCount = 0;

  constructor(options: SimOptions = {}) {
    this.policy = options.policy === undefined ? canaryPolicy() : options.policy;
    const stable = options.stable === undefined ? STABLE_REVISION : options.stable;
    this.state = {
      ...emptyTarget(TARGET_ID),
      stable: stable === null ? null : { revision: stable, image: 'checkout@sha256:old', rolloutId: null, since: 0 },
    };
  }

  /** decide() on the current state at `at` (default: one second later); the state moves on. */
  send(event: RunwayEvent, at = this.now + 1000): Decision {
    this.now = Math.max(at, this.now);
    this.sent.push(event);
    const decision = decide(this.state, event, this.now, this.policy);
    this.state = decision.state;
    this.decisions.push(decision);
    for (const effect of decision.effects) this.effects.set(effect.id, effect);
    for (const rollout of decision.rollouts) if (isTerminal(rollout.phase)) this.finished.set(rollout.id, rollout);
    return decision;
  }

  /** The next build (b1, b2, …) succeeds. */
  build(overrides: Partial<BuildInfo> = {}): Decision {
    this.buildCount += 1;
    return this.send(buildSucceeded(buildInfo(`b${this.buildCount}`, overrides)));
  }

  get lastBuildRolloutId(): string {
    return rolloutIdFor(`b${this.buildCount}`);
  }

  get active(): ActiveRollout {
    if (!this.state.active) throw new Error('no active rollout');
    return this.state.active;
  }

  /** A rollout by id as it is now: active, queued, or finished. */
  rollout(rolloutId: string): Rollout {
    const found =
      (this.state.active?.id === rolloutId ? this.state.active : undefined) ??
      this.state.queue.find((r) => r.id === rolloutId) ??
      this.finished.get(rolloutId);
    if (!found) throw new Error(`no rollout ${rolloutId}`);
    return found;
  }

  hasEffect(id: string): boolean {
    return this.effects.has(id);
  }

  /** The last event of `type` sent (to deliver it again). */
  lastSent(type: RunwayEvent['type']): RunwayEvent {
    const found = this.sent.findLast((e) => e.type === type);
    if (!found) throw new Error(`no ${type} was sent`);
    return found;
  }

  /** The last effect of `type` any decision asked for. */
  lastEffect(type: Effect['type']): Effect {
    const found = [...this.effects.values()].findLast((e) => e.type === type);
    if (!found) throw new Error(`no ${type} effect`);
    return found;
  }

  effect(id: string): Effect {
    const effect = this.effects.get(id);
    if (!effect) throw new Error(`no effect ${id}`);
    return effect;
  }

  /** The effect (or timer) the active rollout waits for. */
  awaited(rolloutId = this.active.id): Effect {
    const rollout = this.rollout(rolloutId);
    const wait = rollout.waitingFor;
    if (!wait) throw new Error(`${rolloutId} (${rollout.phase}) waits for nothing`);
    return this.effect(wait.kind === 'timer' ? wait.timerId : wait.effectId);
  }

  /** The result of the awaited effect, without sending it. Timers are due at their `dueAt`. */
  answerEvent(ok = true, options: ResultOptions = {}): RunwayEvent {
    const effect = this.awaited();
    return resultOf(effect, ok, { stableRevision: this.state.stable?.revision ?? null, ...options });
  }

  /** Answers what the active rollout waits for; a timer fires at its due time. */
  answer(ok = true, options: ResultOptions = {}): Decision {
    const effect = this.awaited();
    return this.send(this.answerEvent(ok, options), this.dueAt(effect));
  }

  /**
   * Answers the traffic change the active rollout waits for with a conflict: someone changed the split by hand to
   * `actual` (named revisions `candidate` and `stable` stand for the rollout's own).
   */
  conflict(actual: TrafficSplit): Decision {
    return this.send(trafficConflictOf(this.awaited(), this.named(actual)));
  }

  /** `split` with the names `candidate` and `stable` replaced by the active rollout's revisions. */
  named(split: TrafficSplit): TrafficSplit {
    const r = this.active;
    const name = (revision: string): string =>
      revision === 'candidate'
        ? (r.candidate?.revision ?? revision)
        : revision === 'stable'
          ? (r.stableRevision ?? revision)
          : revision;
    return split.map((s) => ({ revision: name(s.revision), percent: s.percent }));
  }

  /** When an effect's result arrives: a timer at its due time, anything else a second from now. */
  dueAt(effect: Effect): number {
    return effect.type === 'timer.schedule' ? Math.max(effect.dueAt, this.now + 1000) : this.now + 1000;
  }

  command(name: CommandName, actor: Actor, reason: string | null = null, rolloutId = this.active.id): Decision {
    return this.send(command(name, rolloutId, actor, reason));
  }

  /**
   * One step forward on the happy path: answers what the active rollout waits for with a success (passing metrics), or
   * approves a pending approval.
   */
  proceed(): Decision {
    const r = this.active;
    if (r.phase === 'awaiting_approval') return this.command('approve', ACTORS.approver);
    return this.answer(true);
  }

  /** Proceeds until the active rollout ends; returns it as it finished. */
  runToEnd(limit = 50): Rollout {
    const id = this.active.id;
    for (let i = 0; i < limit && !this.finished.has(id); i++) this.proceed();
    const done = this.finished.get(id);
    if (!done) throw new Error(`${id} did not finish in ${limit} steps`);
    return done;
  }
}

// ─── driveTo: a rollout in a given phase ─────────────────────────────────────────────────────────────────────────────

export const STAGES = [
  'deploying',
  'verifying',
  'approval:beforeFirstTraffic',
  'approval:beforePromotion',
  'progressing:traffic',
  'progressing:baking',
  'progressing:analysing',
  'promoted:traffic',
  'promoted:guard',
] as const;
export type Stage = (typeof STAGES)[number];

function isAt(stage: Stage, r: ActiveRollout | null): boolean {
  if (!r) return false;
  const wait = r.waitingFor;
  switch (stage) {
    case 'deploying':
    case 'verifying':
      return r.phase === stage;
    case 'approval:beforeFirstTraffic':
    case 'approval:beforePromotion':
      return r.phase === 'awaiting_approval' && r.approval?.stage === stage.slice('approval:'.length);
    case 'progressing:traffic':
      return r.phase === 'progressing' && wait?.kind === 'traffic';
    case 'progressing:baking':
      return r.phase === 'progressing' && wait?.kind === 'timer' && wait.purpose === 'bake';
    case 'progressing:analysing':
      return r.phase === 'progressing' && wait?.kind === 'analysis';
    case 'promoted:traffic':
      return r.phase === 'promoted' && wait?.kind === 'traffic';
    case 'promoted:guard':
      return r.phase === 'promoted' && wait?.kind === 'timer' && wait.purpose === 'guard';
  }
}

export interface DriveOptions extends SimOptions {
  /** Which canary step to stop at for the progressing stages (default 0). */
  readonly step?: number;
}

/**
 * A new Sim with one build whose rollout has been moved, along the happy path, to `stage` (for progressing stages, at
 * canary step `options.step`). Throws if the policy never gets there.
 */
export function driveTo(stage: Stage, options: DriveOptions = {}): Sim {
  const sim = new Sim(options);
  sim.build();
  const step = options.step ?? 0;
  const arrived = (): boolean =>
    isAt(stage, sim.state.active) && (!stage.startsWith('progressing') || sim.active.step === step);
  for (let i = 0; i < 200 && !arrived(); i++) {
    if (!sim.state.active) break;
    sim.proceed();
  }
  if (!arrived()) throw new Error(`the policy never reaches ${stage} (step ${step})`);
  return sim;
}

/** The phase of `rolloutId` after `decision`. */
export function phaseAfter(decision: Decision, rolloutId: string): Phase | undefined {
  return findIn(decision, rolloutId)?.phase;
}

// ─── Freezing ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** Object.freeze, all the way down; returns its argument. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
