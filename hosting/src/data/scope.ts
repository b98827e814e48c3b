/**
 * Which documents a person's queries may ask for. firestore.rules let a person with a role under `*` list everything
 * and anyone else only what their queries select by environment, so every list query carries the same selection.
 */
import { where, type QueryConstraint } from 'firebase/firestore';
import { readableEnvironments, type RoleClaims } from '../../../functions/src/domain/claims.js';

/** Firestore's limit on the values of one `in` filter. */
const MAX_IN = 30;

/** The constraints that keep a list query within what `roles` may read; null when they may read nothing. */
export function readScope(roles: RoleClaims): QueryConstraint[] | null {
  const readable = readableEnvironments(roles);
  if (readable.all) return [];
  if (readable.environments.length === 0) return null;
  return [where('environment', 'in', readable.environments.slice(0, MAX_IN))];
}
