/**
 * Random runs of one target for the property tests. A run is a policy, an initial stable revision (or none) and a list of
 * abstract steps; {@link runScenario} turns each step into an event against the current state — mostly the result of an
 * effect decide() asked for and nobody answered yet (success or failure, random metrics, a due timer), plus commands from
 * random actors, new and failed builds, alerts, configuration removal, results delivered again and results for effects
 * nobody asked for — and hands every decision to the checks.
 *
 * It also keeps a model of Cloud Run: the traffic split the service really has, which is whatever split the last
 * *applied* setTraffic effect asked for (whether or not decide() still cared about it), or what a person set by hand (a
 * `hand` step). Like Cloud Run's adapter, the model answers a traffic change with `traffic.conflict` (and applies
 * nothing) when the live split is none of the effect's `expected` ones, so conflicts arise the way they do in production.
 */
import fc from 'fast-check';
import { decide } from '../../../functions/src/domain/decide.js';
import type { TargetPolicy } from '../../../functions/src/domain/config/policy.js';
import type { Decision } from '../../../functions/src/domain/decision.js';
import { sameSplit, type Effect, type SetTraffic, type TrafficSplit } from '../../../functions/src/domain/effects.js';
import { COMMANDS, type CommandName, type RunwayEvent } from '../../../functions/src/domain/events.js';
import type { AnalysisMetrics } from '../../../functions/src/domain/judge.js';
import { isTerminal } from '../../../functions/src/domain/phase.js';
import { emptyTarget, type BuildRecord, type TargetState } from '../../../functions/src/domain/rollout.js';
import {
  ACTORS,
  STABLE_REVISION,
  T0,
  TARGET_ID,
  alertClosed,
  alertOpened,
  buildFailed,
  buildInfo,
  buildSucceeded,
  command,
  deepFreeze,
  forgedResult,
  isAnswerable,
  metricsOf,
  policyOf,
  resultOf,
  revisionMetrics,
  trafficConflictOf,
  type ForgedKind,
} from '../../support/domain-fixtures.js';

type ActorName = keyof typeof ACTORS;
type ForgedType = ForgedKind;

/** A revision a person routes traffic to by hand: neither a rollout's candidate nor the stable revision. */
export const HOTFIX_REVISION = 'checkout-00000-hotfix';

export type Step =
  | {
      readonly kind: 'result';
      readonly pick: number;
      readonly ok: boolean;
      readonly metrics: AnalysisMetrics;
      readonly sameRevision: boolean;
    }
  | {
      readonly kind: 'command';
      readonly name: CommandName;
      readonly actor: ActorName;
      readonly reason: string | null;
      readonly pick: number;
    }
  | { readonly kind: 'build' }
  | { readonly kind: 'buildFailed'; readonly status: Exclude<BuildRecord['status'], 'SUCCESS'> }
  | { readonly kind: 'alert' }
  | { readonly kind: 'alertClosed' }
  | { readonly kind: 'targetRollback'; readonly actor: ActorName; readonly reason: string; readonly named: boolean }
  /** A result already delivered, again: one of the last three (`recent`) or any. */
  | { readonly kind: 'redeliver'; readonly pick: number; readonly recent: boolean }
  | { readonly kind: 'garbage'; readonly pick: number; readonly type: ForgedType; readonly ok: boolean }
  | { readonly kind: 'config'; readonly removed: boolean }
  /**
   * A person changes the split by hand: everything to stable, `percent` to the active rollout's candidate (the rest to
   * stable), or everything to a revision of their own.
   */
  | { readonly kind: 'hand'; readonly shape: 'stable' | 'candidate' | 'hotfix'; readonly percent: number };

export interface Scenario {
  readonly policy: TargetPolicy;
  readonly stable: string | null;
  readonly steps: readonly Step[];
}

/** How an event came about. Redeliveries and garbage must change nothing. */
export type Origin = 'result' | 'redelivery' | 'garbage' | 'other';

