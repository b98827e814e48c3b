/**
 * Signing in and out, and who is signed in with which roles (the custom claim `runway`, claims.ts). Roles are read from
 * the ID token, which Firebase refreshes hourly; {@link refreshRoles} gets a fresh one after `runway users grant`.
 */
import {
  GoogleAuthProvider,
  onIdTokenChanged,
  signInWithCredential,
  signInWithPopup,
  signOut as firebaseSignOut,
  type Auth,
} from 'firebase/auth';
import { roleClaimsOf, type RoleClaims } from '../../../functions/src/domain/claims.js';
import type { TestUser } from './testUsers.js';

/** The signed-in person. */
export interface Session {
  readonly uid: string;
  readonly name: string;
  readonly email: string | null;
  readonly roles: RoleClaims;
}

/** Calls `onChange` with the session (null when signed out) now and on every sign-in, sign-out and token refresh. */
export function watchSession(auth: Auth, onChange: (session: Session | null) => void): () => void {
  return onIdTokenChanged(auth, (user) => {
    if (!user) {
      onChange(null);
      return;
    }
    void user.getIdTokenResult().then((token) =>
      onChange({
        uid: user.uid,
        name: user.displayName ?? user.email ?? user.uid,
        email: user.email,
        roles: roleClaimsOf(token.claims),
      }),
    );
  });
}

/** Google sign-in in a pop-up (on the emulator, its stand-in account chooser). */
export async function signInWithGoogle(auth: Auth): Promise<void> {
  await signInWithPopup(auth, new GoogleAuthProvider());
}

/**
 * Signs in as a test user with one click: the Auth emulator accepts an unsigned Google credential, so this is the
 * Google provider's own path, without the account chooser. Only on the emulator.
 */
export async function signInAsTestUser(auth: Auth, user: TestUser): Promise<void> {
  if (!auth.emulatorConfig) throw new Error('test users exist only on the local Auth emulator');
  const idToken = JSON.stringify({ sub: user.googleId, email: user.email, email_verified: true, name: user.name });
  await signInWithCredential(auth, GoogleAuthProvider.credential(idToken));
}

/** Gets a fresh ID token, with the roles granted since the last one. */
export async function refreshRoles(auth: Auth): Promise<void> {
  await auth.currentUser?.getIdToken(true);
}

/** Signs out. */
export async function signOut(auth: Auth): Promise<void> {
  await firebaseSignOut(auth);
}
