/**
 * The dashboard: sets up Firebase, follows the session, and shows the sign-in page or the signed-in shell (header,
 * navigation, the current view). Moving between views puts the focus on the new view's heading.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeRoleClaims, hasAnyRoleAnywhere } from '../../functions/src/domain/claims.js';
import { assertNever } from '../../functions/src/domain/phase.js';
import { AppContext } from './context.js';
import { firebaseServices, type Services } from './firebase/app.js';
import { refreshRoles, signOut, watchSession, type Session } from './firebase/session.js';
import { href, useRoute, type Route } from './router.js';
import { Dora } from './views/Dora.js';
import { History } from './views/History.js';
import { Overview } from './views/Overview.js';
import { RolloutDetail } from './views/RolloutDetail.js';
import { SignIn } from './views/SignIn.js';

function View({ route }: { route: Route }) {
  switch (route.name) {
    case 'overview':
      return <Overview />;
    case 'target':
      return <History key={route.targetId} targetId={route.targetId} />;
    case 'rollout':
      return <RolloutDetail key={route.rolloutId} rolloutId={route.rolloutId} />;
    case 'dora':
      return <Dora params={route.params} />;
    default:
      return assertNever(route, 'route');
  }
}

function Shell({ services, session }: { services: Services; session: Session }) {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route]);
  const current = (name: Route['name']) => (route.name === name ? 'page' : undefined);
  return (
    <AppContext.Provider value={{ services, session }}>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to the content
      </a>
      <header class="top">
        <p class="brand">
          <a href={href.overview()}>Runway</a>
          {services.emulated ? <span class="badge tone-waiting">local emulators</span> : null}
        </p>
        <nav aria-label="Main">
          <ul>
            <li>
              <a href={href.overview()} aria-current={current('overview') ?? current('target') ?? current('rollout')}>
                Targets
              </a>
            </li>
            <li>
              <a href={href.dora()} aria-current={current('dora')}>
                DORA metrics
              </a>
            </li>
          </ul>
        </nav>
        <div class="who">
          <p>
            <span class="who-name">{session.name}</span>{' '}
            <span class="muted small" data-roles>
              {describeRoleClaims(session.roles)}
            </span>
          </p>
          <button type="button" onClick={() => void refreshRoles(services.auth)}>
            Refresh roles
          </button>
          <button type="button" onClick={() => void signOut(services.auth)}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {hasAnyRoleAnywhere(session.roles) ? (
          <View route={route} />
        ) : (
          <>
            <h1 tabIndex={-1}>No role yet</h1>
            <p>
              You are signed in as {session.email ?? session.name}, but hold no role in any environment. An admin can
              give you one: <code>npx runway users grant {session.email ?? 'EMAIL'} viewer</code>. Then choose “Refresh
              roles”.
            </p>
          </>
        )}
      </main>
    </AppContext.Provider>
  );
}

type Boot =
  | { readonly step: 'starting' }
  | { readonly step: 'failed'; readonly error: string }
  | { readonly step: 'ready'; readonly services: Services; readonly session: Session | null | undefined };

/** The dashboard. */
export function App() {
  const [boot, setBoot] = useState<Boot>({ step: 'starting' });
  useEffect(() => {
    let stop: (() => void) | undefined;
    firebaseServices().then(
      (services) => {
        setBoot({ step: 'ready', services, session: undefined });
        stop = watchSession(services.auth, (session) => setBoot({ step: 'ready', services, session }));
      },
      (error: unknown) => setBoot({ step: 'failed', error: error instanceof Error ? error.message : String(error) }),
    );
    return () => stop?.();
  }, []);
  if (boot.step === 'starting' || (boot.step === 'ready' && boot.session === undefined)) {
    return (
      <main id="main">
        <h1>Runway</h1>
        <p aria-busy="true">Starting…</p>
      </main>
    );
  }
  if (boot.step === 'failed') {
    return (
      <main id="main">
        <h1>Runway</h1>
        <p class="error" role="alert">
          The dashboard could not start: {boot.error}
        </p>
      </main>
    );
  }
  return boot.session ? <Shell services={boot.services} session={boot.session} /> : <SignIn services={boot.services} />;
}
