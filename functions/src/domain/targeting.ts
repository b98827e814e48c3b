/**
 * Which targets a build maps to. Every target either matches, or says in one sentence why not: when a build did not start
 * a rollout, that sentence is what the user needs (`runway events parse` prints it, the trigger logs it).
 *
 * The rule (see `match` in runway.yaml): every criterion of a target's `match` block must hold. Without a `match` block,
 * the default rule follows Cloud Run's continuous-deployment triggers, which build in the service's own project: the build
 * ran in the target's project, `_SERVICE_NAME` names the target's service and `_DEPLOY_REGION`, when the build sets it,
 * names its region. Project, region and service identify one Cloud Run service, so the default rule never sends one build
 * to two environments.
 */
import type { TargetId, TargetPolicy } from './config/policy.js';
import type { MatchSpec } from './config/schema.js';

/** What matching looks at in a build. */
export interface BuildToMatch {
  /** The project the build ran in. */
  readonly projectId: string;
  /** The build trigger that started the build; null for a build started by hand. */
  readonly triggerId: string | null;
  readonly substitutions: Readonly<Record<string, string>>;
  /** Repositories (no tag, no digest) of every image the build pushed (`results.images`) or declared (`images:`). */
  readonly imageRepositories: readonly string[];
}

/** A target the build does not map to, and why. */
export interface TargetMiss {
  readonly targetId: TargetId;
  readonly reason: string;
}

/** The targets a build maps to, in runway.yaml order, and every other target with its reason. */
export interface Targeting {
  readonly matched: readonly TargetPolicy[];
  readonly missed: readonly TargetMiss[];
}

/** The substitution Cloud Run's continuous-deployment triggers set to the service's name. */
export const SERVICE_NAME_SUBSTITUTION = '_SERVICE_NAME';
/** The substitution Cloud Run's continuous-deployment triggers set to the service's region. */
export const DEPLOY_REGION_SUBSTITUTION = '_DEPLOY_REGION';

/** Maps a build to the targets of runway.yaml. A build may match several (one service in two regions, say). */
export function matchTargets(build: BuildToMatch, targets: readonly TargetPolicy[]): Targeting {
  const matched: TargetPolicy[] = [];
  const missed: TargetMiss[] = [];
  for (const target of targets) {
    const problems = target.match ? explicitRuleProblems(build, target.match) : defaultRuleProblems(build, target);
    if (problems.length === 0) matched.push(target);
    else missed.push({ targetId: target.id, reason: problems.join('; ') });
  }
  return { matched, missed };
}

/** Why a build fails a target's `match` block: one sentence per criterion that does not hold; empty when it matches. */
function explicitRuleProblems(build: BuildToMatch, match: MatchSpec): string[] {
  const problems: string[] = [];
  if (match.triggerId) {
    const expected = match.triggerId.map(quote).join(', ');
    if (build.triggerId === null) {
      problems.push(`the build has no trigger id (started by hand?), expected ${expected}`);
    } else if (!match.triggerId.includes(build.triggerId)) {
      problems.push(
        `trigger ${quote(build.triggerId)} is not ${match.triggerId.length > 1 ? 'one of ' : ''}${expected}`,
      );
    }
  }
  for (const [name, expected] of Object.entries(match.substitutions ?? {})) {
    const problem = substitutionProblem(build, name, expected);
    if (problem) problems.push(problem);
  }
  if (match.image && !build.imageRepositories.includes(match.image)) {
    const seen =
      build.imageRepositories.length > 0 ? `its images are ${build.imageRepositories.join(', ')}` : 'it lists none';
    problems.push(`the build has no image ${match.image} (${seen})`);
  }
  return problems;
}

/** The default rule: built in the target's project, `_SERVICE_NAME` is the service, `_DEPLOY_REGION` (when set) the region. */
function defaultRuleProblems(build: BuildToMatch, target: TargetPolicy): string[] {
  const problems: string[] = [];
  if (build.projectId !== target.project) {
    problems.push(
      `the build ran in project ${quote(build.projectId)}, not ${quote(target.project)} (builds in another project need a match: block)`,
    );
  }
  const service = build.substitutions[SERVICE_NAME_SUBSTITUTION];
  if (service === undefined) {
    problems.push(
      `the build sets no ${SERVICE_NAME_SUBSTITUTION} (expected ${quote(target.service)}; or give the target a match: block)`,
    );
  } else if (service !== target.service) {
    problems.push(`${SERVICE_NAME_SUBSTITUTION} is ${quote(service)}, not ${quote(target.service)}`);
  }
  const region = build.substitutions[DEPLOY_REGION_SUBSTITUTION];
  if (region !== undefined && region !== target.region) {
    problems.push(`${DEPLOY_REGION_SUBSTITUTION} is ${quote(region)}, not ${quote(target.region)}`);
  }
  return problems;
}

function substitutionProblem(build: BuildToMatch, name: string, expected: string): string | null {
  const actual = build.substitutions[name];
  if (actual === undefined) return `the build sets no ${name} (expected ${quote(expected)})`;
  return actual === expected ? null : `${name} is ${quote(actual)}, not ${quote(expected)}`;
}

function quote(text: string): string {
  return `'${text}'`;
}

/**
 * The repository of an image reference: without tag and digest. `europe-docker.pkg.dev/acme/apps/checkout:1.2@sha256:…`
 * → `europe-docker.pkg.dev/acme/apps/checkout`. A registry port (`localhost:5000/app`) is not a tag.
 */
export function imageRepositoryOf(reference: string): string {
  const at = reference.indexOf('@');
  const withoutDigest = at >= 0 ? reference.slice(0, at) : reference;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}
