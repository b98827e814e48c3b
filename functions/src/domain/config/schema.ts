/**
 * The zod schema of runway.yaml. It is the single source of truth for the file's shape, its defaults (documented beside
 * each field, and in docs/configuration.md) and the JSON Schema that editors use (`npm run schema` writes
 * runway.schema.json). The strategy-independent sections of a target live in sections.ts and analysisSection.ts.
 *
 * Objects are strict: an unknown field is an error, because a misspelt `guardWindw` silently falling back to the default is
 * exactly the kind of surprise a deployment tool must not spring. Top-level keys starting with `x-` are free for YAML
 * anchors (`x-defaults: &defaults …` then `<<: *defaults`).
 */
import { z } from 'zod';
import { suggestKey, unknownFieldMessage } from './messages.js';
import { analysisSchema } from './analysisSection.js';
import {
  approvalSchema,
  candidateSchema,
  durationSchema,
  matchSchema,
  notificationsSchema,
  rollbackSchema,
  smokeSchema,
} from './sections.js';
import { accessSchema, emailSettingsSchema, slackSettingsSchema } from './people.js';

export { durationSchema, ROLES, roleSchema } from './sections.js';
export type { Role } from './sections.js';

/**
 * Runs a refinement even when the value already has other errors (zod 4 skips refinements then by default), so one run of
 * `runway config validate` reports every problem. The refinement must cope with partly invalid values.
 */
const evenWithOtherErrors = { when: (payload: z.core.ParsePayload) => isObject(payload.value) };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const canaryStepSchema = z.strictObject({
  /** Percent of traffic on the candidate during this step. */
  weight: z
    .number({ error: 'must be a number between 1 and 100' })
    .int({ error: 'must be a whole number between 1 and 100' })
    .min(1, { error: 'must be between 1 and 100' })
    .max(100, { error: 'must be between 1 and 100' })
    .describe(
      'Percent of traffic on the candidate during this step, 1-100. Weights strictly increase from step to step.',
    ),
  /** How long to hold this weight before the step is judged. Default 5m. */
  bake: durationSchema.prefault('5m').describe('How long to hold this weight before the step is judged. Default 5m.'),
});

const canarySchema = z
  .strictObject({
    /** Traffic steps in order; weights strictly increase. After the last step the candidate is promoted to 100%. */
    steps: z
      .array(canaryStepSchema)
      .min(1, { error: 'must list at least one step' })
      .prefault([{ weight: 10 }, { weight: 50 }])
      .describe(
        'Traffic steps in order; weights strictly increase. After the last step the candidate is promoted to 100%. ' +
          'Default: 10% then 50%, 5m bake each.',
      ),
  })
  .superRefine((canary, ctx) => {
    const steps: unknown = canary.steps;
    if (!Array.isArray(steps)) return;
    // Compare only weights that are valid on their own: a weight of 150 already has its own error.
    const weights = steps.map((step: unknown) =>
      isObject(step) && isValidWeight(step.weight) ? step.weight : undefined,
    );
    weights.forEach((weight, i) => {
      const previous = weights[i - 1];
      if (weight !== undefined && previous !== undefined && weight <= previous) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'weight'],
          message: `must be greater than the previous step's weight (${previous})`,
        });
      }
    });
  }, evenWithOtherErrors);

function isValidWeight(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100;
}

const STRATEGIES = ['canary', 'blueGreen', 'immediate'] as const;

/** Exactly one of `canary`, `blueGreen`, `immediate`. */
const strategySchema = z
  .strictObject({
    /** Shift traffic step by step, judging the candidate against the stable revision at each step. */
    canary: canarySchema
      .optional()
      .describe('Shift traffic step by step, judging the candidate against the stable revision at each step.'),
    /** Deploy at 0%, verify with the smoke checks, then switch 100% at once. */
    blueGreen: z
      .strictObject({})
      .optional()
      .describe('Deploy at 0%, verify with the smoke checks, then switch 100% at once.'),
    /** Deploy at 0%, run the smoke checks, then switch 100% at once with no analysis. */
    immediate: z
      .strictObject({})
      .optional()
      .describe('Deploy at 0%, run the smoke checks, then switch 100% at once with no analysis.'),
  })
  .superRefine((strategy, ctx) => {
    const chosen = STRATEGIES.filter((name) => strategy[name] !== undefined);
    if (chosen.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `must name exactly one of ${STRATEGIES.join(', ')} (found ${chosen.length === 0 ? 'none' : chosen.join(', ')})`,
      });
    }
  }, evenWithOtherErrors);

