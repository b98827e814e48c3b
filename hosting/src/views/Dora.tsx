/**
 * The DORA metrics of an environment, or one of its targets, over a chosen period: the four numbers and their trends
 * (functions/src/domain/dora.ts computes them from the finished rollouts).
 */
import { useState } from 'preact/hooks';
import { bucketSizeFor, DAY_MS, doraMetrics, doraTrend, type DoraMetrics } from '../../../functions/src/domain/dora.js';
import { Chart } from '../components/Chart.js';
import { useApp } from '../context.js';
import { finishedListener, targetsListener } from '../data/queries.js';
import { readScope } from '../data/scope.js';
import { useSubscription } from '../data/useSubscription.js';
import { formatDuration, formatDurationShort, formatPercent } from '../model/format.js';
import {
  dateOf,
  LAST_DAYS,
  periodChoiceOf,
  periodKey,
  periodLabel,
  periodOf,
  type PeriodChoice,
} from '../model/period.js';
import { href } from '../router.js';
import { Loading } from './Loading.js';

function Stat({ id, label, value, detail }: { id: string; label: string; value: string; detail: string }) {
  return (
    <div class="stat" data-metric={id}>
      <dt>{label}</dt>
      <dd>
        <span class="stat-value">{value}</span>
        <span class="stat-detail">{detail}</span>
      </dd>
    </div>
  );
}

function Stats({ m }: { m: DoraMetrics }) {
  return (
    <dl class="stats">
      <Stat
        id="deployment-frequency"
        label="Deployment frequency"
        value={`${m.deploymentsPerDay.toFixed(2)} / day`}
        detail={`${m.deployments} deployment${m.deployments === 1 ? '' : 's'}`}
      />
      <Stat
        id="lead-time"
        label="Lead time for changes (median)"
        value={formatDuration(m.leadTimeMs)}
        detail="commit to promotion"
      />
      <Stat
        id="change-failure-rate"
        label="Change failure rate"
        value={formatPercent(m.changeFailureRate === null ? null : m.changeFailureRate * 100)}
        detail={`${m.failedChanges} of ${m.changes} change${m.changes === 1 ? '' : 's'}`}
      />
      <Stat
        id="time-to-restore"
        label="Time to restore (median)"
        value={formatDuration(m.timeToRestoreMs)}
        detail={`${m.restored} restored${m.unrestored > 0 ? `, ${m.unrestored} not restored` : ''}`}
      />
    </dl>
  );
}

function Trends({ buckets, bucketMs }: { buckets: DoraMetrics[]; bucketMs: number }) {
  const x = buckets.map((b) => b.period.from);
  const unit = bucketMs === DAY_MS ? 'day' : 'week';
  const formatX = (at: number) => new Date(at).toISOString().slice(0, 10);
  return (
    <div class="chart-grid">
      <Chart
        id="trend-deployments"
        title={`Deployments per ${unit}`}
        summary={`Deployments per ${unit} over ${buckets.length} ${unit}s.`}
        x={x}
        series={[{ label: 'deployments', values: buckets.map((b) => b.deployments), color: '#0b5cad', kind: 'bars' }]}
        format={(v) => (v === null ? '—' : String(Math.round(v * 10) / 10))}
        formatX={formatX}
      />
      <Chart
        id="trend-lead-time"
        title={`Lead time per ${unit} (median)`}
        summary={`Median lead time for changes per ${unit}.`}
        x={x}
        series={[{ label: 'lead time', values: buckets.map((b) => b.leadTimeMs), color: '#0b5cad', kind: 'points' }]}
        format={formatDuration}
        formatTick={formatDurationShort}
        formatX={formatX}
      />
      <Chart
        id="trend-cfr"
        title={`Change failure rate per ${unit}`}
        summary={`Change failure rate per ${unit}, in percent.`}
        x={x}
        series={[
          {
            label: 'change failure rate %',
            values: buckets.map((b) => (b.changeFailureRate === null ? null : b.changeFailureRate * 100)),
            color: '#b3261e',
            kind: 'points',
          },
        ]}
        format={(v) => formatPercent(v, 1)}
        formatX={formatX}
      />
      <Chart
        id="trend-ttr"
        title={`Time to restore per ${unit} (median)`}
        summary={`Median time to restore per ${unit}.`}
        x={x}
        series={[
          { label: 'time to restore', values: buckets.map((b) => b.timeToRestoreMs), color: '#b3261e', kind: 'points' },
        ]}
        format={formatDuration}
        formatTick={formatDurationShort}
        formatX={formatX}
      />
    </div>
  );
}

