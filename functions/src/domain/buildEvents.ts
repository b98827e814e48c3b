/**
 * From a finished Cloud Build to Runway's domain events. Both the `cloudBuilds` trigger and `runway events parse` go
 * through {@link buildEventsOf}, so what the CLI says a message becomes is what the trigger does with it.
 *
 * - `SUCCESS` → a `build.succeeded` per matching target, carrying the image pinned by digest;
 * - `FAILURE`, `TIMEOUT`, `INTERNAL_ERROR`, `CANCELLED`, `EXPIRED` → a `build.failed` per matching target (its history);
 * - anything unfinished → ignored;
 * - a build no target matches, or a successful build without an image Runway can deploy → rejected, with the reasons.
 */
import type { TargetPolicy } from './config/policy.js';
import type { BuildFailed, BuildSucceeded } from './events.js';
import { assertNever } from './phase.js';
import type { BuildInfo, Millis } from './rollout.js';
import { imageRepositoryOf, matchTargets, type TargetMiss } from './targeting.js';

/** Every status a Cloud Build can have (the `Status` enum of the Build resource). */
export const CLOUD_BUILD_STATUSES = [
  'STATUS_UNKNOWN',
  'PENDING',
  'QUEUED',
  'WORKING',
  'SUCCESS',
  'FAILURE',
  'INTERNAL_ERROR',
  'TIMEOUT',
  'CANCELLED',
  'EXPIRED',
] as const;
export type CloudBuildStatus = (typeof CLOUD_BUILD_STATUSES)[number];

/** A status that ends a build without an image to deploy. */
export type FailedBuildStatus = BuildFailed['status'];

/** An image the build pushed, as Cloud Build recorded it in `results.images`. */
export interface PushedImage {
  /** As recorded, usually with its tag: `europe-west1-docker.pkg.dev/acme/apps/checkout:4f1c2e9`. */
  readonly name: string;
  /** `name` without tag. */
  readonly repository: string;
  /** `sha256:…` */
  readonly digest: string;
}

/** What Runway takes from a Cloud Build notification: validated, normalised, with times in milliseconds. */
export interface ObservedBuild {
  readonly id: string;
  readonly projectId: string;
  readonly status: CloudBuildStatus;
  /** `results.images`, in order, without repeats. */
  readonly pushedImages: readonly PushedImage[];
  /** `images:` of cloudbuild.yaml, as written. */
  readonly declaredImages: readonly string[];
  readonly substitutions: Readonly<Record<string, string>>;
  readonly triggerId: string | null;
  readonly triggerName: string | null;
  readonly commitSha: string | null;
  readonly repository: string | null;
  readonly branch: string | null;
  readonly tag: string | null;
  readonly logUrl: string | null;
  readonly createdAt: Millis | null;
  readonly finishedAt: Millis | null;
}

/** The events a build becomes. */
export type BuildEvent = BuildSucceeded | BuildFailed;

/**
 * What a build notification becomes. `misses` lists the targets the build did not map to, with the reason for each.
 * `ignored` is normal (a build still running); `rejected` means a build Runway cannot act on, and says why.
 */
export type BuildEventsOutcome =
  | { readonly kind: 'events'; readonly events: readonly BuildEvent[]; readonly misses: readonly TargetMiss[] }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string; readonly misses: readonly TargetMiss[] };

/** Why a successful build without `results.images` cannot start a rollout, in the words the user needs. */
export const NO_IMAGE_REASON =
  'the build pushed no image Runway can see: list it under `images:` in cloudbuild.yaml so Cloud Build records its digest';

/** The id of the event a build's status becomes: the same for every redelivery of that notification. */
export function buildEventIdOf(buildId: string, status: CloudBuildStatus): string {
  return `cloudbuild:${buildId}:${status}`;
}

