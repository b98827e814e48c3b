/**
 * Runway itself: the controller's own pure state machine, `decide()`, with its own judge, driven through the simulator
 * the way the engine and the effect runner drive it in production. Its effects are answered here: a traffic change is
 * applied by the simulator (after Cloud Run's delay) and confirmed with `traffic.applied`; a timer fires at its due
 * time; an analysis is measured from the simulated Cloud Monitoring exactly as the production adapter measures it
 * (counts over the window, latencies over the latency window, the p99 and the slow-request counts read from the summed
 * histogram by the adapter's own functions), and answered a second later.
 */
import { validateRunwayConfig } from '../../../functions/src/domain/config/load.js';
import type { TargetPolicy } from '../../../functions/src/domain/config/policy.js';
import { decide } from '../../../functions/src/domain/decide.js';
import type { Effect, RunAnalysis } from '../../../functions/src/domain/effects.js';
import type { RunwayEvent } from '../../../functions/src/domain/events.js';
import type {
  AnalysisMetrics,
  MinuteCounts,
  MinuteMetrics,
  RevisionMetrics,
} from '../../../functions/src/domain/judge.js';
import { emptyTarget, type Rollout, type TargetState } from '../../../functions/src/domain/rollout.js';
import { latencyStartOf } from '../../../functions/src/adapters/monitoring/query.js';
import type { Env, Policy } from '../sim/engine.js';
import { emptyCounts, quantileOf, slowCountsOf } from '../sim/histogram.js';
import type { MetricsStore } from '../sim/store.js';
import { CANDIDATE, MINUTE, STABLE, type Revision } from '../sim/world.js';

/** Simulated time 0, as the domain's clock sees it. */
export const EPOCH = Date.UTC(2026, 0, 1);

const TARGET = 'checkout.production';
const STABLE_REVISION = 'checkout-00001-stable';
const CANDIDATE_REVISION = 'checkout-00002-candidate';

/**
 * The target the benchmark runs Runway with: three canary steps (5%, 25%, 50%, 10 minutes each), the SLO the anchors
 * use (1% errors, p99 500 ms), and every other analysis setting at its default (minRequests 50, metricsDelay 3m, 3
 * extensions then hold, the sequential tests' defaults).
 */
export const RUNWAY_BENCH_TARGET: Record<string, unknown> = {
  project: 'acme-bench',
  region: 'europe-west1',
  strategy: {
    canary: {
      steps: [
        { weight: 5, bake: '10m' },
        { weight: 25, bake: '10m' },
        { weight: 50, bake: '10m' },
      ],
    },
  },
  analysis: { maxErrorRatePercent: 1, maxP99LatencyMs: 500 },
  rollback: { guardWindow: 0 },
};

/** The target's policy as runway.yaml would give it, through the real schema (so defaults are the real defaults). */
export function runwayPolicy(target: Record<string, unknown> = RUNWAY_BENCH_TARGET): TargetPolicy {
  const result = validateRunwayConfig({ version: 1, targets: { checkout: { production: target } } });
  if (!result.ok) throw new Error(`invalid bench policy: ${JSON.stringify(result.errors)}`);
  return result.config.targets[0]!;
}

/** The production adapter's measurement (functions/src/adapters/monitoring/adapter.ts), against the simulated store. */
export function measure(effect: RunAnalysis, store: MetricsStore, now: number): AnalysisMetrics {
  const { windowStart, windowEnd } = effect;
  const thresholds = effect.latencyThresholdsMs ?? [];
  const latencyStart = latencyStartOf(effect);
  const of = (revision: Revision): RevisionMetrics => {
    if (windowEnd <= windowStart) return { requests: 0, errors: 0, p99LatencyMs: null };
    const counts = store.window(revision, windowStart - EPOCH, windowEnd - EPOCH, now - EPOCH);
    const latency =
      windowEnd > latencyStart
        ? store.window(revision, latencyStart - EPOCH, windowEnd - EPOCH, now - EPOCH).latency
        : emptyCounts();
    return {
      requests: counts.requests,
      errors: counts.errors,
      p99LatencyMs: counts.requests > 0 ? quantileOf(latency, 0.99) : null,
      latency: slowCountsOf(latency, thresholds),
    };
  };
  // Minute by minute, as Cloud Monitoring answers with 60 s alignment: a revision without a (visible) point has zeros.
  const minutes: MinuteMetrics[] = [];
  if (windowEnd > windowStart) {
    const [from, to, at] = [windowStart - EPOCH, windowEnd - EPOCH, now - EPOCH];
    const candidate = store.series(CANDIDATE, from, to, at);
    const stable = store.series(STABLE, from, to, at);
    candidate.forEach((c, i) => {
      const s = stable[i] ?? null;
      if (c === null && s === null) return;
      const minute = (c ?? s)!.minute;
      const end = EPOCH + (minute + 1) * MINUTE;
      const inLatencyWindow = end > latencyStart;
      const counts = (sample: typeof c): MinuteCounts => {
        if (sample === null) return { requests: 0, errors: 0 };
        return {
          requests: sample.requests,
          errors: sample.errors,
          ...(inLatencyWindow ? { latency: slowCountsOf(sample.latency, thresholds) } : {}),
        };
      };
      minutes.push({ end, candidate: counts(c), stable: counts(s) });
    });
  }
  return {
    windowStart,
    windowEnd,
    candidate: of(CANDIDATE),
    stable: of(STABLE),
    latencyWindowStart: latencyStart,
    latencyThresholdsMs: thresholds,
    minutes,
  };
}

