/**
 * Cloud Run's request metrics, computed from the router's request log, aligned and reduced as `timeSeries.list` does.
 *
 * Every request is a sample of two metrics on the monitored resource `cloud_run_revision` (labels `project_id`,
 * `location`, `service_name`, `revision_name`, `configuration_name` — the service's name, as Cloud Run names a service's
 * configuration), with metric labels `response_code` (`"503"`) and `response_code_class` (`"5xx"`):
 * - `run.googleapis.com/request_count`: DELTA, INT64, unit `1`;
 * - `run.googleapis.com/request_latencies`: DELTA, DISTRIBUTION, unit `ms`.
 *
 * Alignment: periods of `alignmentPeriod` end at the interval's end time and go back from it; the k-th most recent
 * covers [end − (k+1)·period, end − k·period), and only requests inside the interval [startTime, endTime) count. So a
 * period at least as long as the interval yields one point per series holding exactly the interval's requests, which is
 * what lets a sandbox window of a few seconds be measured although periods are at least 60 s. `ALIGN_DELTA` sums a
 * period's requests (counts, or merged distributions); `REDUCE_SUM` adds the aligned series that share the values of
 * `groupByFields`, whose labels alone the reduced series keep. Periods with no request have no point, and series with no
 * point are not returned, as in Cloud Monitoring. Points come most recent first.
 *
 * A request is visible once `now − reportingDelay` has reached its time, like Cloud Monitoring's ingestion delay.
 */
import type { RequestRecord } from '../types.js';
import { distributionOf, type DistributionJson } from './distribution.js';
import { matchesFilter, type SeriesIdentity } from './filter.js';
import type { ListTimeSeriesRequest } from './listRequest.js';

export const REQUEST_COUNT = 'run.googleapis.com/request_count';
export const REQUEST_LATENCIES = 'run.googleapis.com/request_latencies';
export const CLOUD_RUN_REVISION = 'cloud_run_revision';

/** google.api.MetricDescriptor.MetricKind and ValueType, by name and number. */
const METRIC_KIND = { DELTA: 2 } as const;
const VALUE_TYPE = { INT64: 2, DISTRIBUTION: 5 } as const;

/** What the series are computed for. */
export interface SeriesContext {
  readonly project: string;
  readonly region: string;
}

/** A point in proto3 JSON. */
export interface PointJson {
  readonly interval: { readonly startTime: string; readonly endTime: string };
  readonly value: { readonly int64Value: string } | { readonly distributionValue: DistributionJson };
}

/** A time series in proto3 JSON, as `timeSeries.list` answers it. */
export interface TimeSeriesJson {
  readonly metric: { readonly type: string; readonly labels: Record<string, string> };
  readonly resource: { readonly type: string; readonly labels: Record<string, string> };
  readonly metricKind: 'DELTA' | number;
  readonly valueType: 'INT64' | 'DISTRIBUTION' | number;
  readonly unit: string;
  readonly points: readonly PointJson[];
}

/** The metrics the stand-in serves. */
export function isServedMetric(type: string): boolean {
  return type === REQUEST_COUNT || type === REQUEST_LATENCIES;
}

/** The series (identity) a request is a sample of, for `metricType`. */
export function identityOf(record: RequestRecord, metricType: string, ctx: SeriesContext): SeriesIdentity {
  return {
    metric: {
      type: metricType,
      labels: { response_code: String(record.status), response_code_class: `${Math.floor(record.status / 100)}xx` },
    },
    resource: {
      type: CLOUD_RUN_REVISION,
      labels: {
        project_id: ctx.project,
        location: ctx.region,
        service_name: record.service,
        revision_name: record.revision,
        configuration_name: record.service,
      },
    },
  };
}

/**
 * The aligned (and reduced) series that answer `request`, over the requests of `records` visible at `visibleUntil`
 * (inclusive), in a stable order.
 */
export function computeSeries(
  request: ListTimeSeriesRequest,
  records: readonly RequestRecord[],
  visibleUntil: number,
  ctx: SeriesContext,
): TimeSeriesJson[] {
  const { filter, startTime, endTime, aggregation } = request;
  if (!isServedMetric(filter.metricType)) return [];
  const period = aggregation.alignmentPeriodMs;
  const reduced = aggregation.reducer === 'REDUCE_SUM';
  const groups = new Map<string, { identity: SeriesIdentity; periods: Map<number, RequestRecord[]> }>();
  for (const record of records) {
    if (record.at < startTime || record.at >= endTime || record.at > visibleUntil) continue;
    const identity = identityOf(record, filter.metricType, ctx);
    if (!matchesFilter(filter, identity)) continue;
    const seriesIdentity = reduced ? keepOnly(identity, aggregation.groupByFields) : identity;
    const key = JSON.stringify([seriesIdentity.resource.labels, seriesIdentity.metric.labels]);
    let group = groups.get(key);
    if (!group) {
      group = { identity: seriesIdentity, periods: new Map() };
      groups.set(key, group);
    }
    // The k-th most recent period [end − (k+1)·period, end − k·period) holds `at` when k = ceil((end − at) / period) − 1.
    const k = Math.ceil((endTime - record.at) / period) - 1;
    const bucket = group.periods.get(k);
    if (bucket) bucket.push(record);
    else group.periods.set(k, [record]);
  }
  const latencies = filter.metricType === REQUEST_LATENCIES;
  const intEnums = request.intEnums;
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { identity, periods }]) => ({
      metric: { type: identity.metric.type, labels: { ...identity.metric.labels } },
      resource: { type: identity.resource.type, labels: { ...identity.resource.labels } },
      metricKind: intEnums ? METRIC_KIND.DELTA : 'DELTA',
      valueType: latencies
        ? intEnums
          ? VALUE_TYPE.DISTRIBUTION
          : 'DISTRIBUTION'
        : intEnums
          ? VALUE_TYPE.INT64
          : 'INT64',
      unit: latencies ? 'ms' : '1',
      points: [...periods.entries()]
        .sort(([a], [b]) => a - b)
        .map(([k, inPeriod]) => ({
          interval: {
            startTime: new Date(endTime - (k + 1) * period).toISOString(),
            endTime: new Date(endTime - k * period).toISOString(),
          },
          value: latencies
            ? { distributionValue: distributionOf(inPeriod.map((r) => r.latencyMs)) }
            : { int64Value: String(inPeriod.length) },
        })),
    }));
}

/** The identity a reduced series keeps: the types, and only the labels named by `groupByFields`. */
function keepOnly(
  identity: SeriesIdentity,
  fields: readonly { readonly of: 'resource' | 'metric'; readonly key: string }[],
): SeriesIdentity {
  const pick = (labels: Readonly<Record<string, string>>, of: 'resource' | 'metric'): Record<string, string> => {
    const kept: Record<string, string> = {};
    for (const field of fields) {
      const value = labels[field.key];
      if (field.of === of && value !== undefined) kept[field.key] = value;
    }
    return kept;
  };
  return {
    metric: { type: identity.metric.type, labels: pick(identity.metric.labels, 'metric') },
    resource: { type: identity.resource.type, labels: pick(identity.resource.labels, 'resource') },
  };
}
