/**
 * The sections of a runway.yaml target that do not depend on its strategy: smoke checks, approval, rollback triggers,
 * notifications and build matching, plus the duration type they share (the analysis section is analysisSection.ts).
 * schema.ts assembles them.
 */
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';

const durationError = { error: 'must be a duration such as 30s, 5m or 1h30m (or a whole number of seconds)' };

/** A duration: whole seconds, or text such as `30s`, `5m`, `1h30m`. Parsed to milliseconds. */
export const durationSchema = z
  // Each member carries the message too: when only one member fails on the value rather than on its type, zod 4 reports
  // that member's issue instead of the union's ("Invalid string: must match pattern …" for `5x`).
  .union(
    [
      z.number(durationError).int(durationError).nonnegative(durationError),
      z.string().regex(DURATION_PATTERN, durationError),
    ],
    durationError,
  )
  .transform((value) => parseDuration(value) ?? 0)
  // The id puts one definition in the JSON Schema's $defs that every duration field refers to.
  .meta({ id: 'duration', description: 'A duration: a whole number of seconds, or text such as 30s, 5m, 1h30m, 2d.' });

/** Roles a person can hold, per environment. `admin` implies every other role. */
export const ROLES = ['viewer', 'deployer', 'approver', 'admin'] as const;
export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
export type Role = z.infer<typeof roleSchema>;

