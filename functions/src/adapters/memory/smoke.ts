/** In-memory smoke checks: every check passes unless told otherwise; every run recorded. */
import type { RunSmokeChecks } from '../../domain/effects.js';
import type { SmokeResult } from '../../domain/rollout.js';
import type { SmokeOutcome, SmokePort } from '../../engine/ports.js';
import { FaultPlan } from './faults.js';

export class MemorySmoke implements SmokePort {
  readonly calls: RunSmokeChecks[] = [];
  /** `failWith(reason)` makes every check fail with that reason; `throwNext()` a transient failure. */
  readonly faults = new FaultPlan();

  run(effect: RunSmokeChecks): Promise<SmokeOutcome> {
    this.calls.push(effect);
    return Promise.resolve().then(() => {
      const failure = this.faults.apply();
      const results: SmokeResult[] = effect.smoke.checks.map((check) => ({
        name: check.name ?? `${check.method} ${check.path}`,
        ok: failure === null,
        status: failure === null ? check.expectStatus : 500,
        latencyMs: 5,
        attempts: failure === null ? 1 : check.retries + 1,
        error: failure,
      }));
      return failure === null
        ? { passed: true, results, reason: `${results.length} check(s) passed` }
        : { passed: false, results, reason: failure };
    });
  }
}
