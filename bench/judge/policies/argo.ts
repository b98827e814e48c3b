/**
 * Argo Rollouts' canary with a background analysis, re-implemented from its documentation ("Analysis & Progressive
 * Delivery", AnalysisTemplate fields):
 *
 * - steps `setWeight: 20`, `pause: {duration: 10m}`, then 40, 60, 80 the same way, then 100% (the docs' canary shape);
 * - an AnalysisRun from the first step on, one measurement every `interval` (1m) of the success rate over the last
 *   minute, `successCondition: result[0] >= 0.99`; a measurement that does not meet it is Failed;
 * - `failureLimit` (here 3, as in the docs' examples): the run fails when Failed measurements exceed it, and the
 *   rollout aborts (traffic back to stable);
 * - a query with no data is an Error; `consecutiveErrorLimit` (default 4): more consecutive errors than that fail the
 *   run too.
 *
 * "The last minute" is the most recent sample Cloud Monitoring has reported (within the last 4 minutes), as for Flagger.
 */
import type { Env, Policy } from '../sim/engine.js';
import { CANDIDATE, MINUTE } from '../sim/world.js';
import { LAST_MINUTE_MAX_AGE } from './flagger.js';

export interface ArgoConfig {
  readonly steps: readonly number[];
  readonly pause: number;
  readonly interval: number;
  readonly minSuccessRate: number;
  readonly failureLimit: number;
  readonly consecutiveErrorLimit: number;
}

export const ARGO_DEFAULTS: ArgoConfig = {
  steps: [20, 40, 60, 80],
  pause: 10 * MINUTE,
  interval: MINUTE,
  minSuccessRate: 0.99,
  failureLimit: 3,
  consecutiveErrorLimit: 4,
};

export class ArgoRollouts implements Policy {
  readonly name = 'Argo Rollouts (failureLimit 3)';
  private stepIndex = 0;
  private nextStepAt = 0;
  private nextMeasurementAt = 0;
  private failures = 0;
  private consecutiveErrors = 0;
  /** Every measurement, for tests. */
  readonly measurements: ('Successful' | 'Failed' | 'Error')[] = [];

  constructor(private readonly config: ArgoConfig = ARGO_DEFAULTS) {}

  start(env: Env): void {
    env.setWeight(this.config.steps[0]!);
    this.nextStepAt = this.config.pause;
    this.nextMeasurementAt = this.config.interval;
  }

  nextWakeAt(): number {
    return Math.min(this.nextStepAt, this.nextMeasurementAt);
  }

  wake(env: Env): void {
    if (env.now >= this.nextMeasurementAt) {
      this.nextMeasurementAt = env.now + this.config.interval;
      if (this.measure(env)) {
        env.setWeight(0);
        env.conclude('rolled_back');
        return;
      }
    }
    if (env.now >= this.nextStepAt) {
      this.stepIndex += 1;
      if (this.stepIndex >= this.config.steps.length) {
        env.setWeight(100);
        env.conclude('promoted');
        return;
      }
      env.setWeight(this.config.steps[this.stepIndex]!);
      this.nextStepAt = env.now + this.config.pause;
    }
  }

  /** One measurement; true when the run has failed. */
  private measure(env: Env): boolean {
    const sample = env.store.latest(CANDIDATE, env.now, LAST_MINUTE_MAX_AGE);
    if (!sample || sample.requests === 0) {
      this.measurements.push('Error');
      this.consecutiveErrors += 1;
      return this.consecutiveErrors > this.config.consecutiveErrorLimit;
    }
    this.consecutiveErrors = 0;
    const successRate = (sample.requests - sample.errors) / sample.requests;
    if (successRate >= this.config.minSuccessRate) {
      this.measurements.push('Successful');
      return false;
    }
    this.measurements.push('Failed');
    this.failures += 1;
    return this.failures > this.config.failureLimit;
  }
}