function Selection({
  params,
  environments,
  targets,
}: {
  params: URLSearchParams;
  environments: string[];
  targets: string[];
}) {
  const go = (change: Record<string, string>) => {
    const next = Object.fromEntries([...params.entries(), ...Object.entries(change)].filter(([, v]) => v !== ''));
    location.hash = href.dora(next);
  };
  const env = params.get('env') ?? environments[0] ?? '';
  const choice = periodChoiceOf(params);
  const custom = params.get('days') === 'custom' || choice.kind === 'range';
  return (
    <form class="filters" aria-label="What to measure" onSubmit={(e) => e.preventDefault()}>
      <label>
        Environment
        <select value={env} onChange={(e) => go({ env: e.currentTarget.value, target: '' })}>
          {environments.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
      </label>
      <label>
        Target
        <select value={params.get('target') ?? ''} onChange={(e) => go({ target: e.currentTarget.value })}>
          <option value="">every target in {env}</option>
          {targets
            .filter((t) => t.endsWith(`.${env}`))
            .map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
        </select>
      </label>
      <label>
        Period
        <select
          value={custom ? 'custom' : String(choice.kind === 'last' ? choice.days : 30)}
          onChange={(e) => {
            const value = e.currentTarget.value;
            if (value !== 'custom') go({ days: value, from: '', to: '' });
            else go({ days: 'custom', from: dateOf(Date.now() - 30 * DAY_MS), to: dateOf(Date.now()) });
          }}
        >
          {LAST_DAYS.map((d) => (
            <option key={d} value={String(d)}>
              last {d} days
            </option>
          ))}
          <option value="custom">from … to …</option>
        </select>
      </label>
      {custom ? (
        <>
          <label>
            From
            <input
              type="date"
              value={params.get('from') ?? ''}
              onChange={(e) => go({ days: 'custom', from: e.currentTarget.value })}
            />
          </label>
          <label>
            To (included)
            <input
              type="date"
              value={params.get('to') ?? ''}
              onChange={(e) => go({ days: 'custom', to: e.currentTarget.value })}
            />
          </label>
        </>
      ) : null}
    </form>
  );
}

function Measured({
  environment,
  targetId,
  choice,
}: {
  environment: string;
  targetId: string | null;
  choice: PeriodChoice;
}) {
  const { services } = useApp();
  // "The last N days" end when the view opened (to the minute), so the listener stays put while the page is open.
  const [period] = useState(() => periodOf(choice, Date.now()));
  const rollouts = useSubscription(
    finishedListener(services.db, { environment, targetId }, period.from),
    `dora:${environment}:${targetId ?? '*'}:${period.from}`,
  );
  return (
    <Loading state={rollouts} what="the finished rollouts">
      {({ value: list, synced }) => {
        const bucketMs = bucketSizeFor(period);
        return (
          <section
            aria-labelledby="dora-numbers"
            aria-busy={synced ? undefined : 'true'}
            data-dora={`${environment}:${targetId ?? '*'}:${periodKey(choice)}`}
            data-synced={String(synced)}
            data-rollouts={list.length}
          >
            <h2 id="dora-numbers">
              {targetId ?? `Every target in ${environment}`}, {periodLabel(choice)}
            </h2>
            {synced ? null : <p class="muted">Updating from the server…</p>}
            <Stats m={doraMetrics(list, period)} />
            <h2>Trends</h2>
            <Trends buckets={doraTrend(list, period, bucketMs)} bucketMs={bucketMs} />
          </section>
        );
      }}
    </Loading>
  );
}

/** The DORA view. */
export function Dora({ params }: { params: URLSearchParams }) {
  const { services, session } = useApp();
  const scope = readScope(session.roles);
  const targets = useSubscription(
    scope === null ? null : targetsListener(services.db, scope),
    `targets:${JSON.stringify(session.roles)}`,
  );
  const choice = periodChoiceOf(params);
  return (
    <>
      <h1 tabIndex={-1}>DORA metrics</h1>
      <p class="muted">
        From Runway's finished rollouts: deployments are promotions, lead time runs from the build's start (the push) to
        promotion, a failure is a change rolled back, failed or reverted after reaching users.
      </p>
      <Loading state={targets} what="the targets">
        {(list) => {
          const ids = list.map((t) => t.id);
          const environments = [...new Set(list.map((t) => t.environment))].sort();
          const env = params.get('env') ?? environments[0];
          if (env === undefined) return <p>No target yet.</p>;
          const target = params.get('target');
          return (
            <>
              <Selection params={params} environments={environments} targets={ids} />
              <Measured
                key={`${env}:${target}:${periodKey(choice)}`}
                environment={env}
                targetId={target && ids.includes(target) ? target : null}
                choice={choice}
              />
            </>
          );
        }}
      </Loading>
    </>
  );
}
