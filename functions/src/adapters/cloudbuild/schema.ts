/**
 * The wire formats of Cloud Build notifications, as zod schemas.
 *
 * Cloud Build publishes to the `cloud-builds` topic on every change of a build's state: `message.data` is the Build
 * resource (https://cloud.google.com/build/docs/api/reference/rest/v1/projects.builds) as base64 JSON, and the
 * attributes carry `buildId` and `status`. A push subscription wraps the message in `{ message, subscription }`.
 *
 * Objects are loose: the Build resource has dozens of fields Runway does not need (steps, timing, options…) and Google
 * adds more over time, so unknown fields pass. The fields Runway reads are checked strictly, so a wrong type is reported
 * with its path instead of surfacing later as a broken rollout. Absent and null mean the same (protobuf JSON omits
 * empty fields; hand-written JSON sometimes says null).
 */
import { z } from 'zod';
import { CLOUD_BUILD_STATUSES } from '../../domain/buildEvents.js';

const text = z.string({ error: 'must be a string' });
const optionalText = text.nullish();

/** RFC 3339, as Cloud Build writes it (`2025-03-04T09:12:45.183520Z`, nanoseconds allowed). */
const timestamp = z.iso
  .datetime({ offset: true, error: 'must be an RFC 3339 timestamp such as 2025-03-04T09:12:45Z' })
  .nullish();

/** `STATUS_UNKNOWN` … `EXPIRED`. */
export const buildStatusSchema = z.enum(CLOUD_BUILD_STATUSES, {
  error: `must be one of ${CLOUD_BUILD_STATUSES.join(', ')}`,
});

/** One entry of `results.images`: an image the build pushed, with the digest the registry returned. */
const builtImageSchema = z.looseObject({
  /** The name as listed under `images:`, usually with its tag. */
  name: text.min(1, { error: 'must not be empty' }),
  digest: text.regex(/^sha256:[a-f0-9]{64}$/, { error: 'must be a sha256 digest (sha256: and 64 hex digits)' }),
  /** Not used by Runway; listed because it is part of every entry. */
  pushTiming: z.unknown().optional(),
});

/** The parts of the Build resource Runway reads. */
export const buildResourceSchema = z.looseObject({
  id: text.min(1, { error: 'must not be empty' }),
  projectId: text.min(1, { error: 'must not be empty' }),
  /** Also in the message's attributes; a bare Build must carry it here. */
  status: buildStatusSchema.nullish(),
  results: z
    .looseObject({
      images: z.array(builtImageSchema, { error: 'must be a list' }).nullish(),
    })
    .nullish(),
  /** `images:` of cloudbuild.yaml: what the build was asked to push. */
  images: z.array(text.min(1, { error: 'must not be empty' }), { error: 'must be a list of image names' }).nullish(),
  /** Built-in (REPO_NAME, BRANCH_NAME, COMMIT_SHA, …) and user-defined (`_SERVICE_NAME`, …) substitutions. */
  substitutions: z.record(z.string(), text, { error: 'must be a map of names to text' }).nullish(),
  buildTriggerId: optionalText,
  logUrl: optionalText,
  createTime: timestamp,
  startTime: timestamp,
  finishTime: timestamp,
  sourceProvenance: z
    .looseObject({
      resolvedRepoSource: z.looseObject({ commitSha: optionalText, repoName: optionalText }).nullish(),
    })
    .nullish(),
  source: z
    .looseObject({
      repoSource: z
        .looseObject({
          repoName: optionalText,
          branchName: optionalText,
          tagName: optionalText,
          commitSha: optionalText,
        })
        .nullish(),
      gitSource: z.looseObject({ url: optionalText, revision: optionalText }).nullish(),
    })
    .nullish(),
});
export type BuildResource = z.output<typeof buildResourceSchema>;

/** The attributes Cloud Build sets on each message. Other attributes pass. */
export const buildAttributesSchema = z.looseObject({
  buildId: text.min(1, { error: 'must not be empty' }).optional(),
  status: buildStatusSchema.optional(),
});

/** A Pub/Sub message as a push subscription or an Eventarc CloudEvent delivers it. */
export const pubsubMessageSchema = z.looseObject({
  /** Base64. */
  data: text.nullish(),
  attributes: z.record(z.string(), text, { error: 'must be a map of names to text' }).nullish(),
  messageId: optionalText,
  /** Push subscriptions send both spellings. */
  message_id: optionalText,
});
export type PubsubMessage = z.output<typeof pubsubMessageSchema>;

/** What a push subscription POSTs. */
export const pushEnvelopeSchema = z.looseObject({
  message: pubsubMessageSchema,
  subscription: optionalText,
});
