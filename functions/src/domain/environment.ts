/**
 * The environment of a target: the part of its id after the dot (`checkout.production` → `production`). Service keys and
 * environment names are lower-case letters, digits and dashes (runway.yaml's schema), so the id has exactly one dot.
 * Stored beside targets and rollouts (`environment`) so that `firestore.rules` and the dashboard's queries can select by
 * it: who may read what is decided per environment (claims.ts).
 */
import type { TargetId } from './config/policy.js';

/** The environment of `targetId`; the whole id if it has no dot. */
export function environmentOf(targetId: TargetId): string {
  return targetId.slice(targetId.lastIndexOf('.') + 1);
}