/** `$`, then `.name` or `[index]` steps. */
export const JSON_PATH = /^\$(\.[A-Za-z_$][\w$-]*|\[\d+\])*$/;

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const smokeCheckSchema = z.strictObject({
  /** Shown in results and notifications. Default: `METHOD path`. */
  name: z.string().min(1).optional().describe('Shown in results and notifications. Default: METHOD path.'),
  /** Request path on the candidate's tag URL. */
  path: z
    .string()
    .regex(/^\//, { error: "must start with '/'" })
    .describe("Request path on the candidate's revision tag URL, e.g. /healthz."),
  method: z
    .enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` })
    .default('GET')
    .describe('HTTP method. Default GET.'),
  headers: z.record(z.string(), z.string()).default({}).describe('Request headers. Default: none.'),
  body: z.string().optional().describe('Request body.'),
  /** Expected HTTP status. Default 200. */
  expectStatus: z
    .number()
    .int()
    .min(100, { error: 'must be an HTTP status between 100 and 599' })
    .max(599, { error: 'must be an HTTP status between 100 and 599' })
    .default(200)
    .describe('Expected HTTP status. Default 200.'),
  /** The response body must contain this text. */
  bodyContains: z.string().optional().describe('The response body must contain this text.'),
  /** The JSON response must hold `equals` at `path`. */
  expectJson: z
    .strictObject({
      path: z
        .string()
        .regex(JSON_PATH, { error: 'must be a JSON path such as $.status or $.items[0].id' })
        .describe('Where to look: $ is the whole body, then .name or [index] steps, e.g. $.checks[0].status.'),
      equals: z
        .union([z.string(), z.number(), z.boolean(), z.null()], { error: 'must be a string, number, boolean or null' })
        .describe('The value expected there (compared exactly).'),
    })
    .optional()
    .describe('The response must be JSON holding this value at this path, e.g. { path: $.status, equals: ok }.'),
  /** The response must arrive within this. Default: only the timeout applies. */
  maxLatency: durationSchema
    .optional()
    .describe(
      'A slower response fails the attempt even when it is otherwise right. Default: only the timeout applies.',
    ),
  /** Per attempt. Default 5s. */
  timeout: durationSchema.prefault('5s').describe('Timeout of each attempt. Default 5s.'),
  /** Extra attempts after a failure, with backoff. Default 2. */
  retries: z
    .number()
    .int()
    .min(0)
    .max(10, { error: 'must be between 0 and 10' })
    .default(2)
    .describe('Extra attempts after a failure, with backoff. Default 2.'),
});

const smokeCheckWithBodySchema = smokeCheckSchema.refine(
  (check) => check.body === undefined || (check.method !== 'GET' && check.method !== 'HEAD'),
  { error: 'a GET or HEAD request cannot have a body: set method (e.g. POST) or drop body', path: ['body'] },
);

export const smokeSchema = z.strictObject({
  /** All checks together must finish within this. Default 2m, at most 8m (the effect function's own limit is 9m). */
  deadline: durationSchema
    .prefault('2m')
    .refine((ms) => ms >= 1000 && ms <= 8 * 60_000, { error: 'must be between 1s and 8m' })
    .describe('All checks together must finish within this, 1s to 8m. Default 2m.'),
  /** Send a Google identity token: for services that do not allow unauthenticated calls. Default false. */
  identityToken: z
    .boolean()
    .default(false)
    .describe(
      "Send a Google-signed identity token (Authorization: Bearer) from Runway's service account, for services that " +
        'require authentication. Default false.',
    ),
  /** The token's audience. Default: the origin of the candidate's tag URL. */
  audience: z
    .url({ error: 'must be a URL such as https://checkout-abc123-ew.a.run.app' })
    .optional()
    .describe(
      "The identity token's audience, e.g. a custom audience of the service. Default: the origin of the candidate's " +
        'tag URL (https://TAG---SERVICE-….run.app).',
    ),
  /** Run in order against the candidate before it gets any user traffic. Default: none. */
  checks: z
    .array(smokeCheckWithBodySchema)
    .default([])
    .describe('Run in order against the candidate before it gets any user traffic. Default: none.'),
});

/** Where the candidate revision comes from, and the tag that gives it its own URL. */
export const candidateSchema = z.strictObject({
  /** `deploy`: Runway deploys the build's image; `build`: the build deployed it with `--no-traffic --tag`. Default deploy. */
  source: z
    .enum(['deploy', 'build'])
    .default('deploy')
    .describe(
      "deploy: Runway creates the candidate revision from the build's image, at 0% traffic. build: the build " +
        'deployed it itself (gcloud run deploy --no-traffic --tag TAG) and Runway adopts the revision with that tag ' +
        "running the build's image. Default deploy.",
    ),
  /** The revision tag that gives the candidate its own URL (TAG---SERVICE-….run.app). Default candidate. */
  tag: z
    .string()
    .regex(/^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/, {
      error: 'must be lower-case letters, digits and dashes, starting with a letter, at most 20 characters',
    })
    .default('candidate')
    .describe(
      'The revision tag that gives the candidate its own URL (https://TAG---SERVICE-….run.app). Runway keeps it on the ' +
        'candidate after a rollback, for debugging. Default candidate.',
    ),
});

export const approvalSchema = z.strictObject({
  /** Whether a person must approve. Default false. */
  required: z.boolean().default(false).describe('Whether a person must approve. Default false.'),
  /** Roles allowed to approve (admin always may). Default [approver]. */
  roles: z
    .array(roleSchema)
    .min(1)
    .default(['approver'])
    .describe('Roles allowed to approve (admin always may). Default [approver].'),
  /** `beforeFirstTraffic` (after smoke checks) or `beforePromotion` (after the last canary step). Default beforePromotion. */
  stage: z
    .enum(['beforeFirstTraffic', 'beforePromotion'])
    .default('beforePromotion')
    .describe(
      'beforeFirstTraffic (after the smoke checks) or beforePromotion (after the last canary step, before 100%). ' +
        'blueGreen and immediate switch once, so they ask before that switch either way. Default beforePromotion.',
    ),
  /** How long to wait. Default 24h. */
  timeout: durationSchema.prefault('24h').describe('How long to wait for an answer. Default 24h.'),
  /** When nobody answers in time: `reject` stops the rollout, `proceed` continues. Default reject. */
  onTimeout: z
    .enum(['reject', 'proceed'])
    .default('reject')
    .describe('When nobody answers in time: reject stops the rollout, proceed continues. Default reject.'),
});

export const rollbackSchema = z.strictObject({
  /** Cloud Monitoring alert policies (display name or resource name) whose incidents roll this target back. */
  alertPolicies: z
    .array(z.string().min(1))
    .default([])
    .describe('Cloud Monitoring alert policies (display name or resource name) whose incidents roll this target back.'),
  /** After promotion, how long an alert still rolls back to the previous revision. Default 10m. */
  guardWindow: durationSchema
    .prefault('10m')
    .describe('After promotion, how long an alert still rolls back to the previous revision. Default 10m.'),
  /**
   * What an open incident does when no rollout is active and the guard window has passed: `rollout` (default) only
   * notifies; `always` also reverts the last release to the previous good revision if it is younger than `revertWithin`.
   */
  rollbackOnAlert: z
    .enum(['rollout', 'always'], { error: 'must be rollout or always' })
    .default('rollout')
    .describe(
      'What an open incident does outside a rollout and its guard window. rollout (default): notify only. always: ' +
        'also revert the last release to the previous good revision, if it is younger than revertWithin.',
    ),
  /** With `rollbackOnAlert: always`: releases older than this are not reverted by an alert. Default 24h. */
  revertWithin: durationSchema
    .prefault('24h')
    .describe('With rollbackOnAlert: always, an alert reverts only a release younger than this. Default 24h.'),
});

const SEVERITIES = ['info', 'warning', 'urgent'] as const;
const channelSchema = z.string().regex(/^(#[a-z0-9._-]+|[CGD][A-Z0-9]+)$/, { error: 'must be #name or a channel id' });

export const notificationsSchema = z.strictObject({
  slack: z
    .strictObject({
      channel: channelSchema.describe(
        "#channel-name or a channel id such as C0123456789: each rollout's message, its thread and approval requests.",
      ),
      bySeverity: z
        .strictObject({
          info: channelSchema.optional().describe('Channel that also gets every info event.'),
          warning: channelSchema.optional().describe('Channel that also gets every warning event.'),
          urgent: channelSchema.optional().describe('Channel that also gets every urgent event.'),
        })
        .optional()
        .describe(
          'Events of a severity also posted, as a message of their own, to this channel, e.g. { urgent: "#incidents" }.',
        ),
      onCall: z
        .string()
        .regex(/^[SU][A-Z0-9]{2,}$/, { error: 'must be a Slack user group id (S…) or user id (U…)' })
        .optional()
        .describe('Slack user group (S…) or user (U…) mentioned in urgent messages, e.g. when a rollback failed.'),
    })
    .optional()
    .describe('Slack channel for announcements and approval requests.'),
  email: z
    .strictObject({
      to: z
        .array(z.email({ error: 'must be an email address' }))
        .min(1)
        .describe('Recipients.'),
      minSeverity: z
        .enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` })
        .optional()
        .describe(
          'Only emails of at least this severity: info (approvals needed), warning (rollbacks, failed deploys and ' +
            'checks), urgent (a rollback that failed). Default info.',
        ),
      onSuccess: z
        .boolean()
        .optional()
        .describe('Also email when a release succeeds (for production releases, say). Default false.'),
    })
    .optional()
    .describe('Email recipients: approvals needed, rollbacks, failures, and successes if asked for.'),
});

