/**
 * cloud-run-release-manager (GoogleCloudPlatform/cloud-run-release-manager), re-implemented from its README and its
 * documented defaults:
 *
 * - a new revision with no traffic is the candidate and gets the first step (`-steps`, default 5,20,50,80), then 100;
 * - every `-cli-run-interval` (60 s) the candidate's own metrics over the last `-healthcheck-offset` (30m) are read from
 *   Cloud Monitoring: fewer than `-min-requests` requests (default 100; the README's setup uses 0) is inconclusive and
 *   changes nothing; an error rate above `-max-error-rate` (1%) is unhealthy and rolls back at once; otherwise healthy
 *   (the latency criteria default to 0: ignored);
 * - a healthy candidate moves to the next step only when `-min-wait` (30m) has passed since the last roll-out, so a
 *   healthy release reaches 100% at 30m × 4 = 120 minutes; one more healthy check after `-min-wait` at 100% makes it
 *   stable (the manager stops watching it).
 *
 * It queries Cloud Monitoring directly, so it sees what is reported at the moment it asks, reporting delay and all.
 * With no requests at all its error rate reads 0.
 */
import type { Env, Policy } from '../sim/engine.js';
import { CANDIDATE, MINUTE } from '../sim/world.js';

export interface CrmConfig {
  readonly steps: readonly number[];
  readonly interval: number;
  readonly healthcheckOffset: number;
  readonly minWait: number;
  readonly minRequests: number;
  /** Percent. */
  readonly maxErrorRate: number;
}

export const CRM_DEFAULTS: CrmConfig = {
  steps: [5, 20, 50, 80],
  interval: MINUTE,
  healthcheckOffset: 30 * MINUTE,
  minWait: 30 * MINUTE,
  minRequests: 100,
  maxErrorRate: 1,
};
/** The README's setup example sets `-min-requests=0`. */
export const CRM_MIN_REQUESTS_0: CrmConfig = { ...CRM_DEFAULTS, minRequests: 0 };

export class ReleaseManager implements Policy {
  readonly name: string;
  private percent = 0;
  private lastRollout = 0;
  private wakeAt = 0;
  /** Every diagnosis, for tests. */
  readonly diagnoses: ('healthy' | 'unhealthy' | 'inconclusive')[] = [];

  constructor(private readonly config: CrmConfig = CRM_DEFAULTS) {
    this.name = `cloud-run-release-manager (min-requests ${config.minRequests})`;
  }

  start(env: Env): void {
    this.rollForward(env);
  }

  nextWakeAt(): number {
    return this.wakeAt;
  }

  wake(env: Env): void {
    this.wakeAt = env.now + this.config.interval;
    const m = env.store.window(CANDIDATE, env.now - this.config.healthcheckOffset, env.now, env.now);
    if (m.requests < this.config.minRequests) {
      this.diagnoses.push('inconclusive');
      return;
    }
    const errorRate = m.requests > 0 ? (100 * m.errors) / m.requests : 0;
    if (errorRate > this.config.maxErrorRate) {
      this.diagnoses.push('unhealthy');
      env.setWeight(0);
      env.conclude('rolled_back');
      return;
    }
    this.diagnoses.push('healthy');
    if (env.now - this.lastRollout < this.config.minWait) return;
    if (this.percent >= 100) {
      env.conclude('promoted'); // the candidate becomes the stable revision
      return;
    }
    this.rollForward(env);
  }

  private rollForward(env: Env): void {
    this.percent = this.config.steps.find((s) => s > this.percent) ?? 100;
    this.lastRollout = env.now;
    this.wakeAt = env.now + this.config.interval;
    env.setWeight(this.percent);
  }
}
