/** A target's rollouts, newest first, with filters; and its state now. */
import { useState } from 'preact/hooks';
import { environmentOf } from '../../../functions/src/domain/environment.js';
import { PhaseBadge } from '../components/Badge.js';
import { ScrollRegion } from '../components/ScrollRegion.js';
import { useApp } from '../context.js';
import { historyListener, targetListener } from '../data/queries.js';
import { useSubscription } from '../data/useSubscription.js';
import { formatDuration, formatTime, shortSha } from '../model/format.js';
import { filterHistory, NO_FILTER, type HistoryFilter } from '../model/history.js';
import { PHASES_FOR_FILTER, TRIGGERS_FOR_FILTER } from '../model/historyOptions.js';
import { href } from '../router.js';
import { Loading } from './Loading.js';
import { TargetCard } from './TargetCard.js';

const MAX = 200;

function dateValue(at: number | null): string {
  return at === null ? '' : new Date(at).toISOString().slice(0, 10);
}

function Filters({ filter, onChange }: { filter: HistoryFilter; onChange: (f: HistoryFilter) => void }) {
  const day = (value: string, end: boolean) => {
    if (value === '') return null;
    const at = Date.parse(`${value}T00:00:00`);
    return Number.isNaN(at) ? null : at + (end ? 86_400_000 : 0);
  };
  return (
    <form class="filters" aria-label="Filter the history" onSubmit={(e) => e.preventDefault()}>
      <label>
        Outcome
        <select
          value={filter.outcome}
          onChange={(e) => onChange({ ...filter, outcome: e.currentTarget.value as HistoryFilter['outcome'] })}
        >
          <option value="all">all</option>
          <option value="active">in flight</option>
          {PHASES_FOR_FILTER.map((p) => (
            <option key={p} value={p}>
              {p.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        Kind
        <select
          value={filter.kind}
          onChange={(e) => onChange({ ...filter, kind: e.currentTarget.value as HistoryFilter['kind'] })}
        >
          <option value="all">all</option>
          <option value="release">releases</option>
          <option value="revert">reverts</option>
        </select>
      </label>
      <label>
        Stopped by
        <select
          value={filter.trigger}
          onChange={(e) => onChange({ ...filter, trigger: e.currentTarget.value as HistoryFilter['trigger'] })}
        >
          <option value="all">anything</option>
          {TRIGGERS_FOR_FILTER.map((t) => (
            <option key={t} value={t}>
              {t.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input
          type="date"
          value={dateValue(filter.from)}
          onChange={(e) => onChange({ ...filter, from: day(e.currentTarget.value, false) })}
        />
      </label>
      <label>
        To
        <input
          type="date"
          value={filter.to === null ? '' : dateValue(filter.to - 86_400_000)}
          onChange={(e) => onChange({ ...filter, to: day(e.currentTarget.value, true) })}
        />
      </label>
      <label class="grow">
        Search
        <input
          type="search"
          placeholder="commit, build, image, person…"
          value={filter.text}
          onInput={(e) => onChange({ ...filter, text: e.currentTarget.value })}
        />
      </label>
    </form>
  );
}

/** A target's page: its card and its history with filters. */
export function History({ targetId }: { targetId: string }) {
  const { services } = useApp();
  const [filter, setFilter] = useState<HistoryFilter>(NO_FILTER);
  const target = useSubscription(targetListener(services.db, targetId), `target:${targetId}`);
  const history = useSubscription(historyListener(services.db, targetId, MAX), `history:${targetId}`);
  return (
    <>
      <p class="crumbs">
        <a href={href.overview()}>Targets</a> › {targetId}
      </p>
      <h1 tabIndex={-1}>{targetId}</h1>
      <p>
        <a href={href.dora({ env: environmentOf(targetId), target: targetId })}>DORA metrics of {targetId}</a>
      </p>
      <Loading state={target} what="the target">
        {(t) => (t === null ? <p>Runway has not seen this target yet.</p> : <TargetCard target={t} />)}
      </Loading>
      <h2>History</h2>
      <Filters filter={filter} onChange={setFilter} />
      <Loading state={history} what="the history">
        {(rollouts) => {
          const shown = filterHistory(rollouts, filter);
          return (
            <>
              <p role="status" class="muted">
                {shown.length} of {rollouts.length} rollouts{rollouts.length === MAX ? ` (the newest ${MAX})` : ''}
              </p>
              <ScrollRegion label={`Rollouts of ${targetId}`}>
                <table class="history">
                  <caption class="visually-hidden">Rollouts of {targetId}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Started</th>
                      <th scope="col">Rollout</th>
                      <th scope="col">Commit</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Stopped by</th>
                      <th scope="col">Took</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((r) => (
                      <tr key={r.id} data-rollout-row={r.id}>
                        <td>{formatTime(r.createdAt)}</td>
                        <th scope="row">
                          <a href={href.rollout(r.id)}>
                            {r.kind === 'revert' ? 'revert' : `build ${r.build.buildId.slice(0, 8)}`}
                          </a>
                        </th>
                        <td>
                          <code>{shortSha(r.build.commitSha)}</code>
                        </td>
                        <td>
                          <PhaseBadge phase={r.phase} />
                        </td>
                        <td>{r.stop ? `${r.stop.trigger}: ${r.stop.reason}` : ''}</td>
                        <td>{r.finishedAt === null ? 'in flight' : formatDuration(r.finishedAt - r.createdAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollRegion>
            </>
          );
        }}
      </Loading>
    </>
  );
}