/**
 * How a Cloud Build maps to this target. Every criterion given must match. Without a `match` block a build matches when
 * it ran in the target's project, its `_SERVICE_NAME` substitution is the target's service and its `_DEPLOY_REGION`, if
 * set, is the target's region (Cloud Run's continuous-deployment triggers build in the service's project and set those
 * substitutions).
 */
export const matchSchema = z
  .strictObject({
    /** Build trigger id(s). */
    triggerId: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
        error: 'must be a trigger id or a list of trigger ids',
      })
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional()
      .describe('Build trigger id, or a list of them (any one matches).'),
    /** Substitutions that must have exactly these values, e.g. `{ _SERVICE_NAME: checkout, _ENV: prod }`. */
    substitutions: z
      .record(
        z.string().regex(/^_[A-Z0-9_]+$|^[A-Z_]+$/, { error: 'must be a substitution name such as _SERVICE_NAME' }),
        z.string(),
      )
      .optional()
      .describe('Substitutions that must have exactly these values, e.g. { _SERVICE_NAME: checkout, _ENV: prod }.'),
    /** Image repository without tag or digest, e.g. `europe-docker.pkg.dev/acme/apps/checkout`. */
    image: z
      .string()
      .regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/, { error: 'must be an image repository without tag or digest' })
      .optional()
      .describe('Image repository without tag or digest, e.g. europe-docker.pkg.dev/acme/apps/checkout.'),
  })
  .refine((m) => m.triggerId !== undefined || m.substitutions !== undefined || m.image !== undefined, {
    error: 'must give at least one of triggerId, substitutions, image',
  });
