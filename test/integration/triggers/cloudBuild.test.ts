/**
 * The `cloudBuilds` trigger end to end: Cloud Build's real messages, delivered through firebase-functions-test's wrap()
 * to the v2 function, handled by the real engine on the official Firestore emulator.
 */
import { readFileSync } from 'node:fs';
import functionsTest from 'firebase-functions-test';
import type { CollectionReference, Firestore } from 'firebase-admin/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { rolloutRef } from '../../../functions/src/adapters/firestore/collections.js';
import { rolloutIdOf, type Rollout } from '../../../functions/src/domain/rollout.js';
import type { TargetMiss } from '../../../functions/src/domain/targeting.js';
import {
  createCloudBuildsFunction,
  type CloudBuildLog,
  type CloudBuildReport,
} from '../../../functions/src/triggers/cloudBuild.js';
import { createHarness, type Harness } from '../../support/engine-harness.js';
import { bareBuild, fixturePath } from '../../unit/cloudbuild/fixtures.js';

const fft = functionsTest();
afterAll(() => fft.cleanup());

const FIXTURE_YAML = readFileSync(fixturePath('runway.yaml'), 'utf8');

interface Recorded {
  readonly ignored: string[];
  readonly rejected: { reason: string; misses: readonly TargetMiss[] }[];
  readonly engineFailed: unknown[];
}

/** The trigger wired to the harness's engine, the fixture runway.yaml and a log that remembers. */
function triggerOn(h: Harness) {
  const recorded: Recorded = { ignored: [], rejected: [], engineFailed: [] };
  const log: CloudBuildLog = {
    ignored: (reason) => recorded.ignored.push(reason),
    rejected: (reason, misses) => recorded.rejected.push({ reason, misses }),
    engineFailed: (_event, error) => recorded.engineFailed.push(error),
  };
  const wrapped = fft.wrap(createCloudBuildsFunction(() => ({ config: h.config, engine: h.engine, log })));
  /**
   * Delivers a Pub/Sub message as Cloud Build publishes it: the Build as base64 JSON, buildId and status attributes.
   * Raw `data` that is not base64 JSON goes in as a plain message: makeMessage's `json` getter would throw on it before
   * the function ever ran.
   */
  const deliver = (data: Record<string, unknown> | string, attributes: Record<string, string>) => {
    const message =
      typeof data === 'string' ? { data, attributes, messageId: 'raw-1' } : fft.pubsub.makeMessage(data, attributes);
    return wrapped({ data: { message } }) as Promise<CloudBuildReport>;
  };
  const deliverBuild = (build: Record<string, unknown>) =>
    deliver(build, { buildId: String(build.id), status: String(build.status) });
  return { deliver, deliverBuild, recorded };
}

/** Every document in the project, collections and subcollections alike. */
async function allDocumentPaths(db: Firestore): Promise<string[]> {
  const paths: string[] = [];
  const walk = async (collections: CollectionReference[]): Promise<void> => {
    for (const collection of collections) {
      for (const ref of await collection.listDocuments()) {
        paths.push(ref.path);
        await walk(await ref.listCollections());
      }
    }
  };
  await walk(await db.listCollections());
  return paths;
}

