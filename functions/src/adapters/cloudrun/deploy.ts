/**
 * Deploying a candidate (`source: deploy`): one update of the service that sets the template's image and a revision name
 * derived from the rollout, pins the traffic to what serves now (LATEST resolved to the latest ready revision, so the
 * new revision gets 0%), and puts the rollout's tag on the new revision; every other field and tag is left as it was.
 * A retry finds the revision by its name instead of making another.
 */
import type { DeployCandidate } from '../../domain/effects.js';
import type { DeployResult } from '../../engine/ports.js';
import { finishCandidate, notReady } from './candidate.js';
import type { CloudRunContext } from './context.js';
import { Code } from './errors.js';
import { candidateRevisionName, describeService } from './names.js';
import { hasCode } from './refusal.js';
import { readRevision, readService, updateService } from './resources.js';
import { followsLatest, liveSplit, withSplit, withTag } from './traffic.js';
import { trafficOf, type Service, type ServiceView } from './view.js';

export async function deployCandidate(ctx: CloudRunContext, effect: DeployCandidate): Promise<DeployResult> {
  const ref = effect.service;
  const revision = candidateRevisionName(ref.service, effect.rolloutId);
  for (let round = 1; ; round++) {
    const service = await readService(ctx, ref);
    // An earlier try of this deploy got its update accepted: carry on with that revision.
    if (service.templateRevision === revision) return finishCandidate(ctx, ref, service, revision, effect.tag);
    if (followsLatest(service.targets) && !service.latestReady) {
      return {
        ok: false,
        reason: `${describeService(ref)} has no ready revision serving its traffic, so there is no stable revision to keep it on. Deploy a working revision first.`,
      };
    }
    const split = liveSplit(service.targets, service.latestReady);
    const traffic = trafficOf(withTag(withSplit(service.targets, split), effect.tag, revision));
    const body: Service = { ...service.raw, template: templateOf(service, revision, effect.image), traffic };
    try {
      const outcome = await updateService(ctx, ref, body, ['template', 'traffic'], `deploying ${revision}`);
      if (!outcome.ok)
        return {
          ok: false,
          reason: notReady(ref, revision, await failureMessage(ctx, effect, revision, outcome.message)),
        };
      return await finishCandidate(ctx, ref, outcome.service ?? (await readService(ctx, ref)), revision, effect.tag);
    } catch (error) {
      if (hasCode(error, Code.ABORTED) && round < ctx.tuning.conflictAttempts) continue;
      // The name is taken by a revision an earlier try made, and the template has changed since (Terraform, say).
      if (hasCode(error, Code.ALREADY_EXISTS)) {
        return finishCandidate(ctx, ref, await readService(ctx, ref), revision, effect.tag);
      }
      throw error;
    }
  }
}

/**
 * Why the update failed, in the words of the revision's Ready condition (what a retry reads too), else the operation's.
 */
async function failureMessage(
  ctx: CloudRunContext,
  effect: DeployCandidate,
  revision: string,
  fallback: string,
): Promise<string> {
  const read = await readRevision(ctx, effect.service, revision);
  return read?.readiness.state === 'failed' && read.readiness.message ? read.readiness.message : fallback;
}

/** The service's template with only the first container's image and the revision name changed. */
function templateOf(service: ServiceView, revision: string, image: string): Service['template'] {
  const template = service.raw.template ?? {};
  const [first, ...others] = template.containers ?? [];
  return { ...template, revision, containers: [{ ...first, image }, ...others] };
}
