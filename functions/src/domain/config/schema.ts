/**
 * The zod schema of runway.yaml. It is the single source of truth for the file's shape, its defaults (documented beside
 * each field, and in README.md) and the JSON Schema that editors use (`npm run schema` writes runway.schema.json).
 *
 * Objects are strict: an unknown field is an error, because a misspelt `guardWindw` silently falling back to the default is
 * exactly the kind of surprise a deployment tool must not spring. Top-level keys starting with `x-` are free for YAML
 * anchors (`x-defaults: &defaults …` then `<<: *defaults`).
 */
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';

/** A duration: whole seconds, or text such as `30s`, `5m`, `1h30m`. Parsed to milliseconds. */
export const durationSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(DURATION_PATTERN)], {
    error: 'must be a duration such as 30s, 5m or 1h30m (or a whole number of seconds)',
  })
  .transform((value) => parseDuration(value) ?? 0);

/** Roles a person can hold, per environment. `admin` implies every other role. */
export const ROLES = ['viewer', 'deployer', 'approver', 'admin'] as const;
export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
export type Role = z.infer<typeof roleSchema>;

const canaryStepSchema = z.strictObject({
  /** Percent of traffic on the candidate during this step. */
  weight: z
    .number({ error: 'must be a number between 1 and 100' })
    .int({ error: 'must be a whole number between 1 and 100' })
    .min(1, { error: 'must be between 1 and 100' })
    .max(100, { error: 'must be between 1 and 100' }),
  /** How long to hold this weight before the step is judged. Default 5m. */
  bake: durationSchema.prefault('5m'),
});

const canarySchema = z
  .strictObject({
    /** Traffic steps in order; weights strictly increase. After the last step the candidate is promoted to 100%. */
    steps: z
      .array(canaryStepSchema)
      .min(1, { error: 'must list at least one step' })
      .prefault([{ weight: 10 }, { weight: 50 }]),
  })
  .superRefine((canary, ctx) => {
    canary.steps.forEach((step, i) => {
      const previous = canary.steps[i - 1];
      if (previous && step.weight <= previous.weight) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'weight'],
          message: `must be greater than the previous step's weight (${previous.weight})`,
        });
      }
    });
  });

