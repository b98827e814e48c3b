/**
 * The Cloud Build notification `runway demo` publishes: a Build resource in Cloud Build's own format (as it arrives on
 * the `cloud-builds` topic), for one of the sandbox's demo images of service `hello`, with the substitutions a Cloud Run
 * continuous-deployment trigger sets. Pure: ids and times come in.
 */
import type { DemoImage } from '../../sandbox/src/images.js';

/** What the message is made of. */
export interface DemoBuild {
  readonly buildId: string;
  readonly projectId: string;
  readonly region: string;
  readonly service: string;
  readonly image: DemoImage;
  /** When the build finished (ms since the epoch); it "started" two minutes earlier. */
  readonly finishedAt: number;
  /** The commit's author, as a build trigger would pass it (`_COMMIT_AUTHOR_EMAIL`, for the four-eyes rule). */
  readonly authorEmail?: string;
}

/** A Pub/Sub message as the emulator's publish call takes it. */
export interface PubSubMessage {
  readonly data: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** The Build resource of a successful build that pushed `image`. */
export function demoBuildResource(b: DemoBuild): Record<string, unknown> {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const commitSha = b.image.digest.slice('sha256:'.length, 'sha256:'.length + 40);
  return {
    name: `projects/${b.projectId}/locations/global/builds/${b.buildId}`,
    id: b.buildId,
    projectId: b.projectId,
    status: 'SUCCESS',
    steps: [
      {
        name: 'gcr.io/cloud-builders/docker',
        args: ['build', '-t', b.image.byTag, '.'],
        id: 'Build',
        status: 'SUCCESS',
      },
      { name: 'gcr.io/cloud-builders/docker', args: ['push', b.image.byTag], id: 'Push', status: 'SUCCESS' },
    ],
    results: { images: [{ name: b.image.byTag, digest: b.image.digest }] },
    createTime: iso(b.finishedAt - 125_000),
    startTime: iso(b.finishedAt - 120_000),
    finishTime: iso(b.finishedAt),
    images: [b.image.byTag],
    buildTriggerId: 'demo-trigger',
    logUrl: `https://console.cloud.google.com/cloud-build/builds/${b.buildId}?project=${b.projectId}`,
    substitutions: {
      _SERVICE_NAME: b.service,
      _DEPLOY_REGION: b.region,
      _PLATFORM: 'managed',
      COMMIT_SHA: commitSha,
      SHORT_SHA: commitSha.slice(0, 7),
      BRANCH_NAME: 'main',
      REPO_NAME: 'hello',
      TRIGGER_NAME: 'hello-deploy',
      ...(b.authorEmail ? { _COMMIT_AUTHOR_EMAIL: b.authorEmail } : {}),
    },
    tags: ['demo', `trigger-demo`],
  };
}

/** The Pub/Sub message Cloud Build publishes for that build: the resource as base64 JSON, with buildId and status. */
export function demoBuildMessage(b: DemoBuild): PubSubMessage {
  const data = Buffer.from(JSON.stringify(demoBuildResource(b))).toString('base64');
  return { data, attributes: { buildId: b.buildId, status: 'SUCCESS' } };
}
