/** Every target the person may read, live. */
import { useApp } from '../context.js';
import { targetsListener } from '../data/queries.js';
import { readScope } from '../data/scope.js';
import { useSubscription } from '../data/useSubscription.js';
import { TargetCard } from './TargetCard.js';
import { Loading } from './Loading.js';

/** The overview: every target the person may read, live. */
export function Overview() {
  const { services, session } = useApp();
  const scope = readScope(session.roles);
  const targets = useSubscription(
    scope === null ? null : targetsListener(services.db, scope),
    `targets:${JSON.stringify(session.roles)}`,
  );
  return (
    <>
      <h1 tabIndex={-1}>Targets</h1>
      <Loading state={targets} what="the targets">
        {(list) =>
          list.length === 0 ? (
            <p>
              No target has had a rollout yet. Push a build (locally: <code>npx runway demo good</code>).
            </p>
          ) : (
            <div class="cards">
              {list.map((t) => (
                <TargetCard key={t.id} target={t} />
              ))}
            </div>
          )
        }
      </Loading>
    </>
  );
}
