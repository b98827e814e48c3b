import { describe, expect, it } from 'vitest';
import {
  parseCloudBuildInput,
  parseCloudBuildMessage,
  parseCloudBuildResource,
  type CloudBuildParseResult,
} from '../../../functions/src/adapters/cloudbuild/parse.js';
import { CLOUD_BUILD_STATUSES, type ObservedBuild } from '../../../functions/src/domain/buildEvents.js';
import { bareBuild, messageOf, pushEnvelope, SCENARIOS, STAGING_TRIGGER } from './fixtures.js';

const COMMIT = '4f1c2e9b7a0d3c6e8f5a1b2c3d4e5f60718293a4';
const CHECKOUT_STAGING = 'europe-west1-docker.pkg.dev/acme-staging/cloud-run-source-deploy/checkout/checkout';
const DIGEST = `sha256:${'a'.repeat(64)}`;

function parsedBuild(result: CloudBuildParseResult): ObservedBuild {
  if (!result.ok) throw new Error(`expected a build, got: ${result.reason}`);
  return result.build;
}

function reasonOf(result: CloudBuildParseResult): string {
  if (result.ok) throw new Error(`expected a rejection, got build ${result.build.id}`);
  return result.reason;
}

/** A valid minimal Build with `changes` applied (a key set to undefined is removed). */
function build(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: 'b-1',
    projectId: 'acme-staging',
    status: 'SUCCESS',
    results: { images: [{ name: `${CHECKOUT_STAGING}:v1`, digest: DIGEST }] },
  };
  return JSON.parse(JSON.stringify({ ...base, ...changes })) as Record<string, unknown>;
}

function base64(text: string | Uint8Array): string {
  return Buffer.from(text).toString('base64');
}

describe('parseCloudBuildMessage on the fixtures', () => {
  it('reads every field Runway uses from a Cloud Run continuous-deployment build', () => {
    const { message } = pushEnvelope('success');
    const result = parseCloudBuildMessage(message);
    expect(result).toEqual({
      ok: true,
      messageId: '10473829105748201',
      build: {
        id: 'b3f1c7a2-5d8e-4e71-9c3a-2f6d8b1e4a90',
        projectId: 'acme-staging',
        status: 'SUCCESS',
        // The tagged and the bare entry of one push are one image.
        pushedImages: [
          {
            name: `${CHECKOUT_STAGING}:${COMMIT}`,
            repository: CHECKOUT_STAGING,
            digest: 'sha256:01962e1222e749e0583ce4805a8c7a0036fc220007b6aa006c9292404077f500',
          },
        ],
        declaredImages: [`${CHECKOUT_STAGING}:${COMMIT}`],
        substitutions: {
          _SERVICE_NAME: 'checkout',
          _DEPLOY_REGION: 'europe-west1',
          _DEPLOY_ENV: 'staging',
          _AR_HOSTNAME: 'europe-west1-docker.pkg.dev',
          _PLATFORM: 'managed',
          _TRIGGER_ID: STAGING_TRIGGER,
          REPO_NAME: 'checkout',
          REPO_FULL_NAME: 'acme/checkout',
          BRANCH_NAME: 'main',
          REF_NAME: 'main',
          COMMIT_SHA: COMMIT,
          REVISION_ID: COMMIT,
          SHORT_SHA: '4f1c2e9',
          TRIGGER_NAME: 'deploy-checkout-staging',
          TRIGGER_BUILD_CONFIG_PATH: '',
        },
        triggerId: STAGING_TRIGGER,
        triggerName: 'deploy-checkout-staging',
        commitSha: COMMIT,
        repository: 'checkout',
        branch: 'main',
        tag: null,
        logUrl:
          'https://console.cloud.google.com/cloud-build/builds/b3f1c7a2-5d8e-4e71-9c3a-2f6d8b1e4a90?project=418237749512',
        createdAt: Date.UTC(2025, 2, 4, 9, 12, 3, 118),
        finishedAt: Date.UTC(2025, 2, 4, 9, 14, 27, 882),
      },
    });
  });

  it.each(SCENARIOS)('reads the %s envelope and the bare build alike', (scenario) => {
    const fromEnvelope = parseCloudBuildInput(pushEnvelope(scenario));
    const fromBare = parseCloudBuildInput(bareBuild(scenario));
    expect(parsedBuild(fromEnvelope)).toEqual(parsedBuild(fromBare));
    expect(fromEnvelope.ok && fromEnvelope.messageId).toBe(pushEnvelope(scenario).message.messageId);
    expect(fromBare.ok && fromBare.messageId).toBeNull();
  });

  it('reads each scenario with its status', () => {
    const statuses = SCENARIOS.map((scenario) => parsedBuild(parseCloudBuildInput(pushEnvelope(scenario))).status);
    expect(statuses).toEqual(['SUCCESS', 'FAILURE', 'WORKING', 'TIMEOUT', 'SUCCESS', 'SUCCESS']);
  });

  it('keeps both images of a two-image build, in order, and takes source details from the repository source', () => {
    const parsed = parsedBuild(parseCloudBuildInput(pushEnvelope('two-images')));
    expect(parsed.pushedImages.map((i) => i.repository)).toEqual([
      'europe-docker.pkg.dev/acme-artifacts/releases/payments-migrations',
      'europe-docker.pkg.dev/acme-artifacts/releases/payments-api',
    ]);
    expect(parsed.pushedImages[0]?.digest).not.toBe(parsed.pushedImages[1]?.digest);
    expect(parsed).toMatchObject({
      repository: 'payments',
      branch: null,
      tag: 'v2.4.0',
      commitSha: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
    });
  });

  it('reads a build that has no results.images and one that has not finished', () => {
    expect(parsedBuild(parseCloudBuildInput(pushEnvelope('no-images'))).pushedImages).toEqual([]);
    const working = parsedBuild(parseCloudBuildInput(pushEnvelope('working')));
    expect(working).toMatchObject({ status: 'WORKING', pushedImages: [], finishedAt: null });
    expect(working.createdAt).toBe(Date.UTC(2025, 2, 4, 9, 40, 2, 550));
  });
});