/** One step of a run, as the checks see it. */
export interface Observation {
  readonly index: number;
  readonly origin: Origin;
  readonly event: RunwayEvent;
  readonly before: TargetState;
  readonly decision: Decision;
  /** The effect the event answers, if it answers one that was asked for. */
  readonly answered: Effect | null;
}

/** What happened before the step being checked. */
export interface History {
  /** Rollouts that had finished before this step. */
  readonly finished: ReadonlySet<string>;
  readonly effectIds: ReadonlySet<string>;
  /** Every setTraffic effect asked for, per rollout, up to and including this step. */
  readonly traffic: ReadonlyMap<string, readonly SetTraffic[]>;
  /** Traffic changes Cloud Run answered with traffic.failed, up to and including this step. */
  readonly failedTraffic: ReadonlySet<string>;
  /** Traffic changes Cloud Run answered with traffic.conflict (nothing applied), up to and including this step. */
  readonly conflictedTraffic: ReadonlySet<string>;
  /** Rollouts for which decide() applied a traffic.conflict, up to and including this step. */
  readonly conflicted: ReadonlySet<string>;
  /** Cloud Run's real split after this step's event. */
  readonly world: TrafficSplit;
  /**
   * True while the live split is one a person set by hand and no applied traffic.conflict has told Runway about it since:
   * Runway cannot know what it has not been told.
   */
  readonly handSplitUnseen: boolean;
}

export type Check = (obs: Observation, history: History) => void;

// ─── Arbitraries ─────────────────────────────────────────────────────────────────────────────────────────────────────

const revisionMetricsArb = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 50, max: 300 }) }, fc.integer({ min: 0, max: 49 })),
    fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.integer({ min: 0, max: 30 })),
    fc.option(fc.integer({ min: 1, max: 1500 }), { nil: null }),
  )
  .map(([requests, errorPercent, p99]) =>
    revisionMetrics(requests, Math.floor((requests * errorPercent) / 100), requests === 0 ? null : p99),
  );

const metricsArb = fc
  .tuple(revisionMetricsArb, fc.option(revisionMetricsArb, { nil: null }))
  .map(([candidate, stable]) => metricsOf(candidate, stable));

const mostly = (value: boolean) => fc.oneof({ weight: 4, arbitrary: fc.constant(value) }, fc.constant(!value));

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 14,
    arbitrary: fc.record({
      kind: fc.constant('result' as const),
      pick: fc.nat(),
      ok: mostly(true),
      metrics: metricsArb,
      sameRevision: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('command' as const),
      // Resume and promote a little more often than the rest: they are what moves a paused rollout on.
      name: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...COMMANDS) },
        fc.constantFrom<CommandName>('resume', 'promote'),
      ),
      // Mostly people allowed to act, with a reason, on the active rollout: commands that land get further.
      actor: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom<ActorName>('deployer', 'approver', 'admin') },
        fc.constantFrom<ActorName>('viewer', 'nobody'),
      ),
      reason: fc.oneof(
        { weight: 3, arbitrary: fc.constant('checked the dashboards') },
        fc.constantFrom(null, '', '   '),
      ),
      pick: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, fc.nat()),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'build' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('buildFailed' as const),
      status: fc.constantFrom('FAILURE', 'TIMEOUT', 'INTERNAL_ERROR', 'CANCELLED', 'EXPIRED'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'alert' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'alertClosed' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('targetRollback' as const),
      actor: fc.constantFrom<ActorName>('deployer', 'admin', 'viewer'),
      reason: fc.constantFrom('bad release', ''),
      named: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('redeliver' as const), pick: fc.nat(), recent: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('garbage' as const),
      pick: fc.nat(),
      type: fc.constantFrom<ForgedType>('deploy', 'traffic', 'conflict', 'smoke', 'analysis', 'timer'),
      ok: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('config' as const), removed: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('hand' as const),
      shape: fc.constantFrom<'stable' | 'candidate' | 'hotfix'>('stable', 'candidate', 'candidate', 'hotfix'),
      percent: fc.integer({ min: 1, max: 100 }),
    }),
  },
);

