/**
 * The Cloud Run adapter moving traffic against the sandbox's Cloud Run Admin API: traffic-only updates guarded by the
 * etag, tags left where they are, nothing written when the split is already live, and a split changed by hand left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudRunAdapter } from '../../../functions/src/adapters/cloudrun/index.js';
import { splitOf, type ServiceRef } from '../../../functions/src/domain/effects.js';
import {
  deployEffect,
  freshService,
  sandboxWithAdapter,
  trafficEffect,
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

/** A service with a stable revision at 100% and a candidate deployed by the adapter at 0%. */
async function withCandidate(): Promise<{ ref: ServiceRef; stable: string; candidate: string }> {
  const ref = freshService();
  const { revision: stable } = await sandbox.api.createService(ref, 'hello:v1');
  const deployed = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2'));
  if (!deployed.ok) throw new Error(deployed.reason);
  return { ref, stable, candidate: deployed.revision };
}

describe('setTraffic', () => {
  it('sets the split with a traffic-only update; the candidate keeps its tag', async () => {
    const { ref, stable, candidate } = await withCandidate();
    const before = sandbox.api.service(ref);

    const result = await cloudRun.setTraffic(
      trafficEffect(ref, splitOf(stable, candidate, 10), [splitOf(stable, null, 0)]),
    );

    expect(result).toEqual({ ok: true, split: splitOf(stable, candidate, 10) });
    expect(trafficLines(sandbox.api, ref)).toEqual([`${candidate} #candidate 10%`, `${stable} 90%`].sort());
    const after = sandbox.api.service(ref);
    expect(after?.template).toEqual(before?.template);
    expect(after?.latestCreatedRevision).toEqual(before?.latestCreatedRevision);
    expect(Number(after?.generation)).toBe(Number(before?.generation) + 1);
  });

  it('writes nothing when the split is already live', async () => {
    const { ref, stable, candidate } = await withCandidate();
    await cloudRun.setTraffic(trafficEffect(ref, splitOf(stable, candidate, 10), null));
    const patches = sandbox.api.calls.count('PATCH', 'services');

    const again = await cloudRun.setTraffic(
      trafficEffect(ref, splitOf(stable, candidate, 10), [splitOf(stable, null, 0)]),
    );

    expect(again).toEqual({ ok: true, split: splitOf(stable, candidate, 10) });
    expect(sandbox.api.calls.count('PATCH', 'services')).toBe(patches);
  });

  it('resolves LATEST to the latest ready revision: 100% to it is already live', async () => {
    const ref = freshService();
    const { revision: stable } = await sandbox.api.createService(ref, 'hello:v1');
    const patches = sandbox.api.calls.count('PATCH', 'services');

    const result = await cloudRun.setTraffic(trafficEffect(ref, splitOf(stable, null, 0), [splitOf(stable, null, 0)]));

    expect(result).toEqual({ ok: true, split: [{ revision: stable, percent: 100 }] });
    expect(sandbox.api.calls.count('PATCH', 'services')).toBe(patches);
    expect(trafficLines(sandbox.api, ref)).toEqual(['LATEST 100%']);
  });

  it('keeps every tag on its revision, at the split percent or 0%', async () => {
    const { ref, stable, candidate } = await withCandidate();
    await sandbox.api.setTrafficByHand(ref, [{ revision: stable, percent: 100 }], {
      blue: stable,
      candidate,
      old: stable,
    });

    const result = await cloudRun.setTraffic(trafficEffect(ref, splitOf(stable, candidate, 100), null, 'promote'));

    expect(result).toEqual({ ok: true, split: [{ revision: candidate, percent: 100 }] });
    expect(trafficLines(sandbox.api, ref)).toEqual(
      [`${candidate} #candidate 100%`, `${stable} #blue 0%`, `${stable} #old 0%`].sort(),
    );
  });

  it('leaves a split changed by hand alone and answers the conflict with what is live', async () => {
    const { ref, stable, candidate } = await withCandidate();
    await cloudRun.setTraffic(trafficEffect(ref, splitOf(stable, candidate, 10), null));
    await sandbox.api.setTrafficByHand(ref, [
      { revision: stable, percent: 70 },
      { revision: candidate, percent: 30 },
    ]);
    const before = sandbox.api.service(ref);
    const patches = sandbox.api.calls.count('PATCH', 'services');

    const result = await cloudRun.setTraffic(
      trafficEffect(ref, splitOf(stable, candidate, 50), [splitOf(stable, candidate, 10)]),
    );

    expect(result).toMatchObject({
      ok: false,
      conflict: true,
      actual: [
        { revision: stable, percent: 70 },
        { revision: candidate, percent: 30 },
      ],
    });
    expect(result.ok ? '' : result.reason).toContain(`${stable} 70%, ${candidate} 30%`);
    expect(result.ok ? '' : result.reason).toContain(ref.service);
    expect(sandbox.api.calls.count('PATCH', 'services')).toBe(patches);
    expect(sandbox.api.service(ref)?.etag).toBe(before?.etag);
  });

  it('rolls back over a hand change (expected: null): 100% to stable, the candidate keeps its tag', async () => {
    const { ref, stable, candidate } = await withCandidate();
    await sandbox.api.setTrafficByHand(ref, [
      { revision: stable, percent: 40 },
      { revision: candidate, percent: 60 },
    ]);

    const result = await cloudRun.setTraffic(trafficEffect(ref, splitOf(stable, candidate, 0), null, 'rollback'));

    expect(result).toEqual({ ok: true, split: [{ revision: stable, percent: 100 }] });
    expect(trafficLines(sandbox.api, ref)).toEqual([`${candidate} #candidate 0%`, `${stable} 100%`].sort());
  });

  it('re-reads and retries when someone else wrote the service between its read and its write', async () => {
    const { ref, stable, candidate } = await withCandidate();
    sandbox.api.faults.conflictNextPatch(ref.service);
    const before = sandbox.api.calls.snapshot();

    const result = await cloudRun.setTraffic(
      trafficEffect(ref, splitOf(stable, candidate, 25), [splitOf(stable, null, 0)]),
    );

    expect(result).toEqual({ ok: true, split: splitOf(stable, candidate, 25) });
    const after = sandbox.api.calls.snapshot();
    expect((after['PATCH services'] ?? 0) - (before['PATCH services'] ?? 0)).toBe(2);
    expect((after['GET services'] ?? 0) - (before['GET services'] ?? 0)).toBe(2);
  });

  it('does not touch what Terraform manages: labels and template stay as they are', async () => {
    const { ref, stable, candidate } = await withCandidate();
    await writeAsAnotherTool(sandbox, ref, (service) => {
      service.labels = { owner: 'terraform' };
    });

    const result = await cloudRun.setTraffic(trafficEffect(ref, splitOf(stable, candidate, 50), null));

    expect(result.ok).toBe(true);
    expect(sandbox.api.service(ref)?.labels).toEqual({ owner: 'terraform' });
    expect(sandbox.api.service(ref)?.template).toMatchObject({ containers: [{ image: 'hello:v2' }] });
  });

  it("answers failed with Cloud Run's reason when a revision cannot serve traffic", async () => {
    const ref = freshService();
    const { revision: stable } = await sandbox.api.createService(ref, 'hello:v1');
    const crashed = await cloudRun.deployCandidate(deployEffect(ref, 'hello:crash'));
    expect(crashed.ok).toBe(false);
    const broken = String(sandbox.api.revisions(ref)[0]?.name).split('/').pop() ?? '';

    const result = await cloudRun.setTraffic(trafficEffect(ref, splitOf(stable, broken, 10), null));

    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('conflict', true);
    expect(result.ok ? '' : result.reason).toContain(`Revision '${broken}' is not ready and cannot serve traffic`);
    // What is served stays what it was.
    expect(sandbox.api.service(ref)?.trafficStatuses).toEqual([
      expect.objectContaining({ revision: stable, percent: 100 }),
    ]);
  });
});
