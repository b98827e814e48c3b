/**
 * Parses a Cloud Build notification into an {@link ObservedBuild}, or into a reason that names the offending field. Never
 * throws on bad input: a malformed message must be logged and acknowledged, not retried forever.
 *
 * Three shapes are understood: the Pub/Sub message (`{ data, attributes, messageId }`, what the trigger receives), the push
 * envelope (`{ message, subscription }`, what a push subscription POSTs) and the bare Build resource (what
 * `gcloud builds describe --format=json` prints).
 */
import type { ObservedBuild, PushedImage } from '../../domain/buildEvents.js';
import { imageRepositoryOf } from '../../domain/targeting.js';
import {
  buildAttributesSchema,
  buildResourceSchema,
  pubsubMessageSchema,
  pushEnvelopeSchema,
  type BuildResource,
  type PubsubMessage,
} from './schema.js';
import { decodeBase64Json } from '../wire/base64Json.js';
import { describeIssues, isObject } from '../wire/issues.js';

/** A parsed notification, or why it is not one. */
export type CloudBuildParseResult =
  | { readonly ok: true; readonly build: ObservedBuild; readonly messageId: string | null }
  | { readonly ok: false; readonly reason: string };

/** Parses a Pub/Sub message from the `cloud-builds` topic. `message` is whatever arrived; it is validated here. */
export function parseCloudBuildMessage(message: unknown): CloudBuildParseResult {
  const parsed = pubsubMessageSchema.safeParse(message, { reportInput: true });
  if (!parsed.success) return fail(describeIssues('message', parsed.error));
  return parseValidMessage(parsed.data);
}

/**
 * Parses a bare Build resource (already decoded JSON). Its status comes from the body; `attributes`, when given, must
 * agree with it.
 */
export function parseCloudBuildResource(
  json: unknown,
  attributes: Readonly<Record<string, string>> = {},
): CloudBuildParseResult {
  return parseBuild(json, attributes, null);
}

/**
 * Parses whatever a user hands `runway events parse`: a push envelope (`message` inside), a Pub/Sub message (`data`
 * and no `id`), or a bare Build resource.
 */
export function parseCloudBuildInput(json: unknown): CloudBuildParseResult {
  if (!isObject(json)) return fail('the input is not a JSON object (a Pub/Sub push envelope or a Build resource)');
  if ('message' in json) {
    const envelope = pushEnvelopeSchema.safeParse(json, { reportInput: true });
    if (!envelope.success) return fail(describeIssues('', envelope.error));
    return parseValidMessage(envelope.data.message);
  }
  if ('data' in json && !('id' in json)) return parseCloudBuildMessage(json);
  return parseCloudBuildResource(json);
}

function parseValidMessage(message: PubsubMessage): CloudBuildParseResult {
  const decoded = decodeBase64Json(message.data, 'Cloud Build puts the Build resource there');
  if (!decoded.ok) return decoded;
  return parseBuild(decoded.json, message.attributes ?? {}, message.messageId ?? message.message_id ?? null);
}

function parseBuild(
  json: unknown,
  rawAttributes: Readonly<Record<string, string>>,
  messageId: string | null,
): CloudBuildParseResult {
  if (!isObject(json)) return fail('the build is not a JSON object (a Cloud Build Build resource)');
  const body = buildResourceSchema.safeParse(json, { reportInput: true });
  if (!body.success) return fail(describeIssues('build', body.error));
  const attributes = buildAttributesSchema.safeParse(rawAttributes, { reportInput: true });
  if (!attributes.success) return fail(describeIssues('attributes', attributes.error));

  const build = body.data;
  const { buildId, status: attributeStatus } = attributes.data;
  if (buildId !== undefined && buildId !== build.id) {
    return fail(`attributes.buildId is '${buildId}' but build.id is '${build.id}'`);
  }
  const bodyStatus = build.status ?? undefined;
  if (attributeStatus !== undefined && bodyStatus !== undefined && attributeStatus !== bodyStatus) {
    return fail(`attributes.status is '${attributeStatus}' but build.status is '${bodyStatus}'`);
  }
  const status = attributeStatus ?? bodyStatus;
  if (status === undefined) return fail('build.status is missing (and no status attribute says it either)');

  return { ok: true, build: observe(build, status), messageId };
}

/** Normalises the validated resource into what the domain reads. */
function observe(build: BuildResource, status: ObservedBuild['status']): ObservedBuild {
  const subs = build.substitutions ?? {};
  const resolved = build.sourceProvenance?.resolvedRepoSource;
  const repoSource = build.source?.repoSource;
  return {
    id: build.id,
    projectId: build.projectId,
    status,
    pushedImages: pushedImagesOf(build),
    declaredImages: build.images ?? [],
    substitutions: subs,
    triggerId: present(build.buildTriggerId),
    triggerName: present(subs.TRIGGER_NAME),
    commitSha: present(subs.COMMIT_SHA, subs.REVISION_ID, resolved?.commitSha, repoSource?.commitSha),
    repository: present(subs.REPO_NAME, resolved?.repoName, repoSource?.repoName, build.source?.gitSource?.url),
    branch: present(subs.BRANCH_NAME, repoSource?.branchName),
    tag: present(subs.TAG_NAME, repoSource?.tagName),
    logUrl: present(build.logUrl),
    createdAt: millis(build.createTime),
    finishedAt: millis(build.finishTime),
  };
}

/** `results.images` without repeats (Cloud Build may list one push under its tagged and its bare name). */
function pushedImagesOf(build: BuildResource): PushedImage[] {
  const seen = new Set<string>();
  const images: PushedImage[] = [];
  for (const { name, digest } of build.results?.images ?? []) {
    const repository = imageRepositoryOf(name);
    const key = `${repository}@${digest}`;
    if (seen.has(key)) continue;
    seen.add(key);
    images.push({ name, repository, digest });
  }
  return images;
}

/** The first value that is set and not empty (Cloud Build sets BRANCH_NAME to '' for a tag build, for example). */
function present(...values: (string | null | undefined)[]): string | null {
  return values.find((value): value is string => typeof value === 'string' && value.length > 0) ?? null;
}

function millis(timestamp: string | null | undefined): number | null {
  return timestamp ? Date.parse(timestamp) : null;
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
