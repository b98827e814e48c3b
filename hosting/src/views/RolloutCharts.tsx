/** A rollout's traffic over time and its analysis numbers against their limits over time. */
import type { Rollout } from '../../../functions/src/domain/rollout.js';
import { Chart } from '../components/Chart.js';
import { ScrollRegion } from '../components/ScrollRegion.js';
import type { LogEntry } from '../data/documents.js';
import { verdictRows } from '../model/analysis.js';
import { formatDuration, formatDurationShort, formatPercent, formatTime } from '../model/format.js';
import { trafficSeries } from '../model/traffic.js';

const COLORS = { candidate: '#0b5cad', stable: '#5c6670', limit: '#b3261e' };

/** The candidate's share of traffic over time. */
export function TrafficChart({ rollout, log, now }: { rollout: Rollout; log: readonly LogEntry[]; now: number }) {
  const points = trafficSeries(rollout, log, now);
  const last = points[points.length - 1];
  return (
    <Chart
      id={`traffic-${rollout.id}`}
      title="Traffic on the candidate over time"
      summary={`The candidate's share of traffic, ${points.length} changes, now ${last?.candidate ?? 0}%.`}
      x={points.map((p) => p.at)}
      series={[
        { label: 'candidate %', values: points.map((p) => p.candidate), color: COLORS.candidate, kind: 'step' },
        {
          label: 'stable %',
          values: points.map((p) => 100 - p.candidate),
          color: COLORS.stable,
          kind: 'step',
          dash: [6, 4],
        },
      ]}
      format={(v) => formatPercent(v, 0)}
      formatX={formatTime}
    />
  );
}

/** Error rate and p99 latency per verdict, against their limits. */
export function AnalysisCharts({ rollout }: { rollout: Rollout }) {
  const rows = verdictRows(rollout.verdicts);
  if (rows.length === 0)
    return <p class="muted">No analysis yet: the first verdict comes at the end of the first step's bake.</p>;
  const x = rows.map((r) => r.at);
  return (
    <div class="chart-grid">
      <Chart
        id={`errors-${rollout.id}`}
        title="Error rate against its limit"
        summary={`Candidate error rate per verdict against the limit of ${formatPercent(rows[0]!.maxErrorRate)}; ${rows.length} verdicts.`}
        x={x}
        series={[
          {
            label: 'candidate errors %',
            values: rows.map((r) => r.errorRate),
            color: COLORS.candidate,
            kind: 'points',
          },
          {
            label: 'stable errors %',
            values: rows.map((r) => r.stableErrorRate),
            color: COLORS.stable,
            kind: 'points',
          },
          { label: 'limit %', values: rows.map((r) => r.maxErrorRate), color: COLORS.limit, dash: [6, 4] },
        ]}
        format={(v) => formatPercent(v, 2)}
        formatX={formatTime}
      />
      <Chart
        id={`p99-${rollout.id}`}
        title="p99 latency against its limit"
        summary={`Candidate p99 latency per verdict against the limit of ${rows[0]!.maxP99} ms; ${rows.length} verdicts.`}
        x={x}
        series={[
          { label: 'candidate p99', values: rows.map((r) => r.p99), color: COLORS.candidate, kind: 'points' },
          { label: 'stable p99', values: rows.map((r) => r.stableP99), color: COLORS.stable, kind: 'points' },
          { label: 'limit', values: rows.map((r) => r.maxP99), color: COLORS.limit, dash: [6, 4] },
        ]}
        format={(v) => formatDuration(v)}
        formatTick={formatDurationShort}
        formatX={formatTime}
      />
    </div>
  );
}

/** The verdicts with their numbers and limits. */
export function VerdictTable({ rollout }: { rollout: Rollout }) {
  const rows = verdictRows(rollout.verdicts);
  if (rows.length === 0) return null;
  return (
    <ScrollRegion label="Verdicts">
      <table>
        <caption>Verdicts</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Step</th>
            <th scope="col">Verdict</th>
            <th scope="col">Requests (min)</th>
            <th scope="col">Errors (limit)</th>
            <th scope="col">p99 (limit)</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.at}>
              <th scope="row">{formatTime(r.at)}</th>
              <td>{r.step + 1}</td>
              <td>
                <span class={`verdict verdict-${r.result}`}>{r.result}</span>
              </td>
              <td>
                {r.requests} ({r.minRequests})
              </td>
              <td>
                {formatPercent(r.errorRate, 2)} ({formatPercent(r.maxErrorRate, 2)})
              </td>
              <td>
                {formatDuration(r.p99)} ({formatDuration(r.maxP99)})
              </td>
              <td>{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