const policyArb: fc.Arbitrary<TargetPolicy> = fc
  .record({
    strategy: fc.oneof(
      { weight: 3, arbitrary: canaryStepsArb() },
      fc.constant({ blueGreen: {} }),
      fc.constant({ immediate: {} }),
    ),
    smoke: fc.boolean().map((on) => ({ checks: on ? [{ path: '/healthz' }] : [] })),
    approval: fc.record({
      required: fc.boolean(),
      stage: fc.constantFrom('beforeFirstTraffic', 'beforePromotion'),
      onTimeout: fc.constantFrom('reject', 'proceed'),
      timeout: fc.constant('1h'),
    }),
    analysis: fc.record({
      maxErrorRatePercent: fc.constantFrom(0, 1, 5),
      maxP99LatencyMs: fc.constant(1000),
      minRequests: fc.integer({ min: 0, max: 60 }),
      inconclusive: fc.record({ maxExtensions: fc.integer({ min: 0, max: 2 }), then: fc.constantFrom('hold', 'fail') }),
    }),
    rollback: fc.record({ guardWindow: fc.constantFrom(0, '10m') }),
    onNewBuild: fc.constantFrom('queue', 'supersede'),
  })
  .map((target) => policyOf(target));

function canaryStepsArb() {
  return fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }).map((weights) => ({
    canary: { steps: [...weights].sort((a, b) => a - b).map((weight) => ({ weight, bake: '1m' })) },
  }));
}

/** A random policy, a stable revision most of the time, and up to `maxSteps` steps. */
export function scenarioArb(maxSteps: number): fc.Arbitrary<Scenario> {
  return fc.record({
    policy: policyArb,
    stable: fc.oneof({ weight: 4, arbitrary: fc.constant(STABLE_REVISION) }, fc.constant(null)),
    steps: fc.array(stepArb, { minLength: 1, maxLength: maxSteps, size: 'max' }),
  });
}

// ─── Running a scenario ──────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Runs `scenario`, calling every check after every step. Every decide() call gets a deep-frozen state, event and
 * policy, and is made twice: the two decisions must be deep-equal. A failure carries the trace of the run so far.
 */
export function runScenario(
  scenario: Scenario,
  checks: readonly Check[],
  sameDecision: (a: Decision, b: Decision) => void,
): void {
  const run = new Run(scenario);
  scenario.steps.forEach((step, index) => {
    const next = run.eventFor(step);
    try {
      run.apply(index, next, checks, sameDecision);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`step ${index} (${describe(next.event)}): ${message}\n\ntrace:\n${run.trace.join('\n')}`, {
        cause: error,
      });
    }
  });
}

function describe(e: RunwayEvent): string {
  const parts: string[] = [e.type];
  if ('rolloutId' in e) parts.push(e.rolloutId.slice(e.rolloutId.indexOf('@')));
  if ('effectId' in e) parts.push(`answers ${e.effectId}`);
  if ('timerId' in e) parts.push(`timer ${e.timerId}`);
  if ('actor' in e)
    parts.push(`by ${e.actor.kind === 'user' ? `${e.actor.id}[${e.actor.roles.join(',')}]` : 'runway'}`);
  if ('reason' in e && e.type.startsWith('command.')) parts.push(`reason ${JSON.stringify(e.reason)}`);
  if (e.type === 'analysis.completed')
    parts.push(`requests ${e.metrics.candidate.requests} errors ${e.metrics.candidate.errors}`);
  if (e.type === 'traffic.conflict') parts.push(`live ${JSON.stringify(e.actual)}`);
  return parts.join(' ');
}

interface Next {
  readonly event: RunwayEvent;
  readonly origin: Origin;
  readonly answered: Effect | null;
  readonly at: number;
}