describe('parseCloudBuildMessage, field by field', () => {
  it.each(CLOUD_BUILD_STATUSES)('accepts status %s', (status) => {
    expect(parsedBuild(parseCloudBuildMessage(messageOf(build({ status }))))).toMatchObject({ status });
  });

  it('takes the status from the attributes when the body has none, and from the body when the attributes have none', () => {
    expect(
      parsedBuild(parseCloudBuildMessage(messageOf(build({ status: undefined }), { status: 'FAILURE' }))).status,
    ).toBe('FAILURE');
    expect(parsedBuild(parseCloudBuildMessage(messageOf(build({ status: 'TIMEOUT' }), {}))).status).toBe('TIMEOUT');
  });

  it('falls back from substitutions to the resolved and requested repository source', () => {
    const parsed = parsedBuild(
      parseCloudBuildMessage(
        messageOf(
          build({
            source: {
              repoSource: { repoName: 'requested', branchName: 'release', tagName: 'v1.2.0', commitSha: 'c0ffee' },
            },
            sourceProvenance: { resolvedRepoSource: { repoName: 'resolved', commitSha: 'feedface' } },
          }),
        ),
      ),
    );
    expect(parsed).toMatchObject({ repository: 'resolved', commitSha: 'feedface', branch: 'release', tag: 'v1.2.0' });
  });

  it('prefers substitutions, and treats empty ones as absent', () => {
    const parsed = parsedBuild(
      parseCloudBuildMessage(
        messageOf(
          build({
            substitutions: {
              REPO_NAME: 'checkout',
              COMMIT_SHA: 'abc',
              BRANCH_NAME: '',
              TAG_NAME: 'v2.0.0',
              TRIGGER_NAME: '',
            },
            source: { repoSource: { repoName: 'requested', branchName: 'release' } },
            sourceProvenance: { resolvedRepoSource: { commitSha: 'feedface' } },
          }),
        ),
      ),
    );
    expect(parsed).toMatchObject({
      repository: 'checkout',
      commitSha: 'abc',
      branch: 'release',
      tag: 'v2.0.0',
      triggerName: null,
    });
  });

  it('uses REVISION_ID and a gitSource url when nothing better is there', () => {
    const parsed = parsedBuild(
      parseCloudBuildMessage(
        messageOf(
          build({
            substitutions: { REVISION_ID: 'deadbeef' },
            source: { gitSource: { url: 'https://github.com/acme/checkout.git' } },
          }),
        ),
      ),
    );
    expect(parsed).toMatchObject({ commitSha: 'deadbeef', repository: 'https://github.com/acme/checkout.git' });
  });

  it('leaves what a hand-started build lacks as null', () => {
    const parsed = parsedBuild(parseCloudBuildMessage(messageOf(build())));
    expect(parsed).toEqual({
      id: 'b-1',
      projectId: 'acme-staging',
      status: 'SUCCESS',
      pushedImages: [{ name: `${CHECKOUT_STAGING}:v1`, repository: CHECKOUT_STAGING, digest: DIGEST }],
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
    });
  });

  it('accepts null for optional fields and ignores fields it does not know', () => {
    const parsed = parseCloudBuildMessage(
      messageOf(
        build({
          logUrl: null,
          substitutions: null,
          images: null,
          futureField: { anything: [1, 2] },
          steps: 'whatever',
        }),
      ),
    );
    expect(parsedBuild(parsed)).toMatchObject({ logUrl: null, substitutions: {}, declaredImages: [] });
  });

  it('converts RFC 3339 times with nanoseconds and offsets to milliseconds', () => {
    const parsed = parsedBuild(
      parseCloudBuildMessage(
        messageOf(build({ createTime: '2025-03-04T09:12:03.118742391Z', finishTime: '2025-03-04T10:14:27+01:00' })),
      ),
    );
    expect(parsed.createdAt).toBe(Date.UTC(2025, 2, 4, 9, 12, 3, 118));
    expect(parsed.finishedAt).toBe(Date.UTC(2025, 2, 4, 9, 14, 27));
  });

  it('strips tags but not registry ports from image names', () => {
    const parsed = parsedBuild(
      parseCloudBuildMessage(
        messageOf(
          build({
            results: {
              images: [
                { name: 'localhost:5000/team/app:1.0', digest: DIGEST },
                { name: 'gcr.io/acme/app', digest: DIGEST },
              ],
            },
          }),
        ),
      ),
    );
    expect(parsed.pushedImages.map((i) => i.repository)).toEqual(['localhost:5000/team/app', 'gcr.io/acme/app']);
  });

  it('accepts a message class instance as firebase-functions delivers it', () => {
    class Message {
      constructor(
        readonly data: string,
        readonly attributes: Record<string, string>,
        readonly messageId: string,
      ) {}
      get json(): unknown {
        throw new Error('not used');
      }
    }
    const { data, attributes } = messageOf(build());
    expect(parseCloudBuildMessage(new Message(data, attributes, 'm-1'))).toMatchObject({ ok: true, messageId: 'm-1' });
  });
});

