/**
 * Setting the traffic split: a traffic-only update (update mask `traffic`, so Runway coexists with Terraform), guarded
 * by the etag, only when the live split differs from the effect's, and never over a split someone changed by hand.
 */
import { describeSplit, sameSplit, type SetTraffic } from '../../domain/effects.js';
import type { TrafficResult } from '../../engine/ports.js';
import type { CloudRunContext } from './context.js';
import { CloudRunApiError, Code } from './errors.js';
import { describeService } from './names.js';
import { hasCode } from './refusal.js';
import { readService, updateService } from './resources.js';
import { liveSplit, withSplit } from './traffic.js';
import { trafficOf } from './view.js';

export async function setTraffic(ctx: CloudRunContext, effect: SetTraffic): Promise<TrafficResult> {
  const ref = effect.service;
  for (let round = 1; ; round++) {
    const service = await readService(ctx, ref);
    const live = liveSplit(service.targets, service.latestReady);
    if (sameSplit(live, effect.split)) return { ok: true, split: live };
    if (effect.expected !== null && !effect.expected.some(({ split }) => sameSplit(split, live))) {
      const expected = effect.expected.map(({ split }) => describeSplit(split)).join(' or ');
      return {
        ok: false,
        conflict: true,
        actual: live,
        reason:
          `The traffic of ${describeService(ref)} was changed outside Runway: it serves ${describeSplit(live)}, where ` +
          `Runway left ${expected}. Runway did not change it.`,
      };
    }
    const traffic = trafficOf(withSplit(service.targets, effect.split));
    try {
      const outcome = await updateService(ctx, ref, { ...service.raw, traffic }, ['traffic'], 'setting the traffic');
      if (!outcome.ok) {
        return {
          ok: false,
          reason: `Cloud Run could not set the traffic of ${describeService(ref)} to ${describeSplit(effect.split)}: ${outcome.message}`,
        };
      }
      const after = outcome.service ? liveSplit(outcome.service.targets, outcome.service.latestReady) : effect.split;
      return { ok: true, split: after };
    } catch (error) {
      if (!hasCode(error, Code.ABORTED)) throw error;
      if (round >= ctx.tuning.conflictAttempts) {
        throw new CloudRunApiError(
          Code.ABORTED,
          `${describeService(ref)} kept changing while Runway set its traffic (${round} etag conflicts); will retry`,
          { cause: error },
        );
      }
    }
  }
}
