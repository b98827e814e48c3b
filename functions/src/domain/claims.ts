/**
 * People's roles as Firebase Auth custom claims: what the dashboard, its callable `rolloutAction` and
 * `firestore.rules` read, and what `runway users grant EMAIL ROLE [ENV]` writes.
 *
 * The shape, under the one key `runway` (other claims of the user are left alone):
 *
 * ```json
 * { "runway": { "*": ["viewer"], "production": ["approver"] } }
 * ```
 *
 * Keys are environment names (the second half of a target id, `checkout.production`) or `*` for every environment;
 * values are lists of roles. A person's roles in an environment are those of `*` and of that environment together. Any
 * role lets a person read the environment; what each role may do is in permissions.ts (and in the commands themselves).
 *
 * Pure: the callable, the CLI and the dashboard share it.
 */
import type { Role } from './config/schema.js';

/** The custom claim that holds Runway's roles. */
export const CLAIM_KEY = 'runway';

/** The key for "every environment". */
export const EVERY_ENVIRONMENT = '*';

/** Every role, weakest first (the order in which roles are listed). */
export const ROLE_ORDER = ['viewer', 'deployer', 'approver', 'admin'] as const satisfies readonly Role[];

// A compile error if a role is added to the runway.yaml schema and not here.
const _everyRoleListed: Exclude<Role, (typeof ROLE_ORDER)[number]> extends never ? true : never = true;
void _everyRoleListed;

/** Roles per environment (`*`: every environment). */
export type RoleClaims = Readonly<Record<string, readonly Role[]>>;

/** Firebase refuses custom claims over 1000 bytes (as JSON), all claims of the user together. */
export const MAX_CLAIMS_BYTES = 1000;

/** An environment name as runway.yaml allows it (lower-case letters, digits, dashes; a letter first), or `*`. */
const ENVIRONMENT = /^(\*|[a-z][a-z0-9-]{0,39})$/;

/** True for a valid environment key. */
export function isEnvironmentKey(value: string): boolean {
  return ENVIRONMENT.test(value);
}

/** True for a known role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLE_ORDER as readonly string[]).includes(value);
}

/**
 * The role claims in a user's custom claims (or in a decoded ID token). Tolerant: anything that is not an environment
 * key with a list of known roles is left out, so a hand-edited or foreign claim never grants more than it says.
 */
export function roleClaimsOf(customClaims: unknown): RoleClaims {
  if (typeof customClaims !== 'object' || customClaims === null) return {};
  const raw = (customClaims as Record<string, unknown>)[CLAIM_KEY];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const out: Record<string, Role[]> = {};
  for (const [environment, roles] of Object.entries(raw as Record<string, unknown>)) {
    if (!isEnvironmentKey(environment) || !Array.isArray(roles)) continue;
    const known = sortRoles(roles.filter(isRole));
    if (known.length > 0) out[environment] = known;
  }
  return out;
}

/** The roles a person holds in `environment`: those granted for it and those granted for every environment. */
export function rolesIn(claims: RoleClaims, environment: string): Role[] {
  return sortRoles([...(claims[EVERY_ENVIRONMENT] ?? []), ...(claims[environment] ?? [])]);
}

/** What a person may read: every environment, or the listed ones. */
export type Readable = { readonly all: true } | { readonly all: false; readonly environments: readonly string[] };

/** The environments a person may read: any role in an environment lets them read it. */
export function readableEnvironments(claims: RoleClaims): Readable {
  if ((claims[EVERY_ENVIRONMENT] ?? []).length > 0) return { all: true };
  const environments = Object.entries(claims)
    .filter(([environment, roles]) => environment !== EVERY_ENVIRONMENT && roles.length > 0)
    .map(([environment]) => environment)
    .sort();
  return { all: false, environments };
}

/** True if the person holds any role at all. */
export function hasAnyRoleAnywhere(claims: RoleClaims): boolean {
  return Object.values(claims).some((roles) => roles.length > 0);
}

/** The claims with `role` added in `environment` (default every environment). */
export function grantRole(claims: RoleClaims, role: Role, environment: string = EVERY_ENVIRONMENT): RoleClaims {
  assertEnvironment(environment);
  return { ...claims, [environment]: sortRoles([...(claims[environment] ?? []), role]) };
}

/** The claims with `role` removed from `environment` (an environment left with no role disappears). */
export function revokeRole(claims: RoleClaims, role: Role, environment: string = EVERY_ENVIRONMENT): RoleClaims {
  assertEnvironment(environment);
  const left = (claims[environment] ?? []).filter((r) => r !== role);
  const { [environment]: _dropped, ...rest } = claims;
  return left.length > 0 ? { ...rest, [environment]: left } : rest;
}

/**
 * A user's whole custom claims with Runway's part replaced (no `runway` key when no role is left). Throws when the
 * result would be over Firebase's 1000-byte limit.
 */
export function withRoleClaims(customClaims: Readonly<Record<string, unknown>>, claims: RoleClaims) {
  const { [CLAIM_KEY]: _old, ...others } = customClaims;
  const next: Record<string, unknown> = hasAnyRoleAnywhere(claims) ? { ...others, [CLAIM_KEY]: claims } : others;
  const bytes = new TextEncoder().encode(JSON.stringify(next)).length;
  if (bytes > MAX_CLAIMS_BYTES) {
    throw new Error(`the custom claims would be ${bytes} bytes, over Firebase's limit of ${MAX_CLAIMS_BYTES}`);
  }
  return next;
}

/** `viewer in *, approver in production`: for people and logs. */
export function describeRoleClaims(claims: RoleClaims): string {
  const parts = Object.entries(claims)
    .sort(([a], [b]) => (a === EVERY_ENVIRONMENT ? -1 : b === EVERY_ENVIRONMENT ? 1 : a.localeCompare(b)))
    .map(
      ([environment, roles]) =>
        `${roles.join(', ')} in ${environment === EVERY_ENVIRONMENT ? 'every environment' : environment}`,
    );
  return parts.length > 0 ? parts.join('; ') : 'no roles';
}

function sortRoles(roles: readonly Role[]): Role[] {
  return ROLE_ORDER.filter((role) => roles.includes(role));
}

function assertEnvironment(environment: string): void {
  if (!isEnvironmentKey(environment)) {
    throw new Error(
      `not an environment: ${JSON.stringify(environment)} (lower-case letters, digits and dashes, a letter first; or * for every environment)`,
    );
  }
}
