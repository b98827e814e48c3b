/**
 * The Cloud Run adapter meeting the failures the real API has, injected into the sandbox's stand-in: 429 and 503 are
 * retried with backoff and the call succeeds once they pass; when they persist, the adapter throws a transient
 * {@link CloudRunApiError} so the engine retries the effect later, having written nothing twice; a refusal that
 * retrying cannot fix is an answer naming the service.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloudRunApiError, Code } from '../../../functions/src/adapters/cloudrun/errors.js';
import type { CloudRunAdapter } from '../../../functions/src/adapters/cloudrun/index.js';
import { splitOf } from '../../../functions/src/domain/effects.js';
import { isTransient } from '../../../functions/src/engine/transient.js';
import {
  deployEffect,
  freshService,
  sandboxWithAdapter,
  TEST_TUNING,
  trafficEffect,
  trafficLines,
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

afterEach(() => sandbox.api.faults.clear());

afterAll(() => env?.close());

describe('transient failures', () => {
  it.each([429, 503] as const)('retries a %i on reading the service, then deploys', async (status) => {
    const ref = freshService();
    await sandbox.api.createService(ref, 'hello:v1');
    sandbox.api.faults.inject({ status, method: 'GET', kind: 'services', count: 2 });

    const result = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2'));

    expect(result).toMatchObject({ ok: true });
    expect(sandbox.api.faults.pending().rules).toEqual([]);
  });

  it('retries a 503 on the traffic PATCH; the split is applied once', async () => {
    const ref = freshService();
    const { revision: stable } = await sandbox.api.createService(ref, 'hello:v1');
    const deployed = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2'));
    if (!deployed.ok) throw new Error(deployed.reason);
    const generation = Number(sandbox.api.service(ref)?.generation);
    sandbox.api.faults.inject({ status: 503, method: 'PATCH', kind: 'services' });

    const result = await cloudRun.setTraffic(
      trafficEffect(ref, splitOf(stable, deployed.revision, 20), [splitOf(stable, null, 0)]),
    );

    expect(result).toEqual({ ok: true, split: splitOf(stable, deployed.revision, 20) });
    expect(trafficLines(sandbox.api, ref)).toEqual([`${deployed.revision} #candidate 20%`, `${stable} 80%`].sort());
    expect(Number(sandbox.api.service(ref)?.generation)).toBe(generation + 1);
  });

  it('retries a 500 while polling the operation', async () => {
    const ref = freshService();
    await sandbox.api.createService(ref, 'hello:v1');
    sandbox.api.faults.inject({ status: 500, method: 'GET', kind: 'operations' });

    expect(await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2'))).toMatchObject({ ok: true });
  });

  it('throws a transient error when 429s persist, for the engine to retry the effect later', async () => {
    const ref = freshService();
    await sandbox.api.createService(ref, 'hello:v1');
    sandbox.api.faults.inject({ status: 429, method: 'GET', kind: 'services', count: TEST_TUNING.attempts ?? 4 });

    const error = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CloudRunApiError);
    expect((error as CloudRunApiError).code).toBe(Code.RESOURCE_EXHAUSTED);
    expect((error as Error).message).toMatch(/RESOURCE_EXHAUSTED while reading service .*, 4 tries/);
    expect(isTransient(error)).toBe(true);
    // Nothing was written: the next attempt starts from the same service.
    expect(sandbox.api.revisions(ref)).toHaveLength(1);
  });

  it('throws a transient error when the service keeps changing under it (etag conflicts every time)', async () => {
    const ref = freshService();
    const { revision: stable } = await sandbox.api.createService(ref, 'hello:v1');
    const deployed = await cloudRun.deployCandidate(deployEffect(ref, 'hello:v2'));
    if (!deployed.ok) throw new Error(deployed.reason);
    for (let i = 0; i < (TEST_TUNING.conflictAttempts ?? 4); i++) sandbox.api.faults.conflictNextPatch(ref.service);

    const error = await cloudRun
      .setTraffic(trafficEffect(ref, splitOf(stable, deployed.revision, 20), [splitOf(stable, null, 0)]))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CloudRunApiError);
    expect((error as CloudRunApiError).code).toBe(Code.ABORTED);
    expect(isTransient(error)).toBe(true);
    expect(trafficLines(sandbox.api, ref)).toEqual([`${deployed.revision} #candidate 0%`, `${stable} 100%`].sort());
  });
});

describe('permanent failures', () => {
  it('answers a traffic change for an unknown service with a reason naming it', async () => {
    const ref = freshService();
    const result = await cloudRun.setTraffic(trafficEffect(ref, splitOf('a', null, 0), null, 'rollback'));

    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(new RegExp(`${ref.service}.*not found.*Check the project, region`));
  });
});