class Run {
  state: TargetState;
  now = T0;
  policy: TargetPolicy | null;
  readonly trace: string[] = [];
  private readonly outstanding: Effect[] = [];
  private readonly consumed: RunwayEvent[] = [];
  private readonly finished = new Set<string>();
  private readonly effectIds = new Set<string>();
  private readonly traffic = new Map<string, SetTraffic[]>();
  private readonly failedTraffic = new Set<string>();
  private readonly conflictedTraffic = new Set<string>();
  private readonly conflicted = new Set<string>();
  private world: TrafficSplit;
  private handSplitUnseen = false;
  private builds = 0;
  private failedBuilds = 0;
  private incidents = 0;
  private targetRollbacks = 0;
  private forged = 0;

  constructor(private readonly scenario: Scenario) {
    this.policy = scenario.policy;
    const { stable } = scenario;
    this.state = {
      ...emptyTarget(TARGET_ID),
      stable: stable === null ? null : { revision: stable, image: 'checkout@sha256:old', rolloutId: null, since: 0 },
    };
    this.world = stable === null ? [] : [{ revision: stable, percent: 100 }];
  }

  /** The event a step becomes in the current state. */
  eventFor(step: Step): Next {
    const other = (event: RunwayEvent): Next => ({ event, origin: 'other', answered: null, at: this.now + 1000 });
    switch (step.kind) {
      case 'result': {
        const effect = this.outstanding[step.pick % Math.max(1, this.outstanding.length)];
        if (!effect) return other(this.newBuild());
        const serving = this.worldStable();
        const options = {
          metrics: step.metrics,
          stableRevision: serving,
          ...(step.sameRevision && serving !== null ? { revision: serving } : {}),
        };
        const at = effect.type === 'timer.schedule' ? Math.max(effect.dueAt, this.now + 1000) : this.now + 1000;
        if (effect.type === 'cloudRun.setTraffic' && step.ok && this.findsHandChange(effect)) {
          return { event: trafficConflictOf(effect, this.world), origin: 'result', answered: effect, at };
        }
        return { event: resultOf(effect, step.ok, options), origin: 'result', answered: effect, at };
      }
      case 'command': {
        const targets = this.rolloutIds();
        const rolloutId = targets[step.pick % targets.length] ?? `${TARGET_ID}@ghost`;
        return other(command(step.name, rolloutId, ACTORS[step.actor], step.reason));
      }
      case 'build':
        return other(this.newBuild());
      case 'buildFailed':
        this.failedBuilds += 1;
        return other(buildFailed(buildInfo(`f${this.failedBuilds}`), step.status));
      case 'alert':
        this.incidents += 1;
        return other(alertOpened(`incident-${this.incidents}`));
      case 'alertClosed':
        return other(alertClosed(`incident-${this.incidents}`));
      case 'targetRollback': {
        this.targetRollbacks += 1;
        return other({
          type: 'target.rollback',
          id: `cli:${this.targetRollbacks}`,
          targetId: TARGET_ID,
          actor: ACTORS[step.actor],
          reason: step.reason,
          toRevision: step.named ? STABLE_REVISION : null,
        });
      }
      case 'redeliver': {
        const count = this.consumed.length;
        const event = step.recent
          ? this.consumed[count - 1 - (step.pick % Math.max(1, Math.min(3, count)))]
          : this.consumed[step.pick % Math.max(1, count)];
        return event ? { event, origin: 'redelivery', answered: null, at: this.now + 1000 } : other(alertClosed());
      }
      case 'garbage': {
        const targets = this.rolloutIds();
        const rolloutId = targets[step.pick % targets.length] ?? `${TARGET_ID}@ghost`;
        this.forged += 1;
        const event = forgedResult(step.type, rolloutId, step.ok, `${TARGET_ID}:forged:${this.forged}`);
        return { event, origin: 'garbage', answered: null, at: this.now + 1000 };
      }
      case 'config':
        this.policy = step.removed ? null : this.scenario.policy;
        return other(alertClosed());
      case 'hand':
        this.changeSplitByHand(step);
        return other(alertClosed());
    }
  }

