/**
 * The parts of runway.yaml about people rather than targets: who holds which role in each environment (`access`), the
 * Slack app's settings (`slack`), email's sender (`email`) and the dashboard's address (`dashboardUrl`). schema.ts puts
 * them at the top level of the file; load.ts resolves them into {@link PeopleConfig}.
 */
import { z } from 'zod';
import { ROLES, type Role } from './sections.js';

/** Who everyone in the Slack workspace is, as a principal. */
export const EVERYONE = 'everyone';

/** A Slack user id (`U…`, `W…` for Enterprise Grid), a user group id (`S…`), or `everyone`. */
export const principalSchema = z
  .string()
  .regex(/^([UWS][A-Z0-9]{2,}|everyone)$/, {
    error: 'must be a Slack user id (U…), a user group id (S…) or everyone',
  })
  .describe('A Slack user id (U0123ABCD), a Slack user group id (S0123ABCD), or everyone in the workspace.');

const principalsSchema = z.array(principalSchema).default([]);

/** One environment's (or every environment's, under `'*'`) roles and rules. */
export const environmentAccessSchema = z.strictObject({
  viewer: principalsSchema.describe('May ask for status and history.'),
  deployer: principalsSchema.describe('May pause, resume, promote, roll back, abort and freeze.'),
  approver: principalsSchema.describe(
    "May approve and reject (where the target's approval.roles allow it), and all a deployer may, and unfreeze.",
  ),
  admin: principalsSchema.describe('May do everything.'),
  fourEyes: z
    .boolean()
    .optional()
    .describe(
      "The author of a release's commit may not approve it (matched by email: their Slack profile's, and those " +
        'slack.people lists for them). Default false.',
    ),
});

/** `access`: environment name (or `'*'` for every environment) → roles. */
export const accessSchema = z
  .record(
    z.string().regex(/^(\*|[a-z][a-z0-9-]{0,39})$/, { error: "must be an environment name or '*'" }),
    environmentAccessSchema,
  )
  .describe(
    "Roles per environment: who may view, deploy, approve or administer. '*' applies to every environment, in " +
      'addition to its own entry. Nobody holds a role that is not given here.',
  );

export const slackSettingsSchema = z.strictObject({
  command: z
    .string()
    .regex(/^\/[a-z0-9_-]{1,31}$/, { error: 'must be a slash command such as /runway' })
    .optional()
    .describe('The slash command, as registered in the Slack app. Default /runway.'),
  people: z
    .record(
      z.string().regex(/^[UW][A-Z0-9]{2,}$/, { error: 'must be a Slack user id (U…)' }),
      z.array(z.email({ error: 'must be an email address' })).min(1),
    )
    .optional()
    .describe(
      "Slack user id → the email addresses their commits carry, beside their Slack profile's (for the four-eyes rule).",
    ),
});

export const emailSettingsSchema = z.strictObject({
  from: z
    .string()
    .min(3)
    .optional()
    .describe('The sender, e.g. "Runway <runway@acme.example>". Default: the SMTP user.'),
});

/** Roles and rules of one environment, with `'*'` merged in. */
export interface EnvironmentAccess {
  /** Principals per role. */
  readonly roles: Readonly<Record<Role, readonly string[]>>;
  readonly fourEyes: boolean;
}

/** Everything runway.yaml says about people, resolved. */
export interface PeopleConfig {
  /** Per environment name; `'*'` is already merged into each, and kept for environments not listed. */
  readonly access: Readonly<Record<string, EnvironmentAccess>>;
  readonly slack: {
    /** With its slash, e.g. `/runway`. */
    readonly command: string;
    /** Slack user id → extra emails. */
    readonly people: Readonly<Record<string, readonly string[]>>;
  };
  readonly email: { readonly from: string | null };
  /** Without a trailing slash; null when not set. */
  readonly dashboardUrl: string | null;
}

type AccessInput = z.output<typeof accessSchema>;

/** The default slash command. */
export const DEFAULT_COMMAND = '/runway';

/** Resolves the validated top-level sections. */
export function toPeopleConfig(input: {
  readonly access?: AccessInput | undefined;
  readonly slack?: z.output<typeof slackSettingsSchema> | undefined;
  readonly email?: z.output<typeof emailSettingsSchema> | undefined;
  readonly dashboardUrl?: string | undefined;
}): PeopleConfig {
  const raw = input.access ?? {};
  const all = raw['*'];
  const access: Record<string, EnvironmentAccess> = {};
  for (const [name, entry] of Object.entries(raw)) access[name] = merge(all, name === '*' ? undefined : entry);
  return {
    access,
    slack: { command: input.slack?.command ?? DEFAULT_COMMAND, people: input.slack?.people ?? {} },
    email: { from: input.email?.from ?? null },
    dashboardUrl: input.dashboardUrl ? input.dashboardUrl.replace(/\/+$/, '') : null,
  };
}

type EntryOutput = z.output<typeof environmentAccessSchema>;

function merge(all: EntryOutput | undefined, own: EntryOutput | undefined): EnvironmentAccess {
  const roles = Object.fromEntries(
    ROLES.map((role) => [role, [...new Set([...(all?.[role] ?? []), ...(own?.[role] ?? [])])]]),
  ) as Record<Role, string[]>;
  return { roles, fourEyes: own?.fourEyes ?? all?.fourEyes ?? false };
}

/** An environment's access: its own entry merged with `'*'`, or `'*'` alone, or nobody. */
export function accessOf(people: PeopleConfig, environment: string): EnvironmentAccess {
  return people.access[environment] ?? people.access['*'] ?? NOBODY;
}

const NOBODY: EnvironmentAccess = {
  roles: { viewer: [], deployer: [], approver: [], admin: [] },
  fourEyes: false,
};
