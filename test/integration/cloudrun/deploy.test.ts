/**
 * The Cloud Run adapter deploying candidates against the sandbox's Cloud Run Admin API, over the real REST protocol of
 * `@google-cloud/run`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateRevisionName, type CloudRunAdapter } from '../../../functions/src/adapters/cloudrun/index.js';
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

describe('deployCandidate (source: deploy)', () => {
  it('creates the revision at 0% with its tag, pinning LATEST to the revision that served it', async () => {
    const ref = freshService();
    const { revision: stable } = await sandbox.api.createService(ref, 'hello:v1');
    expect(trafficLines(sandbox.api, ref)).toEqual(['LATEST 100%']);
    const effect = deployEffect(ref, 'hello:v2');
    const before = sandbox.api.calls.snapshot();

    const result = await cloudRun.deployCandidate(effect);

    const revision = candidateRevisionName(ref.service, effect.rolloutId);
    expect(result).toEqual({
      ok: true,
      revision,
      url: `https://candidate---${ref.service}-sandbox.a.run.app`,
      stableRevision: stable,
    });
    expect(trafficLines(sandbox.api, ref)).toEqual([`${revision} #candidate 0%`, `${stable} 100%`].sort());
    const service = sandbox.api.service(ref);
    expect(service?.template).toMatchObject({ revision, containers: [{ image: 'hello:v2' }] });
    expect(service?.latestReadyRevision).toMatch(new RegExp(`/revisions/${revision}$`));
    const after = sandbox.api.calls.snapshot();
    expect((after['GET services'] ?? 0) - (before['GET services'] ?? 0)).toBe(1);
    expect((after['PATCH services'] ?? 0) - (before['PATCH services'] ?? 0)).toBe(1);
    expect((after['GET operations'] ?? 0) - (before['GET operations'] ?? 0)).toBeGreaterThanOrEqual(1);
  });

  it('deploys once however often it is retried: the name comes from the rollout', async () => {
    const ref = freshService();
    await sandbox.api.createService(ref, 'hello:v1');
    const effect = deployEffect(ref, 'hello:v2');

    const first = await cloudRun.deployCandidate(effect);
    const patches = sandbox.api.calls.count('PATCH', 'services');
    const second = await cloudRun.deployCandidate({ ...effect, id: `${effect.id}-retry` });

    expect(second).toEqual(first);
    expect(sandbox.api.calls.count('PATCH', 'services')).toBe(patches);
    expect(sandbox.api.revisions(ref)).toHaveLength(2);
    expect(sandbox.host.started.filter((s) => s.service === ref.service)).toHaveLength(2);
  });

  it('changes only the image and the revision name, and keeps every other field and tag', async () => {
    const ref = freshService();
    await sandbox.api.createService(ref, 'hello:v1');
    await writeAsAnotherTool(sandbox, ref, (service) => {
      service.labels = { team: 'payments' };
      service.template = {
        containers: [{ image: 'hello:v1', env: [{ name: 'MODE', value: 'prod' }] }],
        maxInstanceRequestConcurrency: 40,
      };
    });
    const [terraformed] = sandbox.api.revisions(ref);
    const stable = String(terraformed?.name).split('/').pop() ?? '';
    await sandbox.api.setTrafficByHand(ref, [{ revision: stable, percent: 100 }], { blue: stable });

    const result = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2'));

    expect(result.ok).toBe(true);
    const service = sandbox.api.service(ref);
    expect(service?.labels).toEqual({ team: 'payments' });
    expect(service?.template).toMatchObject({
      containers: [{ image: 'hello:v2', env: [{ name: 'MODE', value: 'prod' }] }],
      maxInstanceRequestConcurrency: 40,
    });
    expect(trafficLines(sandbox.api, ref)).toEqual(
      [`${stable} #blue 100%`, `${result.ok ? result.revision : ''} #candidate 0%`].sort(),
    );
  });

  it('moves the tag off an older candidate, which keeps none of the traffic it did not have', async () => {
    const ref = freshService();
    const { revision: stable } = await sandbox.api.createService(ref, 'hello:v1');
    const older = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2'));
    const newer = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v3'));

    expect(older.ok && newer.ok && older.revision !== newer.revision).toBe(true);
    expect(trafficLines(sandbox.api, ref)).toEqual(
      [`${stable} 100%`, `${newer.ok ? newer.revision : ''} #candidate 0%`].sort(),
    );
  });

  it('answers stableRevision null when the traffic is split', async () => {
    const ref = freshService();
    const { revision: v1 } = await sandbox.api.createService(ref, 'hello:v1');
    const v2 = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2'));
    if (!v2.ok) throw new Error(v2.reason);
    await sandbox.api.setTrafficByHand(ref, [
      { revision: v1, percent: 50 },
      { revision: v2.revision, percent: 50 },
    ]);

    const v3 = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v3'));

    expect(v3).toMatchObject({ ok: true, stableRevision: null });
    expect(trafficLines(sandbox.api, ref)).toEqual(
      [`${v1} 50%`, `${v2.revision} 50%`, `${v3.ok ? v3.revision : ''} #candidate 0%`].sort(),
    );
  });

  it("fails with Cloud Run's condition message when the revision does not become ready", async () => {
    const ref = freshService();
    const { revision: stable } = await sandbox.api.createService(ref, 'hello:v1');
    const effect = deployEffect(ref, 'hello:v2-crash');

    const result = await cloudRun.deployCandidate(effect);

    const revision = candidateRevisionName(ref.service, effect.rolloutId);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(`Revision ${revision} of Cloud Run service ${ref.service}`);
    expect(result.ok ? '' : result.reason).toContain(CRASH_MESSAGE);
    expect(sandbox.api.service(ref)?.trafficStatuses).toEqual([
      expect.objectContaining({ revision: stable, percent: 100 }),
    ]);

    // A retry of the same effect finds the failed revision and gives the same answer without another one.
    const again = await cloudRun.deployCandidate(effect);
    expect(again).toEqual(result);
    expect(sandbox.api.revisions(ref)).toHaveLength(2);
  });

  it('answers a permanent failure naming the service when the service does not exist', async () => {
    const ref = freshService();

    const result = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2'));

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(
      new RegExp(`Cloud Run service ${ref.service} \\(project ${ref.project}, region ${ref.region}\\).*not found`),
    );
  });
});
