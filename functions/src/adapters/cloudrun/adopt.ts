/**
 * Adopting a candidate the build deployed itself (`source: build`, with `gcloud run deploy --no-traffic --tag TAG`): the
 * revision the tag is on if it runs the build's image, else the newest revision running that image (then tagged).
 */
import type { DeployCandidate } from '../../domain/effects.js';
import type { DeployResult } from '../../engine/ports.js';
import { finishCandidate } from './candidate.js';
import type { CloudRunContext } from './context.js';
import { describeService, sameImage } from './names.js';
import { listRevisions, readRevision, readService } from './resources.js';
import { liveSplit, taggedRevision } from './traffic.js';
import type { RevisionView } from './view.js';

export async function adoptCandidate(ctx: CloudRunContext, effect: DeployCandidate): Promise<DeployResult> {
  const ref = effect.service;
  const service = await readService(ctx, ref);
  let candidate: RevisionView | null = null;
  const tagged = taggedRevision(service.targets, effect.tag, service.latestReady);
  if (tagged) {
    const revision = await readRevision(ctx, ref, tagged);
    if (revision && sameImage(revision.image, effect.image)) candidate = revision;
  }
  if (!candidate) {
    const running = (await listRevisions(ctx, ref)).filter((r) => sameImage(r.image, effect.image));
    candidate = running.sort((a, b) => b.createdAt - a.createdAt)[0] ?? null;
  }
  if (!candidate) {
    return {
      ok: false,
      reason:
        `No revision of ${describeService(ref)} runs ${effect.image}. This target adopts the revision its build deploys ` +
        `(deploy: build): check that the build ran \`gcloud run deploy ${ref.service} --image ${effect.image} ` +
        `--no-traffic --tag ${effect.tag} --region ${ref.region} --project ${ref.project}\` and that the step succeeded.`,
    };
  }
  const serving = liveSplit(service.targets, service.latestReady).find((e) => e.revision === candidate.name);
  if (serving) {
    return {
      ok: false,
      reason:
        `Revision ${candidate.name} of ${describeService(ref)} already serves ${serving.percent}% of the traffic: the ` +
        'build must deploy it with --no-traffic so that Runway can shift traffic to it step by step.',
    };
  }
  return finishCandidate(ctx, ref, service, candidate.name, effect.tag, candidate);
}