/** How long an analysis takes to answer (two Cloud Monitoring calls). */
const ANALYSIS_LATENCY_MS = 1_000;

export class Runway implements Policy {
  readonly name = 'Runway';
  private state: TargetState;
  private readonly queue: { at: number; event: RunwayEvent }[] = [];
  private pendingTraffic: { effectId: string; percent: number }[] = [];
  /** The rollout as it ended or stands, for tests and reports. */
  rollout: Rollout | null = null;

  constructor(private readonly policy: TargetPolicy = runwayPolicy()) {
    this.state = {
      ...emptyTarget(TARGET),
      stable: { revision: STABLE_REVISION, image: 'checkout@sha256:stable', rolloutId: null, since: 0 },
    };
  }

  start(env: Env): void {
    this.send(env, {
      id: 'build:b1:SUCCESS',
      type: 'build.succeeded',
      targetId: TARGET,
      build: {
        buildId: 'b1',
        projectId: 'bench',
        image: 'checkout@sha256:candidate',
        commitSha: null,
        repository: null,
        branch: null,
        tag: null,
        triggerId: null,
        triggerName: null,
        logUrl: null,
        createdAt: null,
        finishedAt: null,
      },
    });
  }

  nextWakeAt(): number {
    return this.queue[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  wake(env: Env): void {
    while (this.queue.length > 0 && this.queue[0]!.at <= env.now) this.send(env, this.queue.shift()!.event);
  }

  onApplied(percent: number, env: Env): void {
    const index = this.pendingTraffic.findIndex((p) => p.percent === percent);
    if (index < 0) return;
    const [applied] = this.pendingTraffic.splice(index, 1);
    const split =
      percent >= 100
        ? [{ revision: CANDIDATE_REVISION, percent: 100 }]
        : [
            { revision: STABLE_REVISION, percent: 100 - percent },
            ...(percent > 0 ? [{ revision: CANDIDATE_REVISION, percent }] : []),
          ];
    this.at(env.now, {
      id: `result:${applied!.effectId}`,
      type: 'traffic.applied',
      targetId: TARGET,
      rolloutId: this.rolloutId(),
      effectId: applied!.effectId,
      split,
    });
  }

  private rolloutId(): string {
    return `${TARGET}@b1`;
  }

  private at(time: number, event: RunwayEvent): void {
    this.queue.push({ at: time, event });
    this.queue.sort((a, b) => a.at - b.at);
  }

  private send(env: Env, event: RunwayEvent): void {
    const decision = decide(this.state, event, EPOCH + env.now, this.policy);
    this.state = decision.state;
    const rollout = decision.rollouts.find((r) => r.id === this.rolloutId()) ?? this.state.active;
    if (rollout) this.rollout = rollout;
    for (const effect of decision.effects) this.run(env, effect);
    if (this.rollout?.phase === 'paused') env.conclude('held');
  }

  private run(env: Env, effect: Effect): void {
    const base = { targetId: TARGET, effectId: effect.id, id: `result:${effect.id}` };
    switch (effect.type) {
      case 'cloudRun.deployCandidate':
        this.at(env.now, {
          ...base,
          type: 'revision.ready',
          rolloutId: effect.rolloutId,
          revision: CANDIDATE_REVISION,
          url: null,
          stableRevision: STABLE_REVISION,
        });
        return;
      case 'cloudRun.setTraffic': {
        const percent = effect.split.find((s) => s.revision === CANDIDATE_REVISION)?.percent ?? 0;
        this.pendingTraffic.push({ effectId: effect.id, percent });
        env.setWeight(percent);
        if (effect.purpose === 'rollback') env.conclude('rolled_back');
        if (effect.purpose === 'promote' || percent >= 100) env.conclude('promoted');
        return;
      }
      case 'smoke.run':
        this.at(env.now, { ...base, type: 'smoke.passed', rolloutId: effect.rolloutId, results: [] });
        return;
      case 'analysis.run':
        this.at(env.now + ANALYSIS_LATENCY_MS, {
          ...base,
          type: 'analysis.completed',
          rolloutId: effect.rolloutId,
          metrics: measure(effect, env.store, EPOCH + env.now),
        });
        return;
      case 'timer.schedule':
        this.at(Math.max(env.now, effect.dueAt - EPOCH), {
          id: `timer:${effect.id}`,
          type: 'timer.elapsed',
          targetId: TARGET,
          rolloutId: effect.rolloutId,
          timerId: effect.id,
        });
        return;
      case 'notify':
      case 'events.publish':
        return;
    }
  }
}
