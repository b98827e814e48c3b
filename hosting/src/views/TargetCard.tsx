/** One target on the overview: its stable revision, its rollout in flight (phase, steps, live weights), its state. */
import { rolesIn } from '../../../functions/src/domain/claims.js';
import type { Rollout } from '../../../functions/src/domain/rollout.js';
import { Badge, PhaseBadge } from '../components/Badge.js';
import { Controls } from '../components/Controls.js';
import { Steps, Weights } from '../components/Progress.js';
import { useApp, useNow } from '../context.js';
import type { TargetDoc } from '../data/documents.js';
import { rolloutActions, targetActions } from '../model/actions.js';
import { formatAgo, shortSha } from '../model/format.js';
import { href } from '../router.js';

function ActiveRollout({ target, rollout }: { target: TargetDoc; rollout: Rollout }) {
  const { session } = useApp();
  const roles = rolesIn(session.roles, target.environment);
  return (
    <div
      class="active-rollout"
      data-rollout={rollout.id}
      data-phase={rollout.phase}
      data-step={rollout.step}
      data-updated-at={rollout.updatedAt}
    >
      <p>
        <PhaseBadge phase={rollout.phase} />{' '}
        <a href={href.rollout(rollout.id)}>
          {rollout.kind === 'revert' ? 'Revert' : `Build ${rollout.build.buildId.slice(0, 8)}`}
          {rollout.build.commitSha ? ` (${shortSha(rollout.build.commitSha)})` : ''}
        </a>
      </p>
      <Steps rollout={rollout} />
      <Weights rollout={rollout} />
      <Controls
        actions={rolloutActions(rollout, target, roles)}
        targetId={target.id}
        rolloutId={rollout.id}
        subject={rollout.id}
      />
    </div>
  );
}

/** A target's card. */
export function TargetCard({ target }: { target: TargetDoc }) {
  const { session } = useApp();
  const now = useNow(5000);
  const headingId = `target-${target.id}`;
  const last = target.releases[0];
  const roles = rolesIn(session.roles, target.environment);
  return (
    <article class="card target" aria-labelledby={headingId} data-target={target.id} data-version={target.version}>
      <header>
        <h2 id={headingId}>
          <a href={href.target(target.id)}>{target.id}</a>
        </h2>
        <p class="badges">
          <Badge tone="neutral">{target.environment}</Badge>
          {target.frozen ? <Badge tone="waiting">frozen: {target.frozen.reason}</Badge> : null}
          {target.halted ? <Badge tone="bad">halted: {target.halted.reason}</Badge> : null}
        </p>
      </header>
      <dl class="facts">
        <dt>Stable revision</dt>
        <dd>
          {target.stable ? (
            <>
              <code>{target.stable.revision}</code>{' '}
              <span class="muted">since {formatAgo(target.stable.since, now)}</span>
            </>
          ) : (
            'not seen yet'
          )}
        </dd>
        <dt>Last outcome</dt>
        <dd>
          {last ? (
            <>
              <PhaseBadge phase={last.outcome === 'baseline' ? 'succeeded' : last.outcome} />{' '}
              <span class="muted">
                {last.kind === 'baseline' ? 'baseline' : <code>{last.revision}</code>} · {formatAgo(last.at, now)}
              </span>
            </>
          ) : (
            'none yet'
          )}
        </dd>
        {target.queue.length > 0 ? (
          <>
            <dt>Queued</dt>
            <dd>{target.queue.length} waiting</dd>
          </>
        ) : null}
      </dl>
      {target.active ? (
        <ActiveRollout target={target} rollout={target.active} />
      ) : (
        <>
          <p class="muted idle">No rollout in flight.</p>
          <Controls actions={targetActions(target, roles)} targetId={target.id} subject={target.id} />
        </>
      )}
    </article>
  );
}