/** Turns a build into domain events for the targets it maps to, or says why it becomes none. */
export function buildEventsOf(build: ObservedBuild, targets: readonly TargetPolicy[]): BuildEventsOutcome {
  const status = build.status;
  switch (status) {
    case 'STATUS_UNKNOWN':
    case 'PENDING':
    case 'QUEUED':
    case 'WORKING':
      return {
        kind: 'ignored',
        reason: `build ${build.id} is ${status}: Runway acts only on finished builds (SUCCESS starts a rollout; FAILURE, TIMEOUT, INTERNAL_ERROR, CANCELLED and EXPIRED are recorded)`,
      };
    case 'SUCCESS':
    case 'FAILURE':
    case 'INTERNAL_ERROR':
    case 'TIMEOUT':
    case 'CANCELLED':
    case 'EXPIRED':
      break;
    default:
      return assertNever(status, 'build status');
  }

  const imageRepositories = unique([
    ...build.pushedImages.map((image) => image.repository),
    ...build.declaredImages.map(imageRepositoryOf),
  ]);
  const targeting = matchTargets({ ...build, imageRepositories }, targets);
  if (targeting.matched.length === 0) {
    return {
      kind: 'rejected',
      reason:
        targets.length === 0
          ? `runway.yaml has no targets, so build ${build.id} maps to none`
          : `no target in runway.yaml matches build ${build.id}`,
      misses: targeting.missed,
    };
  }

  if (status !== 'SUCCESS') {
    const events = targeting.matched.map((target): BuildFailed => ({
      type: 'build.failed',
      id: buildEventIdOf(build.id, status),
      targetId: target.id,
      build: buildInfoOf(build, failedImageOf(build, target)),
      status,
    }));
    return { kind: 'events', events, misses: targeting.missed };
  }

  if (build.pushedImages.length === 0) return { kind: 'rejected', reason: NO_IMAGE_REASON, misses: targeting.missed };

  const events: BuildSucceeded[] = [];
  const misses: TargetMiss[] = [...targeting.missed];
  for (const target of targeting.matched) {
    const image = pushedImageOf(build, target);
    if (image) {
      events.push({
        type: 'build.succeeded',
        id: buildEventIdOf(build.id, status),
        targetId: target.id,
        build: buildInfoOf(build, pinned(image)),
      });
    } else {
      // Only possible with `match.image` naming an image the build declared but Cloud Build recorded no digest for.
      misses.push({
        targetId: target.id,
        reason: `Cloud Build recorded no digest for ${target.match?.image ?? 'its image'}: ${NO_IMAGE_REASON}`,
      });
    }
  }
  if (events.length === 0) {
    return { kind: 'rejected', reason: `no matching target has an image to deploy from build ${build.id}`, misses };
  }
  return { kind: 'events', events, misses };
}

/** The image a target deploys: the one of its `match.image` repository, otherwise the first the build pushed. */
function pushedImageOf(build: ObservedBuild, target: TargetPolicy): PushedImage | undefined {
  const repository = target.match?.image;
  return repository ? build.pushedImages.find((image) => image.repository === repository) : build.pushedImages[0];
}

/**
 * The image to remember for a failed build. It is never deployed, so when the build recorded no digest the reference it
 * declared (with its tag) is the best description; '' when it declared none either.
 */
function failedImageOf(build: ObservedBuild, target: TargetPolicy): string {
  const pushed = pushedImageOf(build, target);
  if (pushed) return pinned(pushed);
  const repository = target.match?.image;
  const declared = repository
    ? build.declaredImages.find((image) => imageRepositoryOf(image) === repository)
    : build.declaredImages[0];
  return declared ?? '';
}

function pinned(image: PushedImage): string {
  return `${image.repository}@${image.digest}`;
}

function buildInfoOf(build: ObservedBuild, image: string): BuildInfo {
  return {
    buildId: build.id,
    projectId: build.projectId,
    image,
    commitSha: build.commitSha,
    repository: build.repository,
    branch: build.branch,
    tag: build.tag,
    triggerId: build.triggerId,
    triggerName: build.triggerName,
    logUrl: build.logUrl,
    createdAt: build.createdAt,
    finishedAt: build.finishedAt,
    ...authorOf(build),
  };
}

/** The substitution a build sets to name its commit's author (for the four-eyes rule). */
export const AUTHOR_SUBSTITUTION = '_COMMIT_AUTHOR_EMAIL';

function authorOf(build: ObservedBuild): Pick<BuildInfo, 'authorEmail'> {
  const email = build.substitutions[AUTHOR_SUBSTITUTION]?.trim();
  return email ? { authorEmail: email } : {};
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
