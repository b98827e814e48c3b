/** One rollout: where it is, its traffic and analysis over time, smoke checks, how it stopped, and its timeline. */
import { rolesIn } from '../../../functions/src/domain/claims.js';
import { environmentOf } from '../../../functions/src/domain/environment.js';
import { targetIdOfRollout, type Rollout } from '../../../functions/src/domain/rollout.js';
import { PhaseBadge } from '../components/Badge.js';
import { Controls } from '../components/Controls.js';
import { ScrollRegion } from '../components/ScrollRegion.js';
import { Steps, Weights } from '../components/Progress.js';
import { useApp, useNow } from '../context.js';
import { rolloutListener, rolloutLogListener, targetListener } from '../data/queries.js';
import { useSubscription } from '../data/useSubscription.js';
import { rolloutActions } from '../model/actions.js';
import { formatDuration, formatTime, shortSha } from '../model/format.js';
import { consoleLinks } from '../model/links.js';
import { actorLabel } from '../model/timeline.js';
import { href } from '../router.js';
import { Loading } from './Loading.js';
import { AnalysisCharts, TrafficChart, VerdictTable } from './RolloutCharts.js';
import { Timeline } from './Timeline.js';

function Facts({ rollout }: { rollout: Rollout }) {
  const b = rollout.build;
  return (
    <dl class="facts">
      <dt>Image</dt>
      <dd>
        <code class="wrap">{b.image || '—'}</code>
      </dd>
      <dt>Commit</dt>
      <dd>
        <code>{shortSha(b.commitSha, 12)}</code> {b.branch ? <span class="muted">on {b.branch}</span> : null}
      </dd>
      <dt>Candidate</dt>
      <dd>
        <code>{rollout.candidate?.revision ?? '—'}</code>
      </dd>
      <dt>Stable</dt>
      <dd>
        <code>{rollout.stableRevision ?? '—'}</code>
      </dd>
      <dt>Started</dt>
      <dd>{formatTime(rollout.createdAt)}</dd>
      <dt>Ended</dt>
      <dd>{formatTime(rollout.finishedAt)}</dd>
    </dl>
  );
}

function Stop({ rollout }: { rollout: Rollout }) {
  const stop = rollout.stop;
  if (!stop) return null;
  return (
    <section aria-labelledby="stop">
      <h2 id="stop">Why it stopped</h2>
      <dl class="facts">
        <dt>Trigger</dt>
        <dd>{stop.trigger}</dd>
        <dt>By</dt>
        <dd>{actorLabel(stop.actor)}</dd>
        <dt>Reason</dt>
        <dd>{stop.reason}</dd>
        <dt>Traffic back on</dt>
        <dd>
          <code>{stop.toRevision ?? 'nothing to undo'}</code>
          {stop.durationMs !== null ? ` after ${formatDuration(stop.durationMs)}` : ''}
        </dd>
      </dl>
    </section>
  );
}

function Smoke({ rollout }: { rollout: Rollout }) {
  const results = rollout.smoke;
  if (!results || results.length === 0) return <p class="muted">No smoke checks ran.</p>;
  return (
    <ScrollRegion label="Smoke check results">
      <table>
        <caption class="visually-hidden">Smoke checks</caption>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Result</th>
            <th scope="col">Status</th>
            <th scope="col">Latency</th>
            <th scope="col">Attempts</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {results.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              <td>
                <span class={`verdict verdict-${r.ok ? 'pass' : 'fail'}`}>{r.ok ? 'passed' : 'failed'}</span>
              </td>
              <td>{r.status ?? '—'}</td>
              <td>{formatDuration(r.latencyMs)}</td>
              <td>{r.attempts}</td>
              <td>{r.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/** A rollout's page. */
export function RolloutDetail({ rolloutId }: { rolloutId: string }) {
  const { services, session } = useApp();
  const now = useNow(2000);
  const targetId = targetIdOfRollout(rolloutId) ?? rolloutId;
  const rollout = useSubscription(rolloutListener(services.db, rolloutId), `rollout:${rolloutId}`);
  const target = useSubscription(targetListener(services.db, targetId), `target:${targetId}`);
  const log = useSubscription(rolloutLogListener(services.db, targetId, rolloutId), `log:${rolloutId}`);
  const roles = rolesIn(session.roles, environmentOf(targetId));
  return (
    <>
      <p class="crumbs">
        <a href={href.target(targetId)}>{targetId}</a> › rollout
      </p>
      <h1 tabIndex={-1} class="wrap">
        {rolloutId}
      </h1>
      <Loading state={rollout} what="the rollout">
        {(r) =>
          r === null ? (
            <p>No such rollout.</p>
          ) : (
            <>
              <section
                class="card"
                aria-labelledby="now"
                data-rollout={r.id}
                data-phase={r.phase}
                data-step={r.step}
                data-updated-at={r.updatedAt}
              >
                <h2 id="now">
                  Now: <PhaseBadge phase={r.phase} />
                </h2>
                <Steps rollout={r} />
                <Weights rollout={r} />
                <Controls
                  actions={rolloutActions(r, target.status === 'ready' ? target.value : null, roles)}
                  targetId={targetId}
                  rolloutId={r.id}
                  subject={r.id}
                />
                <Facts rollout={r} />
                <ul class="links" aria-label="In the Cloud console">
                  {consoleLinks(r).map((l) => (
                    <li key={l.href}>
                      <a href={l.href} target="_blank" rel="noopener noreferrer">
                        {l.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </section>
              <Stop rollout={r} />
              <section aria-labelledby="traffic">
                <h2 id="traffic">Traffic</h2>
                {log.status === 'ready' ? <TrafficChart rollout={r} log={log.value} now={now} /> : null}
              </section>
              <section aria-labelledby="analysis">
                <h2 id="analysis">Analysis</h2>
                <AnalysisCharts rollout={r} />
                <VerdictTable rollout={r} />
              </section>
              <section aria-labelledby="smoke">
                <h2 id="smoke">Smoke checks</h2>
                <Smoke rollout={r} />
              </section>
            </>
          )
        }
      </Loading>
      <section aria-labelledby="timeline">
        <h2 id="timeline">Timeline</h2>
        <Loading state={log} what="the audit log">
          {(entries) => <Timeline log={entries} />}
        </Loading>
      </section>
    </>
  );
}
