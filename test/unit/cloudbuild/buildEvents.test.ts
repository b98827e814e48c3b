import { describe, expect, it } from 'vitest';
import { outcomeOfCloudBuild } from '../../../functions/src/adapters/cloudbuild/interpret.js';
import { parseCloudBuildInput } from '../../../functions/src/adapters/cloudbuild/parse.js';
import {
  buildEventsOf,
  NO_IMAGE_REASON,
  type BuildEventsOutcome,
  type CloudBuildStatus,
  type ObservedBuild,
} from '../../../functions/src/domain/buildEvents.js';
import type { BuildFailed, BuildSucceeded } from '../../../functions/src/domain/events.js';
import { fixtureConfig, pushEnvelope, type Scenario, STAGING_TRIGGER, PRODUCTION_TRIGGER } from './fixtures.js';

const config = fixtureConfig();
const targets = config.targets;
const API = 'europe-docker.pkg.dev/acme-artifacts/releases/payments-api';
const MIGRATIONS = 'europe-docker.pkg.dev/acme-artifacts/releases/payments-migrations';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

function observed(changes: Partial<ObservedBuild> = {}): ObservedBuild {
  return {
    id: 'build-1',
    projectId: 'acme-prod',
    status: 'SUCCESS',
    pushedImages: [],
    declaredImages: [],
    substitutions: {},
    triggerId: null,
    triggerName: null,
    commitSha: null,
    repository: null,
    branch: null,
    tag: null,
    logUrl: null,
    createdAt: null,
    finishedAt: null,
    ...changes,
  };
}

function fromFixture(scenario: Scenario): BuildEventsOutcome {
  return outcomeOfCloudBuild(parseCloudBuildInput(pushEnvelope(scenario)), config);
}

function eventsOf(outcome: BuildEventsOutcome): readonly (BuildSucceeded | BuildFailed)[] {
  if (outcome.kind !== 'events') throw new Error(`expected events, got ${outcome.kind}: ${outcome.reason}`);
  return outcome.events;
}

