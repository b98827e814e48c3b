/**
 * The four-eyes rule: where an environment asks for it (`access.<env>.fourEyes`), the author of a release's commit may
 * not approve that release. The author is known by email (the build's `_COMMIT_AUTHOR_EMAIL`); the approver by their
 * Slack profile's email and the ones runway.yaml's `slack.people` lists for them. Emails compare case-insensitively.
 */
import type { Actor } from './actor.js';
import type { Rollout } from './rollout.js';

/** Every email the actor is known by, lower-cased. */
export function emailsOf(actor: Actor): string[] {
  if (actor.kind === 'system') return [];
  return [actor.email, ...(actor.emails ?? [])].filter((e): e is string => !!e).map((e) => e.trim().toLowerCase());
}

/** True if `actor` wrote the commit `rollout` releases. False when the build does not say who did. */
export function isAuthorOf(actor: Actor, rollout: Rollout): boolean {
  const author = rollout.build.authorEmail?.trim().toLowerCase();
  return !!author && emailsOf(actor).includes(author);
}

/** Why `actor` may not approve `rollout` under the four-eyes rule, or null if they may. */
export function fourEyesRefusal(actor: Actor, rollout: Rollout): string | null {
  if (!rollout.policy.approval.fourEyes || !isAuthorOf(actor, rollout)) return null;
  const commit = rollout.build.commitSha ? ` ${rollout.build.commitSha.slice(0, 7)}` : '';
  return (
    `four-eyes rule in ${rollout.policy.environment}: ${rollout.build.authorEmail} wrote commit${commit} ` +
    'and may not approve its own release; ask another approver'
  );
}