describe('parseCloudBuildMessage rejects malformed messages, naming the field', () => {
  // JSON.parse words its errors differently across Node versions, hence the one pattern.
  const cases: [string, unknown, string | RegExp][] = [
    ['a message that is not an object', 'hello', 'message: must be an object'],
    [
      'no data',
      { attributes: { buildId: 'b-1', status: 'SUCCESS' } },
      'message.data is missing (Cloud Build puts the Build resource there, as base64 JSON)',
    ],
    ['empty data', { data: '' }, 'message.data is empty (Cloud Build puts the Build resource there, as base64 JSON)'],
    ['data of the wrong type', { data: 42 }, 'message.data: must be a string'],
    ['data that is not base64', { data: 'this is not base64!' }, 'message.data is not base64'],
    [
      'data that is not UTF-8',
      { data: base64(new Uint8Array([0xff, 0xfe, 0x7b])) },
      'message.data is not UTF-8 text once decoded from base64',
    ],
    ['data that is not JSON', { data: base64('{"id": "b-1",') }, /^message\.data is not JSON: .*position 13/],
    [
      'JSON that is not an object',
      { data: base64('[1, 2]') },
      'the build is not a JSON object (a Cloud Build Build resource)',
    ],
    [
      'attributes of the wrong type',
      { ...messageOf(build()), attributes: { buildId: 7 } },
      'message.attributes.buildId: must be a string',
    ],
    ['no id', messageOf(build({ id: undefined }), {}), 'build.id: is required'],
    ['an empty id', messageOf(build({ id: '' }), {}), 'build.id: must not be empty'],
    ['an id of the wrong type', messageOf(build({ id: 42 }), {}), 'build.id: must be a string'],
    ['no projectId', messageOf(build({ projectId: undefined })), 'build.projectId: is required'],
    [
      'no status anywhere',
      messageOf(build({ status: undefined }), { buildId: 'b-1' }),
      'build.status is missing (and no status attribute says it either)',
    ],
    [
      'an unknown status',
      messageOf(build({ status: 'DONE' }), {}),
      `build.status: must be one of ${CLOUD_BUILD_STATUSES.join(', ')}`,
    ],
    [
      'an unknown status attribute',
      messageOf(build(), { status: 'DONE' }),
      `attributes.status: must be one of ${CLOUD_BUILD_STATUSES.join(', ')}`,
    ],
    [
      'a buildId attribute for another build',
      messageOf(build(), { buildId: 'b-2', status: 'SUCCESS' }),
      "attributes.buildId is 'b-2' but build.id is 'b-1'",
    ],
    [
      'a status attribute that disagrees',
      messageOf(build(), { buildId: 'b-1', status: 'WORKING' }),
      "attributes.status is 'WORKING' but build.status is 'SUCCESS'",
    ],
    [
      'results.images that is not a list',
      messageOf(build({ results: { images: 'gcr.io/acme/app' } })),
      'build.results.images: must be a list',
    ],
    [
      'an image without a name',
      messageOf(build({ results: { images: [{ digest: DIGEST }] } })),
      'build.results.images[0].name: is required',
    ],
    [
      'a digest that is a tag',
      messageOf(build({ results: { images: [{ name: 'gcr.io/acme/app', digest: 'latest' }] } })),
      'build.results.images[0].digest: must be a sha256 digest (sha256: and 64 hex digits)',
    ],
    [
      'images that is not a list',
      messageOf(build({ images: 'gcr.io/acme/app' })),
      'build.images: must be a list of image names',
    ],
    [
      'a substitution that is not text',
      messageOf(build({ substitutions: { _SERVICE_NAME: 3 } })),
      'build.substitutions._SERVICE_NAME: must be a string',
    ],
    [
      'a trigger id that is not text',
      messageOf(build({ buildTriggerId: 7 })),
      'build.buildTriggerId: must be a string',
    ],
    ['a log URL that is not text', messageOf(build({ logUrl: {} })), 'build.logUrl: must be a string'],
    [
      'a time that is not RFC 3339',
      messageOf(build({ createTime: 'yesterday' })),
      'build.createTime: must be an RFC 3339 timestamp such as 2025-03-04T09:12:45Z',
    ],
    [
      'a resolved commit that is not text',
      messageOf(build({ sourceProvenance: { resolvedRepoSource: { commitSha: 5 } } })),
      'build.sourceProvenance.resolvedRepoSource.commitSha: must be a string',
    ],
    ['a source of the wrong type', messageOf(build({ source: 'github' })), 'build.source: must be an object'],
  ];

  it.each(cases)('%s', (_name, message, reason) => {
    const actual = reasonOf(parseCloudBuildMessage(message));
    if (typeof reason === 'string') expect(actual).toBe(reason);
    else expect(actual).toMatch(reason);
  });

  it('lists every problem of the body at once', () => {
    expect(reasonOf(parseCloudBuildMessage(messageOf({ status: 'SUCCESS' }, {})))).toBe(
      'build.id: is required; build.projectId: is required',
    );
  });
});

describe('parseCloudBuildInput (what `runway events parse` reads)', () => {
  it('reads a bare Pub/Sub message', () => {
    expect(parsedBuild(parseCloudBuildInput(pushEnvelope('failure').message)).status).toBe('FAILURE');
  });

  it('reads a bare Build resource, whose status is in the body', () => {
    expect(parsedBuild(parseCloudBuildResource(bareBuild('timeout'))).status).toBe('TIMEOUT');
    expect(reasonOf(parseCloudBuildInput(build({ status: undefined })))).toBe(
      'build.status is missing (and no status attribute says it either)',
    );
  });

  it('rejects what is neither', () => {
    expect(reasonOf(parseCloudBuildInput([build()]))).toBe(
      'the input is not a JSON object (a Pub/Sub push envelope or a Build resource)',
    );
    expect(reasonOf(parseCloudBuildInput({ message: 'hi', subscription: 's' }))).toBe('message: must be an object');
    expect(reasonOf(parseCloudBuildInput({ message: {}, subscription: 's' }))).toBe(
      'message.data is missing (Cloud Build puts the Build resource there, as base64 JSON)',
    );
  });
});
