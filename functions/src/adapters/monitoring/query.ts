/**
 * The two `timeSeries.list` requests behind one analysis: Cloud Run's request count and request latencies of the
 * candidate and the stable revision over the window, both revisions in one request per metric (`one_of`).
 *
 * Aggregation: `ALIGN_DELTA` per series, `REDUCE_SUM` across series grouped by revision (and, for counts, by
 * `response_code_class`), with 60 s alignment periods, the documented minimum of `Aggregation.alignment_period` ("The
 * value must be at least 60 seconds") and Cloud Run's sampling period: one point per minute, periods ending at the
 * interval's end, so that the judge can compare the revisions minute by minute. The window's totals add every point,
 * so they never depend on how the window was cut. A window shorter than a minute is one point.
 *
 * Cloud Run samples these metrics every 60 s: in production a window shorter than a minute cannot be measured exactly,
 * whatever the query; bake times should be a minute or more. The sandbox's stand-in counts requests by their exact time.
 */
import type { protos } from '@google-cloud/monitoring';
import type { RunAnalysis } from '../../domain/effects.js';

export const REQUEST_COUNT = 'run.googleapis.com/request_count';
export const REQUEST_LATENCIES = 'run.googleapis.com/request_latencies';

/** `Aggregation.alignment_period` must be at least this long. */
export const MIN_ALIGNMENT_PERIOD_S = 60;
/** …and at most 104 weeks. */
export const MAX_ALIGNMENT_PERIOD_S = 104 * 7 * 86_400;

export const REVISION_LABEL = 'revision_name';
export const CLASS_LABEL = 'response_code_class';

export type ListRequest = protos.google.monitoring.v3.IListTimeSeriesRequest;

/** An alignment period, in seconds, that covers a window of `windowMs` in one period (within the documented limits). */
export function alignmentPeriodSeconds(windowMs: number): number {
  return Math.min(MAX_ALIGNMENT_PERIOD_S, Math.max(MIN_ALIGNMENT_PERIOD_S, Math.ceil(windowMs / 1000)));
}

/** A filter string literal: the value in double quotes, with `\` and `"` escaped. */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The revisions an analysis measures: the candidate, and the stable revision if there is one (and it differs). */
export function revisionsOf(effect: RunAnalysis): string[] {
  const revisions = [effect.candidateRevision];
  if (effect.stableRevision !== null && effect.stableRevision !== effect.candidateRevision) {
    revisions.push(effect.stableRevision);
  }
  return revisions;
}

/** The filter selecting `metricType` of the revisions of the effect's service. */
export function filterFor(metricType: string, effect: RunAnalysis): string {
  const revisions = revisionsOf(effect);
  const revisionClause =
    revisions.length === 1 ? quote(revisions[0] ?? '') : `one_of(${revisions.map(quote).join(', ')})`;
  return [
    `metric.type = ${quote(metricType)}`,
    `resource.type = "cloud_run_revision"`,
    `resource.labels.service_name = ${quote(effect.service.service)}`,
    `resource.labels.location = ${quote(effect.service.region)}`,
    `resource.labels.${REVISION_LABEL} = ${revisionClause}`,
  ].join(' AND ');
}

/** Milliseconds since the epoch as a protobuf Timestamp. */
export function timestampOf(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/**
 * The list request for `metricType` over the effect's window (from `start`, by default the window's start), grouped by
 * revision and the extra `groupBy` labels.
 */
export function listRequestFor(
  metricType: string,
  effect: RunAnalysis,
  groupBy: readonly string[],
  start: number = effect.windowStart,
): ListRequest {
  return {
    name: `projects/${effect.service.project}`,
    filter: filterFor(metricType, effect),
    interval: { startTime: timestampOf(start), endTime: timestampOf(effect.windowEnd) },
    aggregation: {
      alignmentPeriod: { seconds: MIN_ALIGNMENT_PERIOD_S },
      perSeriesAligner: 'ALIGN_DELTA',
      crossSeriesReducer: 'REDUCE_SUM',
      groupByFields: [`resource.labels.${REVISION_LABEL}`, ...groupBy],
    },
    view: 'FULL',
  };
}

/** Requests and their response classes: `request_count` by revision and `response_code_class`. */
export function countRequest(effect: RunAnalysis): ListRequest {
  return listRequestFor(REQUEST_COUNT, effect, [`metric.labels.${CLASS_LABEL}`]);
}

/** The start of the latency window: after the step's warm-up (`latencyWindowStart`), within the window. */
export function latencyStartOf(effect: RunAnalysis): number {
  const start = effect.latencyWindowStart ?? effect.windowStart;
  return Math.min(Math.max(start, effect.windowStart), effect.windowEnd);
}

/** Latency distributions over the latency window: `request_latencies` by revision, every response class together. */
export function latencyRequest(effect: RunAnalysis): ListRequest {
  return listRequestFor(REQUEST_LATENCIES, effect, [], latencyStartOf(effect));
}
