/**
 * The local stack's test users (hosting/test-users.json): `npm start` creates them in the Auth emulator as Google
 * accounts with these roles, and the sign-in page offers each as a one-click sign-in. They exist only on the emulator.
 */
import type { RoleClaims } from '../../../functions/src/domain/claims.js';
import users from '../../test-users.json';

/** One test user. */
export interface TestUser {
  readonly uid: string;
  /** The Google account id the emulator's Google sign-in uses. */
  readonly googleId: string;
  readonly email: string;
  readonly name: string;
  readonly roles: RoleClaims;
}

/** Every test user, in the order the sign-in page lists them. */
export const TEST_USERS = users as readonly TestUser[];