describe('buildEventsOf on the fixtures', () => {
  it('turns a successful continuous-deployment build into build.succeeded for its target, image pinned by digest', () => {
    const outcome = fromFixture('success');
    expect(eventsOf(outcome)).toEqual([
      {
        type: 'build.succeeded',
        id: 'cloudbuild:b3f1c7a2-5d8e-4e71-9c3a-2f6d8b1e4a90:SUCCESS',
        targetId: 'checkout.staging',
        build: {
          buildId: 'b3f1c7a2-5d8e-4e71-9c3a-2f6d8b1e4a90',
          projectId: 'acme-staging',
          image:
            'europe-west1-docker.pkg.dev/acme-staging/cloud-run-source-deploy/checkout/checkout@sha256:01962e1222e749e0583ce4805a8c7a0036fc220007b6aa006c9292404077f500',
          commitSha: '4f1c2e9b7a0d3c6e8f5a1b2c3d4e5f60718293a4',
          repository: 'checkout',
          branch: 'main',
          tag: null,
          triggerId: STAGING_TRIGGER,
          triggerName: 'deploy-checkout-staging',
          logUrl:
            'https://console.cloud.google.com/cloud-build/builds/b3f1c7a2-5d8e-4e71-9c3a-2f6d8b1e4a90?project=418237749512',
          createdAt: Date.UTC(2025, 2, 4, 9, 12, 3, 118),
          finishedAt: Date.UTC(2025, 2, 4, 9, 14, 27, 882),
        },
      },
    ]);
    expect(outcome.kind === 'events' && outcome.misses).toContainEqual({
      targetId: 'checkout.production',
      reason: `trigger '${STAGING_TRIGGER}' is not '${PRODUCTION_TRIGGER}'`,
    });
  });

  it('records a failed build on its target, with the image it meant to push', () => {
    expect(eventsOf(fromFixture('failure'))).toEqual([
      expect.objectContaining({
        type: 'build.failed',
        id: 'cloudbuild:0d6e2b91-8a47-4c3f-b5e0-71c9f24a8d13:FAILURE',
        targetId: 'checkout.staging',
        status: 'FAILURE',
        build: expect.objectContaining({
          buildId: '0d6e2b91-8a47-4c3f-b5e0-71c9f24a8d13',
          image:
            'europe-west1-docker.pkg.dev/acme-staging/cloud-run-source-deploy/checkout/checkout:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807',
          commitSha: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807',
        }),
      }),
    ]);
  });

  it('records a timed-out production build on the production target', () => {
    expect(eventsOf(fromFixture('timeout'))).toEqual([
      expect.objectContaining({ type: 'build.failed', targetId: 'checkout.production', status: 'TIMEOUT' }),
    ]);
  });

  it('ignores a build that is still working', () => {
    expect(fromFixture('working')).toEqual({
      kind: 'ignored',
      reason:
        'build 5a9c4e17-b2d0-4f86-93a1-e8c7d6f50b24 is WORKING: Runway acts only on finished builds (SUCCESS starts a rollout; FAILURE, TIMEOUT, INTERNAL_ERROR, CANCELLED and EXPIRED are recorded)',
    });
  });

  it('rejects a successful build that pushed no image, saying how to fix it', () => {
    const outcome = fromFixture('no-images');
    expect(outcome).toMatchObject({ kind: 'rejected', reason: NO_IMAGE_REASON });
    expect(NO_IMAGE_REASON).toBe(
      'the build pushed no image Runway can see: list it under `images:` in cloudbuild.yaml so Cloud Build records its digest',
    );
  });

  it('gives each target of a two-image build its own image', () => {
    const events = eventsOf(fromFixture('two-images'));
    expect(events.map((e) => [e.targetId, e.build.image.split('@')[0]])).toEqual([
      ['payments.production', API],
      ['migrations.production', MIGRATIONS],
    ]);
    expect(events[0]?.build.image).not.toBe(events[1]?.build.image);
    expect(new Set(events.map((e) => e.id))).toEqual(
      new Set(['cloudbuild:f7e3a1b9-0c24-4d6e-8b57-a2c9e0d1f364:SUCCESS']),
    );
  });

  it('rejects a malformed message with the parser reason', () => {
    const outcome = outcomeOfCloudBuild(parseCloudBuildInput({ message: { data: 'not base64!' } }), config);
    expect(outcome).toEqual({
      kind: 'rejected',
      reason: 'malformed Cloud Build notification: message.data is not base64',
      misses: [],
    });
  });

  it('is deterministic: the same notification twice gives the same events and ids', () => {
    expect(fromFixture('success')).toEqual(fromFixture('success'));
  });
});

describe('buildEventsOf by status', () => {
  const matching = { substitutions: { _SERVICE_NAME: 'orders' }, pushedImages: [] };

  it.each<CloudBuildStatus>(['STATUS_UNKNOWN', 'PENDING', 'QUEUED', 'WORKING'])('ignores %s', (status) => {
    const outcome = buildEventsOf(observed({ ...matching, status }), targets);
    expect(outcome).toEqual({ kind: 'ignored', reason: expect.stringContaining(`build build-1 is ${status}: `) });
  });

  it('ignores an unfinished build even when no target would match it', () => {
    expect(buildEventsOf(observed({ status: 'QUEUED' }), targets).kind).toBe('ignored');
  });

  it.each<CloudBuildStatus>(['FAILURE', 'INTERNAL_ERROR', 'TIMEOUT', 'CANCELLED', 'EXPIRED'])(
    'records %s as build.failed',
    (status) => {
      expect(eventsOf(buildEventsOf(observed({ ...matching, status }), targets))).toEqual([
        {
          type: 'build.failed',
          id: `cloudbuild:build-1:${status}`,
          targetId: 'orders.production',
          status,
          build: expect.objectContaining({ buildId: 'build-1', image: '' }),
        },
      ]);
    },
  );

  it('keeps the digest of a failed build that pushed its image anyway', () => {
    const pushed = [{ name: 'gcr.io/acme/orders:v1', repository: 'gcr.io/acme/orders', digest: digest('c') }];
    const events = eventsOf(buildEventsOf(observed({ ...matching, status: 'FAILURE', pushedImages: pushed }), targets));
    expect(events[0]?.build.image).toBe(`gcr.io/acme/orders@${digest('c')}`);
  });
});

