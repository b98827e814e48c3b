/**
 * Kayenta's canary judge (spinnaker/kayenta, `NetflixACAJudge` with `MannWhitneyClassifier`), re-implemented from its
 * source and documentation, driving a stepped rollout:
 *
 * - per metric, the canary's and the baseline's per-minute samples over the lookback (growing from the step's start;
 *   `step` 60 s); NaN (a minute without requests, or not reported yet) is removed (`nanStrategy` default `remove`), and
 *   a metric left without values on either side is `Nodata` (left out of the score);
 * - Mann-Whitney U at 98% confidence (`confLevel = 0.98`) with `tolerance = 0.25`: the metric is High when the lower end
 *   of the interval for the shift (canary − baseline) is above 0.25 × |Hodges–Lehmann estimate|; identical samples pass;
 *   here every metric's direction is `increase`;
 * - the score is the share of metrics that pass (one group), 0 if a `critical` metric does not pass; `marginal 75`,
 *   `pass 95` (Spinnaker's canary stage: a run scoring below marginal fails the canary at once; the last run must
 *   reach pass).
 *
 * Metrics: the 5xx rate (critical), and p50, p90 and p99 latency. The rollout is Argo Rollouts' documented canary
 * shape, steps 20/40/60/80% with a 10-minute pause each, and a Kayenta run at 5 and at 10 minutes of each pause
 * (interval 5m, lifetime 10m): the second run decides the step.
 */
import type { Env, Policy } from '../sim/engine.js';
import { quantileOf } from '../sim/histogram.js';
import type { Sample } from '../sim/store.js';
import { CANDIDATE, MINUTE, STABLE } from '../sim/world.js';
import { mannWhitney } from './mannWhitney.js';

export interface KayentaConfig {
  readonly steps: readonly number[];
  readonly pause: number;
  /** Runs per step, evenly spaced; the last one decides the step. */
  readonly runsPerStep: number;
  readonly confidence: number;
  readonly tolerance: number;
  readonly marginal: number;
  readonly pass: number;
}

export const KAYENTA_DEFAULTS: KayentaConfig = {
  steps: [20, 40, 60, 80],
  pause: 10 * MINUTE,
  runsPerStep: 2,
  confidence: 0.98,
  tolerance: 0.25,
  marginal: 75,
  pass: 95,
};

export type Classification = 'Pass' | 'High' | 'Low' | 'Nodata';

interface MetricSpec {
  readonly name: string;
  readonly critical: boolean;
  readonly value: (s: Sample) => number;
}

const METRICS: readonly MetricSpec[] = [
  { name: '5xx rate', critical: true, value: (s) => (s.requests > 0 ? s.errors / s.requests : Number.NaN) },
  { name: 'p50', critical: false, value: (s) => quantileOf(s.latency, 0.5) ?? Number.NaN },
  { name: 'p90', critical: false, value: (s) => quantileOf(s.latency, 0.9) ?? Number.NaN },
  { name: 'p99', critical: false, value: (s) => quantileOf(s.latency, 0.99) ?? Number.NaN },
];

/** `MannWhitneyClassifier.classify` for direction `increase`. */
export function classify(
  experiment: readonly number[],
  control: readonly number[],
  confidence: number,
  tolerance: number,
): Classification {
  if (experiment.length === 0 || control.length === 0) return 'Nodata';
  const e = [...experiment].sort((a, b) => a - b);
  const c = [...control].sort((a, b) => a - b);
  if (e.length === c.length && e.every((v, i) => v === c[i])) return 'Pass';
  if (new Set([...e, ...c]).size === 1) return 'Pass';
  // Both constant (e.g. every minute 0 errors on one side): Kayenta adds a tiny noise and tests that; the interval is
  // then the difference itself.
  const constant = new Set(e).size === 1 && new Set(c).size === 1;
  const result = constant
    ? { lower: e[0]! - c[0]!, upper: e[0]! - c[0]!, estimate: e[0]! - c[0]! }
    : mannWhitney(experiment, control, confidence);
  const bound = tolerance * Math.abs(result.estimate);
  return result.lower > bound ? 'High' : 'Pass';
}

/** `WeightedSumScorer` with one group: the share of metrics that pass, 0 with a critical one that does not. */
export function score(results: readonly { classification: Classification; critical: boolean }[]): number {
  if (results.some((r) => r.critical && r.classification !== 'Pass')) return 0;
  const counted = results.filter((r) => r.classification !== 'Nodata');
  if (counted.length === 0) return 0;
  return (100 * counted.filter((r) => r.classification === 'Pass').length) / counted.length;
}

export class Kayenta implements Policy {
  readonly name = 'Kayenta (Mann-Whitney, 98%)';
  private stepIndex = -1;
  private stepStart = 0;
  private run = 0;
  private wakeAt = 0;
  /** Every run's score, for tests. */
  readonly scores: number[] = [];

  constructor(private readonly config: KayentaConfig = KAYENTA_DEFAULTS) {}

  start(env: Env): void {
    this.enter(env, 0);
  }

  nextWakeAt(): number {
    return this.wakeAt;
  }

  wake(env: Env): void {
    const s = this.judge(env);
    this.scores.push(s);
    this.run += 1;
    const last = this.run >= this.config.runsPerStep;
    if (s < this.config.marginal || (last && s < this.config.pass)) {
      env.setWeight(0);
      env.conclude('rolled_back');
      return;
    }
    if (!last) {
      this.wakeAt = env.now + this.config.pause / this.config.runsPerStep;
      return;
    }
    if (this.stepIndex + 1 < this.config.steps.length) {
      this.enter(env, this.stepIndex + 1);
      return;
    }
    env.setWeight(100);
    env.conclude('promoted');
  }

  private enter(env: Env, index: number): void {
    this.stepIndex = index;
    this.stepStart = env.now;
    this.run = 0;
    this.wakeAt = env.now + this.config.pause / this.config.runsPerStep;
    env.setWeight(this.config.steps[index]!);
  }

  /** One Kayenta run over the step so far. */
  judge(env: Env): number {
    const canary = env.store.series(CANDIDATE, this.stepStart, env.now, env.now);
    const baseline = env.store.series(STABLE, this.stepStart, env.now, env.now);
    const results = METRICS.map((metric) => {
      const values = (series: (Sample | null)[]) =>
        series.map((s) => (s === null ? Number.NaN : metric.value(s))).filter((v) => !Number.isNaN(v));
      return {
        classification: classify(values(canary), values(baseline), this.config.confidence, this.config.tolerance),
        critical: metric.critical,
      };
    });
    return score(results);
  }
}