  apply(index: number, next: Next, checks: readonly Check[], sameDecision: (a: Decision, b: Decision) => void): void {
    this.now = next.at;
    const before = deepFreeze(this.state);
    const event = deepFreeze(next.event);
    const policy = deepFreeze(this.policy);
    const decision = decide(before, event, this.now, policy);
    sameDecision(decide(before, event, this.now, policy), decision);
    this.trace.push(`#${index} ${describe(event)} → ${decision.outcome.status}: ${decision.outcome.message}`);

    if (next.answered) {
      this.outstanding.splice(this.outstanding.indexOf(next.answered), 1);
      this.consumed.push(event);
      if (event.type === 'traffic.applied' && next.answered.type === 'cloudRun.setTraffic') {
        this.world = next.answered.split;
        this.handSplitUnseen = false;
      }
      if (event.type === 'traffic.failed') this.failedTraffic.add(next.answered.id);
      if (event.type === 'traffic.conflict') {
        this.conflictedTraffic.add(next.answered.id);
        if (decision.outcome.status === 'applied') {
          this.conflicted.add(event.rolloutId);
          this.handSplitUnseen = false;
        }
      }
    }
    for (const effect of decision.effects) {
      if (isAnswerable(effect)) this.outstanding.push(effect);
      if (effect.type === 'cloudRun.setTraffic') {
        this.traffic.set(effect.rolloutId, [...(this.traffic.get(effect.rolloutId) ?? []), effect]);
      }
    }

    const obs: Observation = { index, origin: next.origin, event, before, decision, answered: next.answered };
    const history: History = {
      finished: this.finished,
      effectIds: this.effectIds,
      traffic: this.traffic,
      failedTraffic: this.failedTraffic,
      conflictedTraffic: this.conflictedTraffic,
      conflicted: this.conflicted,
      world: this.world,
      handSplitUnseen: this.handSplitUnseen,
    };
    for (const check of checks) check(obs, history);

    for (const effect of decision.effects) this.effectIds.add(effect.id);
    for (const rollout of decision.rollouts) if (isTerminal(rollout.phase)) this.finished.add(rollout.id);
    this.state = decision.state;
  }

  private newBuild(): RunwayEvent {
    this.builds += 1;
    return buildSucceeded(buildInfo(`b${this.builds}`));
  }

  /** Rollouts a command or a forged result may name: active, queued, halted, finished, or one that never existed. */
  private rolloutIds(): string[] {
    const ids = [this.state.active?.id, ...this.state.queue.map((r) => r.id), this.state.halted?.rolloutId];
    const recent = [...this.finished].slice(-3);
    return [...new Set([...ids, ...recent, `${TARGET_ID}@ghost`].filter((id): id is string => id !== undefined))];
  }

  /** As Cloud Run's adapter decides: the live split is neither what the change asks for nor one it expects. */
  private findsHandChange(effect: SetTraffic): boolean {
    const { expected } = effect;
    if (expected === null || sameSplit(this.world, effect.split)) return false;
    return !expected.some(({ split }) => sameSplit(split, this.world));
  }

  private changeSplitByHand(step: Extract<Step, { kind: 'hand' }>): void {
    const active = this.state.active;
    const stable = active?.stableRevision ?? this.state.stable?.revision ?? null;
    const candidate = active?.candidate?.revision ?? null;
    if (step.shape === 'candidate' && candidate !== null) {
      const rest = stable === null || step.percent === 100 ? [] : [{ revision: stable, percent: 100 - step.percent }];
      this.world = [{ revision: candidate, percent: stable === null ? 100 : step.percent }, ...rest];
    } else if (step.shape === 'stable' && stable !== null) {
      this.world = [{ revision: stable, percent: 100 }];
    } else {
      this.world = [{ revision: HOTFIX_REVISION, percent: 100 }];
    }
    this.handSplitUnseen = true;
  }

  /** The revision serving 100% in Cloud Run, if one does. */
  private worldStable(): string | null {
    const [only, ...rest] = this.world;
    return only && rest.length === 0 && only.percent === 100 ? only.revision : null;
  }
}
