/**
 * The last steps of getting a candidate, shared by deploying and adopting: wait until the revision is ready (or say why
 * it is not), make sure the rollout's tag is on it (moving it off any other revision, every other tag left alone), and
 * answer with its tag URL and the revision that serves all traffic.
 */
import type { ServiceRef } from '../../domain/effects.js';
import type { DeployResult } from '../../engine/ports.js';
import type { CloudRunContext } from './context.js';
import { CloudRunApiError, Code } from './errors.js';
import { describeService } from './names.js';
import { hasCode } from './refusal.js';
import { readRevision, readService, settledRevision, updateService } from './resources.js';
import { hasTag, liveSplit, stableOf, withTag } from './traffic.js';
import { trafficOf, type RevisionView, type ServiceView } from './view.js';

/** Finishes the candidate `revision` of the service last read as `service`; `known` is the revision if already read. */
export async function finishCandidate(
  ctx: CloudRunContext,
  ref: ServiceRef,
  service: ServiceView,
  revision: string,
  tag: string,
  known?: RevisionView,
): Promise<DeployResult> {
  if (service.latestReady !== revision) {
    const read = known ?? (await readRevision(ctx, ref, revision));
    if (!read) return { ok: false, reason: `Revision ${revision} of ${describeService(ref)} does not exist.` };
    const settled = await settledRevision(ctx, ref, read);
    if (settled.readiness.state === 'failed') {
      return { ok: false, reason: notReady(ref, revision, settled.readiness.message) };
    }
  }
  let current = service;
  if (!hasTag(current.targets, tag, revision, current.latestReady)) current = await moveTag(ctx, ref, tag, revision);
  // The tag's URL shows in trafficStatuses once Cloud Run has reconciled the change; read once more if it has not yet.
  if (!current.tagUris.has(tag)) current = await readService(ctx, ref);
  const stable = stableOf(liveSplit(current.targets, current.latestReady));
  return {
    ok: true,
    revision,
    url: current.tagUris.get(tag) ?? null,
    stableRevision: stable === revision ? null : stable,
  };
}

/** Why a revision is not ready, in Cloud Run's words. */
export function notReady(ref: ServiceRef, revision: string, message: string): string {
  return `Revision ${revision} of ${describeService(ref)} did not become ready: ${message || 'Cloud Run gave no reason.'}`;
}

/** Puts `tag` on `revision` with a traffic-only update, re-reading on an etag conflict. */
async function moveTag(ctx: CloudRunContext, ref: ServiceRef, tag: string, revision: string): Promise<ServiceView> {
  for (let round = 1; ; round++) {
    const service = await readService(ctx, ref);
    if (hasTag(service.targets, tag, revision, service.latestReady)) return service;
    const traffic = trafficOf(withTag(service.targets, tag, revision));
    try {
      const outcome = await updateService(
        ctx,
        ref,
        { ...service.raw, traffic },
        ['traffic'],
        `tagging ${revision} ${tag}`,
      );
      if (!outcome.ok) throw new CloudRunApiError(outcome.code, outcome.message);
      return outcome.service ?? (await readService(ctx, ref));
    } catch (error) {
      if (hasCode(error, Code.ABORTED) && round < ctx.tuning.conflictAttempts) continue;
      throw error;
    }
  }
}
