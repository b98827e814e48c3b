/**
 * Flagger's canary analysis, re-implemented from its documentation (docs.flagger.app, "Deployment Strategies" and
 * "Metrics Analysis"), with its documented defaults and examples:
 *
 * - every `interval` (1m) the controller runs the metric checks on the canary: `request-success-rate` (non-5xx share,
 *   `thresholdRange.min: 99`) and `request-duration` (p99, `thresholdRange.max: 500` ms), each over the last `interval`;
 * - a check that fails, or finds no values ("Halt advancement no values found … probably … is not receiving traffic"),
 *   adds one to the failed-checks counter, which passing checks do not reset; when it reaches `threshold` the canary is
 *   rolled back (time to roll back with failing checks: interval × threshold);
 * - otherwise the canary weight goes up by `stepWeight`, and once it is at `maxWeight` a passing iteration promotes the
 *   canary (the analysis lasts at least interval × maxWeight / stepWeight).
 *
 * Flagger reads Prometheus; here it reads the same metrics store as every policy, taking "the last minute" to be the most
 * recent sample Cloud Monitoring has reported (within the last 4 minutes), which is the best a Flagger query against
 * Cloud Monitoring could see.
 */
import type { Env, Policy } from '../sim/engine.js';
import { quantileOf } from '../sim/histogram.js';
import { CANDIDATE, MINUTE } from '../sim/world.js';

export interface FlaggerConfig {
  readonly interval: number;
  readonly threshold: number;
  readonly stepWeight: number;
  readonly maxWeight: number;
  /** `request-success-rate` thresholdRange.min, percent. */
  readonly minSuccessRate: number;
  /** `request-duration` thresholdRange.max, ms (p99). */
  readonly maxP99Ms: number;
}

/** The documented example configurations: threshold 10 with stepWeight 5 (docs), threshold 5 with stepWeight 10. */
export const FLAGGER_T10: FlaggerConfig = {
  interval: MINUTE,
  threshold: 10,
  stepWeight: 5,
  maxWeight: 50,
  minSuccessRate: 99,
  maxP99Ms: 500,
};
export const FLAGGER_T5: FlaggerConfig = { ...FLAGGER_T10, threshold: 5, stepWeight: 10 };

/** How old the latest reported sample may be for a "last minute" query to return values. */
export const LAST_MINUTE_MAX_AGE = 4 * MINUTE;

export class Flagger implements Policy {
  readonly name: string;
  private weight = 0;
  private failedChecks = 0;
  private wakeAt = 0;
  /** Every check's outcome, for tests. */
  readonly checks: ('pass' | 'fail' | 'no values')[] = [];

  constructor(private readonly config: FlaggerConfig = FLAGGER_T10) {
    this.name = `Flagger (threshold ${config.threshold}, step ${config.stepWeight}%)`;
  }

  start(env: Env): void {
    // "Starting canary analysis" then "Advance canary weight": the first iteration routes stepWeight to the canary.
    this.advance(env);
  }

  nextWakeAt(): number {
    return this.wakeAt;
  }

  wake(env: Env): void {
    const outcome = this.runChecks(env);
    this.checks.push(outcome);
    if (outcome !== 'pass') {
      this.failedChecks += 1;
      if (this.failedChecks >= this.config.threshold) {
        env.setWeight(0);
        env.conclude('rolled_back');
        return;
      }
      this.wakeAt = env.now + this.config.interval;
      return;
    }
    if (this.weight >= this.config.maxWeight) {
      env.setWeight(100);
      env.conclude('promoted');
      return;
    }
    this.advance(env);
  }

  private advance(env: Env): void {
    this.weight = Math.min(this.config.maxWeight, this.weight + this.config.stepWeight);
    env.setWeight(this.weight);
    this.wakeAt = env.now + this.config.interval;
  }

  private runChecks(env: Env): 'pass' | 'fail' | 'no values' {
    const sample = env.store.latest(CANDIDATE, env.now, LAST_MINUTE_MAX_AGE);
    if (!sample || sample.requests === 0) return 'no values';
    const successRate = (100 * (sample.requests - sample.errors)) / sample.requests;
    if (successRate < this.config.minSuccessRate) return 'fail';
    const p99 = quantileOf(sample.latency, 0.99);
    if (p99 === null) return 'no values';
    return p99 > this.config.maxP99Ms ? 'fail' : 'pass';
  }
}