/** One service in one environment. */
export const targetSchema = z.strictObject({
  /** Google Cloud project id that hosts the Cloud Run service. */
  project: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: 'must be a Google Cloud project id' })
    .describe('Google Cloud project id that hosts the Cloud Run service.'),
  /** Cloud Run region, e.g. europe-west1. */
  region: z
    .string()
    .regex(/^[a-z]+-[a-z]+\d+$/, { error: 'must be a Cloud Run region such as europe-west1' })
    .describe('Cloud Run region, e.g. europe-west1.'),
  /** Cloud Run service name. Default: the service key this target sits under. */
  service: z
    .string()
    .regex(/^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/, { error: 'must be a Cloud Run service name' })
    .optional()
    .describe('Cloud Run service name. Default: the key this target sits under (targets.<service>.<environment>).'),
  /** Default: canary with steps 10% and 50%, 5m bake each. */
  strategy: strategySchema
    .prefault({ canary: {} })
    .describe('Exactly one of canary, blueGreen, immediate. Default: canary with steps 10% and 50%, 5m bake each.'),
  candidate: candidateSchema
    .prefault({})
    .describe('Where the candidate revision comes from, and its tag. Default: Runway deploys it, tagged candidate.'),
  smoke: smokeSchema.prefault({}).describe('HTTP checks against the candidate before it gets traffic. Default: none.'),
  analysis: analysisSchema.prefault({}).describe('Limits the candidate must stay within at each canary step.'),
  approval: approvalSchema.prefault({}).describe('Whether a person must approve, when, and what a timeout does.'),
  rollback: rollbackSchema.prefault({}).describe('What rolls this target back besides failed checks and analysis.'),
  notifications: notificationsSchema.prefault({}).describe('Where rollouts of this target are announced.'),
  match: matchSchema
    .optional()
    .describe(
      'How a Cloud Build maps to this target; every criterion given must match. Default: the build ran in this ' +
        "target's project, its _SERVICE_NAME substitution is this service and its _DEPLOY_REGION, if set, is this region.",
    ),
  /** A build that arrives while a rollout is active: `queue` waits for it (only the newest queued build is kept), `supersede` stops the active one. Default queue. */
  onNewBuild: z
    .enum(['queue', 'supersede'])
    .default('queue')
    .describe(
      'A build that arrives while a rollout is active: queue waits for the active one to finish (only the newest ' +
        'queued build is kept), supersede stops the active one. Default queue.',
    ),
});

const KEY = /^[a-z][a-z0-9-]{0,39}$/;
const keyError = { error: 'must be lower-case letters, digits and dashes, starting with a letter' };
const TOP_LEVEL_KEYS = ['version', 'targets', 'access', 'slack', 'email', 'dashboardUrl'];

/** The whole file. */
export const runwayConfigSchema = z
  .object({
    /** The format version. Only 1 exists. */
    version: z.literal(1, { error: 'must be 1' }).describe('The format version. Only 1 exists.'),
    /** `targets.<service>.<environment>`, e.g. `targets.checkout.production`. */
    targets: z
      .record(
        z.string().regex(KEY, keyError),
        z
          .record(z.string().regex(KEY, keyError), targetSchema)
          .describe('The environments of this service, e.g. staging and production.'),
      )
      .describe('targets.<service>.<environment>, e.g. targets.checkout.production.'),
    access: accessSchema.optional(),
    slack: slackSettingsSchema.optional().describe("The Slack app's settings: the slash command, people's emails."),
    email: emailSettingsSchema.optional().describe("Email's settings (the SMTP connection comes from Secret Manager)."),
    dashboardUrl: z
      .url({ error: 'must be a URL such as https://runway-acme.web.app' })
      .optional()
      .describe("The dashboard's address, linked from Slack messages and emails."),
  })
  .catchall(z.unknown())
  .superRefine((config, ctx) => {
    for (const key of Object.keys(config)) {
      if (!TOP_LEVEL_KEYS.includes(key) && !key.startsWith('x-')) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: suggestKey(key, TOP_LEVEL_KEYS)
            ? unknownFieldMessage(key, TOP_LEVEL_KEYS)
            : `unknown field (only ${TOP_LEVEL_KEYS.join(', ')} and x-… keys are allowed at the top level)`,
        });
      }
    }
  }, evenWithOtherErrors)
  .meta({
    title: 'runway.yaml',
    description: 'Runway configuration: how builds of each Cloud Run service roll out in each environment.',
  });

/** runway.yaml as written (before defaults). */
export type RunwayConfigInput = z.input<typeof runwayConfigSchema>;
/** One target as validated, with every default filled in and durations in milliseconds. */
export type TargetSpec = z.output<typeof targetSchema>;
export type Strategy = TargetSpec['strategy'];
export type SmokeSpec = TargetSpec['smoke'];
export type SmokeCheckSpec = SmokeSpec['checks'][number];
export type AnalysisSpec = TargetSpec['analysis'];
export type CandidateSpec = TargetSpec['candidate'];
export type ApprovalSpec = TargetSpec['approval'];
export type MatchSpec = NonNullable<TargetSpec['match']>;
