/** The sign-in page: Google, and on the local emulator one click per test user. */
import { useState } from 'preact/hooks';
import { describeRoleClaims } from '../../../functions/src/domain/claims.js';
import type { Services } from '../firebase/app.js';
import { signInAsTestUser, signInWithGoogle } from '../firebase/session.js';
import { TEST_USERS } from '../firebase/testUsers.js';

/** The sign-in page. */
export function SignIn({ services }: { services: Services }) {
  const [error, setError] = useState<string | null>(null);
  const run = (attempt: Promise<void>) =>
    attempt.catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  return (
    <main id="main" class="sign-in">
      <h1>Runway</h1>
      <p>Progressive delivery for Cloud Run: live rollouts, their history, DORA metrics and controls.</p>
      <button type="button" class="primary" onClick={() => void run(signInWithGoogle(services.auth))}>
        Sign in with Google
      </button>
      {services.emulated ? (
        <section aria-labelledby="test-users">
          <h2 id="test-users">Test users (local emulator)</h2>
          <p class="muted">
            Accounts <code>npm start</code> created in the Auth emulator, each with its roles. They exist only here.
          </p>
          <ul class="test-users">
            {TEST_USERS.map((user) => (
              <li key={user.uid}>
                <button
                  type="button"
                  data-test-user={user.email}
                  onClick={() => void run(signInAsTestUser(services.auth, user))}
                >
                  Sign in as {user.name}
                </button>{' '}
                <span class="muted">{describeRoleClaims(user.roles)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {error ? (
        <p class="error" role="alert">
          Sign-in failed: {error}
        </p>
      ) : null}
    </main>
  );
}