describe('buildEventsOf: targets and images', () => {
  it('rejects a build no target matches, with every target and its reason', () => {
    const outcome = buildEventsOf(observed({ substitutions: { _SERVICE_NAME: 'inventory' } }), targets);
    expect(outcome).toMatchObject({ kind: 'rejected', reason: 'no target in runway.yaml matches build build-1' });
    expect(outcome.kind === 'rejected' && outcome.misses.map((m) => m.targetId)).toEqual(targets.map((t) => t.id));
    expect(outcome.kind === 'rejected' && outcome.misses[4]).toEqual({
      targetId: 'orders.production',
      reason: "_SERVICE_NAME is 'inventory', not 'orders'",
    });
  });

  it('rejects everything when runway.yaml has no targets', () => {
    expect(buildEventsOf(observed(), [])).toEqual({
      kind: 'rejected',
      reason: 'runway.yaml has no targets, so build build-1 maps to none',
      misses: [],
    });
  });

  it('emits one event per matching target, with one id', () => {
    const pushed = [{ name: 'gcr.io/acme/search:v1', repository: 'gcr.io/acme/search', digest: digest('d') }];
    const events = eventsOf(
      buildEventsOf(observed({ substitutions: { _SERVICE_NAME: 'search' }, pushedImages: pushed }), targets),
    );
    expect(events.map((e) => e.targetId)).toEqual(['search.eu', 'search.us']);
    expect(events.map((e) => e.id)).toEqual(['cloudbuild:build-1:SUCCESS', 'cloudbuild:build-1:SUCCESS']);
    expect(events.map((e) => e.build.image)).toEqual([
      `gcr.io/acme/search@${digest('d')}`,
      `gcr.io/acme/search@${digest('d')}`,
    ]);
  });

  it('takes the first pushed image for a target without match.image', () => {
    const pushed = [
      { name: 'gcr.io/acme/orders:v1', repository: 'gcr.io/acme/orders', digest: digest('1') },
      { name: 'gcr.io/acme/sidecar:v1', repository: 'gcr.io/acme/sidecar', digest: digest('2') },
    ];
    const events = eventsOf(
      buildEventsOf(observed({ substitutions: { _SERVICE_NAME: 'orders' }, pushedImages: pushed }), targets),
    );
    expect(events.map((e) => e.build.image)).toEqual([`gcr.io/acme/orders@${digest('1')}`]);
  });

  it('takes the image of match.image, wherever it is in the list', () => {
    const pushed = [
      { name: `${MIGRATIONS}:x`, repository: MIGRATIONS, digest: digest('3') },
      { name: `${API}:x`, repository: API, digest: digest('4') },
    ];
    const events = eventsOf(buildEventsOf(observed({ pushedImages: pushed }), targets));
    expect(events.map((e) => [e.targetId, e.build.image])).toEqual([['payments.production', `${API}@${digest('4')}`]]);
  });

  it('rejects when the image a target matched by was declared but Cloud Build recorded no digest for it', () => {
    const sidecar = { name: 'gcr.io/acme/sidecar:x', repository: 'gcr.io/acme/sidecar', digest: digest('6') };
    const outcome = buildEventsOf(observed({ declaredImages: [`${API}:x`], pushedImages: [sidecar] }), targets);
    expect(outcome).toMatchObject({
      kind: 'rejected',
      reason: 'no matching target has an image to deploy from build build-1',
    });
    expect(outcome.kind === 'rejected' && outcome.misses).toContainEqual({
      targetId: 'payments.production',
      reason: `Cloud Build recorded no digest for ${API}: ${NO_IMAGE_REASON}`,
    });
  });

  it('still starts the targets that have an image when another matched target has none', () => {
    const pushed = [{ name: `${API}:x`, repository: API, digest: digest('5') }];
    const build = observed({
      pushedImages: pushed,
      declaredImages: [`${API}:x`, `${MIGRATIONS}:x`],
      substitutions: { REPO_NAME: 'payments' },
    });
    const outcome = buildEventsOf(build, targets);
    expect(eventsOf(outcome).map((e) => e.targetId)).toEqual(['payments.production']);
    expect(outcome.kind === 'events' && outcome.misses).toContainEqual({
      targetId: 'migrations.production',
      reason: `Cloud Build recorded no digest for ${MIGRATIONS}: ${NO_IMAGE_REASON}`,
    });
  });
});
