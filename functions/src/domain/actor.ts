/** Who caused an event: a person (with the roles the entry point resolved) or Runway itself. */
import type { Role } from './config/schema.js';

/** Where a person's command came from. */
export type Channel = 'cli' | 'slack' | 'dashboard' | 'api';

export type Actor =
  | {
      readonly kind: 'user';
      /** Stable id at the source: Slack user id, Firebase uid, or the CLI's `user@host`. */
      readonly id: string;
      readonly name?: string;
      readonly email?: string;
      /** Every other email this person is known by (runway.yaml's `slack.people`): for the four-eyes rule. */
      readonly emails?: readonly string[];
      readonly via: Channel;
      /** Where in Slack the command was given, for the audit trail. */
      readonly slackChannel?: { readonly id: string; readonly name: string | null };
      /** Roles this person holds in the target's environment, resolved by the entry point. */
      readonly roles: readonly Role[];
    }
  | { readonly kind: 'system'; readonly id: 'runway' };

/** Runway acting on its own (timers, analysis, alerts). */
export const SYSTEM: Actor = { kind: 'system', id: 'runway' };

/** True if the actor may act with any of `roles` (admins may do anything; Runway itself may do anything). */
export function hasAnyRole(actor: Actor, roles: readonly Role[]): boolean {
  if (actor.kind === 'system') return true;
  return actor.roles.includes('admin') || actor.roles.some((role) => roles.includes(role));
}

/** How an actor is written in logs and messages. */
export function describeActor(actor: Actor): string {
  return actor.kind === 'system' ? 'Runway' : `${actor.name ?? actor.id} (${actor.via})`;
}
