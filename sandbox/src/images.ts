/**
 * The demo "registry": the images of the demo service `hello` and how each behaves once deployed. Runway deploys images
 * pinned by digest (`REPOSITORY@sha256:HEX`), so the sandbox must know a behaviour by digest as well as by tag. Digests
 * are deterministic (sha256 of `REPOSITORY:TAG`), so the CLI, the tests and the sandbox agree without sharing state.
 */
import { createHash } from 'node:crypto';

/** The Artifact Registry repository of the demo images. */
export const DEMO_REPOSITORY = 'europe-west1-docker.pkg.dev/demo-runway/sandbox/hello';

/** The image name (last path segment of the repository); `hello:TAG` is accepted as a short form. */
export const DEMO_IMAGE_NAME = 'hello';

/**
 * The message of a revision's Ready condition when its container does not start or does not listen on its port, as
 * Cloud Run words it (it always says PORT=8080, the port it set, whatever port the sandbox gave the process).
 */
export const CONTAINER_FAILED_TO_START =
  'The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment ' +
  'variable within the allocated timeout. This can happen when the container port is misconfigured or if the timeout ' +
  'is too short. The health check timeout can be extended. Logs for this revision might contain more information.';

/**
 * Response times: a request takes about `baseMs` (uniform in [0.5, 1.5] × base), except a share `tailShare` of them that
 * take about `tailMs` (uniform in [0.9, 1.1] × tail).
 */
export interface LatencyModel {
  readonly baseMs: number;
  readonly tailMs: number;
  /** 0..1 */
  readonly tailShare: number;
}

/** Whether the container starts; when it does not, the Ready condition message Cloud Run would show. */
export type StartupBehaviour = { readonly fails: false } | { readonly fails: true; readonly message: string };

/** How a revision running an image behaves. */
export interface BehaviourProfile {
  /** Share of requests (other than /healthz) answered with a 500, 0..1. */
  readonly errorRate: number;
  readonly latency: LatencyModel;
  readonly startup: StartupBehaviour;
  /** The status /healthz answers. */
  readonly healthStatus: 200 | 503;
}

/** An image of the demo repository, by tag and by digest. */
export interface DemoImage {
  readonly repository: string;
  readonly tag: string;
  /** `sha256:HEX` */
  readonly digest: string;
  /** `REPOSITORY:TAG` */
  readonly byTag: string;
  /** `REPOSITORY@sha256:HEX`, the form Runway deploys. */
  readonly byDigest: string;
}

/** A demo image with what it is for and how it behaves. */
export interface DemoImageEntry extends DemoImage {
  /** The image name, `hello`. */
  readonly name: string;
  /** One line, for `runway demo --help` and the README. */
  readonly description: string;
  readonly profile: BehaviourProfile;
}

/** A healthy service: ~10 ms, 1% of requests ~60 ms, no errors. Also the profile of any image the registry does not know. */
export const HEALTHY: BehaviourProfile = {
  errorRate: 0,
  latency: { baseMs: 10, tailMs: 60, tailShare: 0.01 },
  startup: { fails: false },
  healthStatus: 200,
};

// 8% of requests take ~1.4 s (uniform 1.26..1.54 s): the 99th percentile falls at 7/8 of the tail's range, ≈ 1.5 s. A
// tail this wide shows in the few dozen requests a demo step's window holds; a 1% tail would often not.
const SLOW: LatencyModel = { baseMs: 10, tailMs: 1400, tailShare: 0.08 };

const CATALOGUE: readonly { tag: string; description: string; profile: BehaviourProfile }[] = [
  { tag: 'v1', description: 'the initial stable release: healthy', profile: HEALTHY },
  { tag: 'v2', description: 'a healthy release', profile: HEALTHY },
  { tag: 'v3-errors', description: '8% of requests answer 500', profile: { ...HEALTHY, errorRate: 0.08 } },
  {
    tag: 'v4-slow',
    description: 'a slow tail: p99 ≈ 1.5 s, most requests fast',
    profile: { ...HEALTHY, latency: SLOW },
  },
  {
    tag: 'v5-crash',
    description: 'exits at start: the revision never becomes ready',
    profile: { ...HEALTHY, startup: { fails: true, message: CONTAINER_FAILED_TO_START } },
  },
  { tag: 'v6-unhealthy', description: 'serves, but /healthz answers 503', profile: { ...HEALTHY, healthStatus: 503 } },
];

/** The digest of `repository:tag` in the demo registry: `sha256:` + hex sha256 of that string. */
export function digestOf(repository: string, tag: string): string {
  return `sha256:${createHash('sha256').update(`${repository}:${tag}`).digest('hex')}`;
}

function imageOf(tag: string): DemoImage {
  const digest = digestOf(DEMO_REPOSITORY, tag);
  return {
    repository: DEMO_REPOSITORY,
    tag,
    digest,
    byTag: `${DEMO_REPOSITORY}:${tag}`,
    byDigest: `${DEMO_REPOSITORY}@${digest}`,
  };
}

/** Every demo image of `hello`, oldest first. */
export const DEMO_IMAGES: readonly DemoImageEntry[] = CATALOGUE.map(({ tag, description, profile }) => ({
  ...imageOf(tag),
  name: DEMO_IMAGE_NAME,
  description,
  profile,
}));

/** The demo image `tag` of `hello`; throws for a tag the demo registry does not have. */
export function demoImage(tag: string): DemoImage {
  const entry = DEMO_IMAGES.find((image) => image.tag === tag);
  if (!entry) throw new Error(`no demo image hello:${tag}; there are ${DEMO_IMAGES.map((i) => i.tag).join(', ')}`);
  return imageOf(entry.tag);
}

/** An image reference split into repository, tag and digest (Docker's `REPO[:TAG][@DIGEST]`). */
export interface ImageReference {
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

/** Splits an image reference; a colon before the last `/` belongs to a registry's host:port, not to a tag. */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : null;
  const named = at >= 0 ? image.slice(0, at) : image;
  const colon = named.lastIndexOf(':');
  const tagged = colon > named.lastIndexOf('/');
  return {
    repository: tagged ? named.slice(0, colon) : named,
    tag: tagged ? named.slice(colon + 1) : null,
    digest,
  };
}

/**
 * How a revision running `image` behaves. The image is found by digest when it has one (a digest pins the content,
 * whatever tag sits beside it), else by tag in the demo repository (or its short name `hello`). Any other image is
 * {@link HEALTHY}, so anything can be deployed to the sandbox.
 */
export function profileOf(image: string): BehaviourProfile {
  const ref = parseImage(image);
  if (ref.digest !== null) return DEMO_IMAGES.find((i) => i.digest === ref.digest)?.profile ?? HEALTHY;
  if (ref.repository !== DEMO_REPOSITORY && ref.repository !== DEMO_IMAGE_NAME) return HEALTHY;
  return DEMO_IMAGES.find((i) => i.tag === ref.tag)?.profile ?? HEALTHY;
}
