/**
 * The Cloud Run adapter adopting a revision the build deployed itself (`gcloud run deploy --no-traffic --tag`), against
 * the sandbox's Cloud Run Admin API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudRunAdapter } from '../../../functions/src/adapters/cloudrun/index.js';
import type { ServiceRef } from '../../../functions/src/domain/effects.js';
import {
  CRASH_MESSAGE,
  deployEffect,
  freshService,
  sandboxWithAdapter,
  trafficLines,
  writeAsAnotherTool,
  type CloudRunSandbox,
  type SandboxWithAdapter,
} from '../../support/cloudrun-sandbox.js';

let env: SandboxWithAdapter | undefined;
let sandbox: CloudRunSandbox;
let cloudRun: CloudRunAdapter;

beforeAll(async () => {
  env = await sandboxWithAdapter();
  ({ sandbox, cloudRun } = env);
});

afterAll(() => env?.close());

/**
 * What `gcloud run deploy SERVICE --image IMAGE --no-traffic [--tag TAG]` does: a new revision of the image, the traffic
 * pinned to the revision that served it. Answers the new revision's name.
 */
async function buildDeploys(ref: ServiceRef, stable: string, image: string, tag?: string): Promise<string> {
  await writeAsAnotherTool(sandbox, ref, (service) => {
    service.template = { containers: [{ image }] };
    const traffic: Record<string, unknown>[] = [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: stable, percent: 100 },
    ];
    // The new revision has no name yet; gcloud tags LATEST, which is the new revision once it is ready.
    if (tag) traffic.push({ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', tag });
    service.traffic = traffic;
  });
  return String(sandbox.api.revisions(ref)[0]?.name).split('/').pop() ?? '';
}

describe('deployCandidate (source: build)', () => {
  it('adopts the tagged revision when it runs the build’s image, without writing anything', async () => {
    const ref = freshService();
    const { revision: stable } = await sandbox.api.createService(ref, 'hello:v1');
    const built = await buildDeploys(
      ref,
      stable,
      'europe-docker.pkg.dev/demo/apps/hello:v2@sha256:abc123',
      'candidate',
    );
    const patches = sandbox.api.calls.count('PATCH', 'services');

    const result = await cloudRun.deployCandidate(
      deployEffect(ref, 'europe-docker.pkg.dev/demo/apps/hello@sha256:abc123', { source: 'build' }),
    );

    expect(result).toEqual({
      ok: true,
      revision: built,
      url: `https://candidate---${ref.service}-sandbox.a.run.app`,
      stableRevision: stable,
    });
    expect(sandbox.api.calls.count('PATCH', 'services')).toBe(patches);
  });

  it('finds the newest revision of the image when the tag is elsewhere, and tags it', async () => {
    const ref = freshService();
    const { revision: stable } = await sandbox.api.createService(ref, 'hello:v1');
    await sandbox.api.setTrafficByHand(ref, [{ revision: stable, percent: 100 }], { candidate: stable });
    await buildDeploys(ref, stable, 'hello:v2');
    const newest = await buildDeploys(ref, stable, 'hello:v2-rebuilt');
    const built = await buildDeploys(ref, stable, 'hello:v2');

    const result = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2', { source: 'build' }));

    expect(newest).not.toBe(built);
    expect(result).toMatchObject({ ok: true, revision: built, stableRevision: stable });
    expect(trafficLines(sandbox.api, ref)).toEqual([`${built} #candidate 0%`, `${stable} 100%`].sort());
  });

  it('says what to check when no revision runs the image', async () => {
    const ref = freshService();
    await sandbox.api.createService(ref, 'hello:v1');

    const result = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v9', { source: 'build' }));

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(`No revision of Cloud Run service ${ref.service}`);
    expect(result.ok ? '' : result.reason).toContain('--no-traffic --tag candidate');
  });

  it("fails with Cloud Run's condition message when the build's revision did not become ready", async () => {
    const ref = freshService();
    const { revision: stable } = await sandbox.api.createService(ref, 'hello:v1');
    const built = await buildDeploys(ref, stable, 'hello:v2-crash');

    const result = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2-crash', { source: 'build' }));

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(`Revision ${built} of Cloud Run service ${ref.service}`);
    expect(result.ok ? '' : result.reason).toContain(CRASH_MESSAGE);
  });

  it('refuses a revision the build already sent traffic to', async () => {
    const ref = freshService();
    await sandbox.api.createService(ref, 'hello:v1');
    // `gcloud run deploy` without --no-traffic: the service follows LATEST, the new revision takes it all.
    await writeAsAnotherTool(sandbox, ref, (service) => {
      service.template = { containers: [{ image: 'hello:v2' }] };
    });

    const result = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2', { source: 'build' }));

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain('already serves 100% of the traffic');
  });
});