/** Exactly one of `canary`, `blueGreen`, `immediate`. */
const strategySchema = z
  .strictObject({
    /** Shift traffic step by step, judging the candidate against the stable revision at each step. */
    canary: canarySchema.optional(),
    /** Deploy at 0%, verify, then switch 100% at once. */
    blueGreen: z.strictObject({}).optional(),
    /** Deploy at 0%, run the smoke checks, then switch 100% at once with no analysis. */
    immediate: z.strictObject({}).optional(),
  })
  .superRefine((strategy, ctx) => {
    const chosen = Object.entries(strategy).filter(([, v]) => v !== undefined);
    if (chosen.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `must name exactly one of canary, blueGreen, immediate (found ${
          chosen.length === 0 ? 'none' : chosen.map(([k]) => k).join(', ')
        })`,
      });
    }
  });

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const smokeCheckSchema = z.strictObject({
  /** Shown in results and notifications. Default: `METHOD path`. */
  name: z.string().min(1).optional(),
  /** Request path on the candidate's tag URL. */
  path: z.string().startsWith('/', { error: "must start with '/'" }),
  method: z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` }).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  /** Expected HTTP status. Default 200. */
  expectStatus: z
    .number()
    .int()
    .min(100, { error: 'must be an HTTP status between 100 and 599' })
    .max(599, { error: 'must be an HTTP status between 100 and 599' })
    .default(200),
  /** The response body must contain this text. */
  bodyContains: z.string().optional(),
  /** Per attempt. Default 5s. */
  timeout: durationSchema.prefault('5s'),
  /** Extra attempts after a failure, with backoff. Default 2. */
  retries: z.number().int().min(0).max(10, { error: 'must be between 0 and 10' }).default(2),
});

const smokeSchema = z.strictObject({
  /** All checks together must finish within this. Default 2m. */
  deadline: durationSchema.prefault('2m'),
  /** Run in order against the candidate before it gets any user traffic. Default: none. */
  checks: z.array(smokeCheckSchema).default([]),
});

const analysisSchema = z.strictObject({
  /** Highest acceptable share of 5xx responses on the candidate, in percent. Default 1. */
  maxErrorRatePercent: z.number().min(0).max(100, { error: 'must be between 0 and 100' }).default(1),
  /** Highest acceptable p99 latency of the candidate, in milliseconds. Default 1000. */
  maxP99LatencyMs: z.number().int().positive().default(1000),
  /** Fewer candidate requests than this in a step's window make the verdict inconclusive. Default 50. */
  minRequests: z.number().int().min(0).default(50),
  /** What happens while the evidence is too thin. */
  inconclusive: z
    .strictObject({
      /** How many times a step's bake is extended (by its own bake time) waiting for enough requests. Default 3. */
      maxExtensions: z.number().int().min(0).max(50).default(3),
      /** After the last extension: `hold` pauses for a person, `fail` rolls back. Default hold. */
      then: z.enum(['hold', 'fail']).default('hold'),
    })
    .prefault({}),
});

const approvalSchema = z.strictObject({
  /** Whether a person must approve. Default false. */
  required: z.boolean().default(false),
  /** Roles allowed to approve (admin always may). Default [approver]. */
  roles: z.array(roleSchema).min(1).default(['approver']),
  /** `beforeFirstTraffic` (after smoke checks) or `beforePromotion` (after the last canary step). Default beforePromotion. */
  stage: z.enum(['beforeFirstTraffic', 'beforePromotion']).default('beforePromotion'),
  /** How long to wait. Default 24h. */
  timeout: durationSchema.prefault('24h'),
  /** When nobody answers in time: `reject` stops the rollout, `proceed` continues. Default reject. */
  onTimeout: z.enum(['reject', 'proceed']).default('reject'),
});

const rollbackSchema = z.strictObject({
  /** Cloud Monitoring alert policies (display name or resource name) whose incidents roll this target back. */
  alertPolicies: z.array(z.string().min(1)).default([]),
  /** After promotion, how long an alert still rolls back to the previous revision. Default 10m. */
  guardWindow: durationSchema.prefault('10m'),
});

const notificationsSchema = z.strictObject({
  slack: z
    .strictObject({ channel: z.string().regex(/^(#[a-z0-9._-]+|[CGD][A-Z0-9]+)$/, { error: 'must be #name or a channel id' }) })
    .optional(),
  email: z.strictObject({ to: z.array(z.email({ error: 'must be an email address' })).min(1) }).optional(),
});

/**
 * How a Cloud Build maps to this target. Every criterion given must match. Without a `match` block a build matches when
 * its `_SERVICE_NAME` substitution is the target's service and its `_DEPLOY_REGION`, if set, is the target's region (the
 * substitutions Cloud Run's continuous-deployment triggers set).
 */
const matchSchema = z
  .strictObject({
    /** Build trigger id(s). */
    triggerId: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional(),
    /** Substitutions that must have exactly these values, e.g. `{ _SERVICE_NAME: checkout, _ENV: prod }`. */
    substitutions: z.record(z.string().regex(/^_[A-Z0-9_]+$|^[A-Z_]+$/), z.string()).optional(),
    /** Image repository without tag or digest, e.g. `europe-docker.pkg.dev/acme/apps/checkout`. */
    image: z
      .string()
      .regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/, { error: 'must be an image repository without tag or digest' })
      .optional(),
  })
  .refine((m) => m.triggerId || m.substitutions || m.image, {
    error: 'must give at least one of triggerId, substitutions, image',
  });

/** One service in one environment. */
export const targetSchema = z.strictObject({
  /** Google Cloud project id that hosts the Cloud Run service. */
  project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: 'must be a Google Cloud project id' }),
  /** Cloud Run region, e.g. europe-west1. */
  region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, { error: 'must be a Cloud Run region such as europe-west1' }),
  /** Cloud Run service name. Default: the service key this target sits under. */
  service: z
    .string()
    .regex(/^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/, { error: 'must be a Cloud Run service name' })
    .optional(),
  /** Default: canary with steps 10% and 50%, 5m bake each. */
  strategy: strategySchema.prefault({ canary: {} }),
  smoke: smokeSchema.prefault({}),
  analysis: analysisSchema.prefault({}),
  approval: approvalSchema.prefault({}),
  rollback: rollbackSchema.prefault({}),
  notifications: notificationsSchema.prefault({}),
  match: matchSchema.optional(),
  /** A build that arrives while a rollout is active: `queue` waits for it (only the newest queued build is kept), `supersede` stops the active one. Default queue. */
  onNewBuild: z.enum(['queue', 'supersede']).default('queue'),
});

const KEY = /^[a-z][a-z0-9-]{0,39}$/;
const keyError = { error: 'must be lower-case letters, digits and dashes, starting with a letter' };

/** The whole file. */
export const runwayConfigSchema = z
  .object({
    /** The format version. Only 1 exists. */
    version: z.literal(1, { error: 'must be 1' }),
    /** `targets.<service>.<environment>`, e.g. `targets.checkout.production`. */
    targets: z.record(z.string().regex(KEY, keyError), z.record(z.string().regex(KEY, keyError), targetSchema)),
  })
  .catchall(z.unknown())
  .superRefine((config, ctx) => {
    for (const key of Object.keys(config)) {
      if (key !== 'version' && key !== 'targets' && !key.startsWith('x-')) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'unknown field (only version, targets and x-… are allowed)' });
      }
    }
  });

/** runway.yaml as written (before defaults). */
export type RunwayConfigInput = z.input<typeof runwayConfigSchema>;
/** One target as validated, with every default filled in and durations in milliseconds. */
export type TargetSpec = z.output<typeof targetSchema>;
export type Strategy = TargetSpec['strategy'];
export type SmokeSpec = TargetSpec['smoke'];
export type SmokeCheckSpec = SmokeSpec['checks'][number];
export type AnalysisSpec = TargetSpec['analysis'];
export type ApprovalSpec = TargetSpec['approval'];
export type MatchSpec = NonNullable<TargetSpec['match']>;