describe('cloudBuilds: builds that start or are recorded', () => {
  const h = createHarness('cloudbuild trigger', { yaml: FIXTURE_YAML });
  const { deliverBuild, recorded } = triggerOn(h);
  afterAll(() => h.close());

  const success = bareBuild('success');
  const rolloutId = rolloutIdOf('checkout.staging', String(success.id));

  it('starts a rollout for a successful build, with the image digest and the build details', async () => {
    const report = await deliverBuild(success);
    expect(report).toMatchObject({
      kind: 'handled',
      results: [{ targetId: 'checkout.staging', result: { status: 'applied' } }],
    });

    const rollout = (await rolloutRef(h.db, rolloutId).get()).data() as Rollout | undefined;
    expect(rollout).toMatchObject({
      id: rolloutId,
      targetId: 'checkout.staging',
      build: {
        buildId: success.id,
        projectId: 'acme-staging',
        image:
          'europe-west1-docker.pkg.dev/acme-staging/cloud-run-source-deploy/checkout/checkout@sha256:01962e1222e749e0583ce4805a8c7a0036fc220007b6aa006c9292404077f500',
        commitSha: '4f1c2e9b7a0d3c6e8f5a1b2c3d4e5f60718293a4',
        repository: 'checkout',
        branch: 'main',
        triggerId: '7c3f9a52-1e4b-4d0a-8f26-b5e2d9c10a47',
        logUrl: expect.stringContaining(String(success.id)),
      },
    });
    const target = await h.target('checkout.staging');
    expect(target.active?.id).toBe(rolloutId);
    expect(recorded.rejected).toEqual([]);
  });

  it('handles the same message twice as one: still one rollout, the target unchanged', async () => {
    const before = await h.target('checkout.staging');
    const report = await deliverBuild(success);
    expect(report).toMatchObject({ kind: 'handled', results: [{ result: { status: 'duplicate' } }] });

    expect(await h.target('checkout.staging')).toEqual(before);
    const rollouts = await h.db.collection('rollouts').where('targetId', '==', 'checkout.staging').get();
    expect(rollouts.docs.map((d) => d.id)).toHaveLength(1);
  });

  it("records a failed build in the target's recent builds", async () => {
    const failure = bareBuild('failure');
    await deliverBuild(failure);

    const target = await h.target('checkout.staging');
    expect(target.recentBuilds[0]).toMatchObject({
      buildId: failure.id,
      status: 'FAILURE',
      commitSha: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807',
      branch: 'main',
      logUrl: expect.stringContaining(String(failure.id)),
    });
    // The failure did not disturb the rollout in flight.
    expect(target.active?.id).toBe(rolloutId);
  });

  it('records a timed-out build on the target its trigger names', async () => {
    await deliverBuild(bareBuild('timeout'));
    expect((await h.target('checkout.production')).recentBuilds[0]).toMatchObject({ status: 'TIMEOUT' });
  });

  it('starts one rollout per target of a two-image build, each with its own image', async () => {
    const build = bareBuild('two-images');
    await deliverBuild(build);
    const images = await Promise.all(
      ['payments.production', 'migrations.production'].map(async (targetId) => {
        const rollout = (await rolloutRef(h.db, rolloutIdOf(targetId, String(build.id))).get()).data() as Rollout;
        expect((await h.target(targetId)).active?.id).toBe(rollout.id);
        return rollout.build.image;
      }),
    );
    expect(images[0]).toMatch(/^europe-docker\.pkg\.dev\/acme-artifacts\/releases\/payments-api@sha256:/);
    expect(images[1]).toMatch(/^europe-docker\.pkg\.dev\/acme-artifacts\/releases\/payments-migrations@sha256:/);
  });
});

describe('cloudBuilds: messages it acknowledges without writing anything', () => {
  const h = createHarness('cloudbuild trigger rejects', { yaml: FIXTURE_YAML });
  const { deliver, deliverBuild, recorded } = triggerOn(h);
  afterAll(() => h.close());

  const success = bareBuild('success');
  const attributes = { buildId: String(success.id), status: 'SUCCESS' };

  it.each<[string, () => Promise<CloudBuildReport>, string]>([
    ['data that is not base64', () => deliver('not base64!', attributes), 'message.data is not base64'],
    [
      'data that is not JSON',
      () => deliver(Buffer.from('{"id":').toString('base64'), attributes),
      'message.data is not JSON',
    ],
    [
      'a build without an id',
      () => deliver({ ...success, id: undefined }, { status: 'SUCCESS' }),
      'build.id: is required',
    ],
    [
      'attributes that disagree with the body',
      () => deliver(success, { ...attributes, status: 'FAILURE' }),
      "attributes.status is 'FAILURE' but build.status is 'SUCCESS'",
    ],
    [
      'a digest of the wrong shape',
      () => deliverBuild({ ...success, results: { images: [{ name: 'gcr.io/acme/checkout:v1', digest: 'v1' }] } }),
      'build.results.images[0].digest: must be a sha256 digest',
    ],
  ])('a malformed message: %s', async (_name, send, reason) => {
    const report = await send();
    expect(report).toMatchObject({ kind: 'rejected', reason: expect.stringContaining(reason) });
    expect(recorded.rejected.at(-1)?.reason).toContain(reason);
  });

  it('a build of a service runway.yaml does not know', async () => {
    const report = await deliverBuild({
      ...success,
      projectId: 'acme-prod',
      buildTriggerId: 'another-trigger',
      substitutions: { ...(success.substitutions as Record<string, string>), _SERVICE_NAME: 'inventory' },
    });
    expect(report).toMatchObject({
      kind: 'rejected',
      reason: `no target in runway.yaml matches build ${String(success.id)}`,
    });
    expect(recorded.rejected.at(-1)?.misses).toContainEqual({
      targetId: 'orders.production',
      reason: "_SERVICE_NAME is 'inventory', not 'orders'",
    });
  });

  it('a successful build without images, and one still working', async () => {
    expect(await deliverBuild(bareBuild('no-images'))).toMatchObject({ kind: 'rejected' });
    expect(await deliverBuild(bareBuild('working'))).toMatchObject({ kind: 'ignored' });
    expect(recorded.ignored).toHaveLength(1);
  });

  it('left Firestore empty', async () => {
    expect(recorded.engineFailed).toEqual([]);
    expect(await allDocumentPaths(h.db)).toEqual([]);
  });
});
