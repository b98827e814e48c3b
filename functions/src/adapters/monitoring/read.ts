/**
 * Reading `timeSeries.list` answers into per-revision numbers: request and 5xx counts from `request_count`, and one
 * latency histogram per revision from `request_latencies`, every point of the window added up. Pure.
 *
 * The p99 is read from the window's summed histogram (buckets added across periods and response classes), not averaged
 * from per-period percentiles: a percentile of the whole window is what the judge compares, and averaging percentiles
 * is not one (a single slow minute among ten would be diluted tenfold).
 */
import type { protos } from '@google-cloud/monitoring';
import type { MinuteCounts, MinuteMetrics, RevisionMetrics } from '../../domain/judge.js';
import {
  addHistograms,
  boundsOf,
  optionsKey,
  percentileFromHistogram,
  type BucketOptions,
  type Histogram,
} from './buckets.js';
import { CLASS_LABEL, REVISION_LABEL } from './query.js';

type TimeSeries = protos.google.monitoring.v3.ITimeSeries;
type Timestamp = protos.google.protobuf.ITimestamp;
type Distribution = protos.google.api.IDistribution;
/** int64 in a decoded message: a string (REST), a number, or a Long-like object (gRPC). */
type Int64 = number | string | { toString(): string } | null | undefined;

/** Requests and 5xx responses of one revision. */
export interface Counts {
  readonly requests: number;
  readonly errors: number;
}

/** An int64 as a number (counts stay far below 2^53). */
export function int64(value: Int64): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(String(value));
  if (!Number.isFinite(n)) throw new Error(`Cloud Monitoring sent an int64 that is not a number: ${String(value)}`);
  return n;
}

function revisionOf(series: TimeSeries): string | undefined {
  return series.resource?.labels?.[REVISION_LABEL] ?? undefined;
}

/** Requests and 5xx per revision, from `request_count` series grouped by revision and response class. */
export function countsByRevision(series: readonly TimeSeries[]): Map<string, Counts> {
  const counts = new Map<string, Counts>();
  for (const s of series) {
    const revision = revisionOf(s);
    if (revision === undefined) continue;
    const is5xx = s.metric?.labels?.[CLASS_LABEL] === '5xx';
    const total = (s.points ?? []).reduce((sum, p) => sum + int64(p.value?.int64Value), 0);
    const before = counts.get(revision) ?? { requests: 0, errors: 0 };
    counts.set(revision, { requests: before.requests + total, errors: before.errors + (is5xx ? total : 0) });
  }
  return counts;
}

/** Bucket options as the API sends them, read; null when a distribution carries none. */
export function bucketOptionsOf(d: Distribution): BucketOptions | null {
  const o = d.bucketOptions;
  if (o?.exponentialBuckets) {
    const e = o.exponentialBuckets;
    return {
      kind: 'exponential',
      numFiniteBuckets: e.numFiniteBuckets ?? 0,
      growthFactor: e.growthFactor ?? 0,
      scale: e.scale ?? 0,
    };
  }
  if (o?.linearBuckets) {
    const l = o.linearBuckets;
    return { kind: 'linear', numFiniteBuckets: l.numFiniteBuckets ?? 0, width: l.width ?? 0, offset: l.offset ?? 0 };
  }
  if (o?.explicitBuckets) return { kind: 'explicit', bounds: o.explicitBuckets.bounds ?? [] };
  return null;
}

/**
 * A revision's latencies over the window: the summed histogram for each set of bucket options met (there is one unless
 * Cloud Monitoring changed them mid-window), plus the count and mean of what came without buckets.
 */
export interface LatencySummary {
  readonly histograms: ReadonlyMap<string, Histogram>;
  readonly unbucketed: { readonly count: number; readonly sum: number };
}

/** One latency summary per revision, from `request_latencies` series grouped by revision. */
export function latenciesByRevision(series: readonly TimeSeries[]): Map<string, LatencySummary> {
  const summaries = new Map<
    string,
    { histograms: Map<string, Histogram>; unbucketed: { count: number; sum: number } }
  >();
  for (const s of series) {
    const revision = revisionOf(s);
    if (revision === undefined) continue;
    let summary = summaries.get(revision);
    if (!summary) {
      summary = { histograms: new Map(), unbucketed: { count: 0, sum: 0 } };
      summaries.set(revision, summary);
    }
    for (const point of s.points ?? []) {
      const d = point.value?.distributionValue;
      if (!d) continue;
      const count = int64(d.count);
      if (count <= 0) continue;
      const options = bucketOptionsOf(d);
      const counts = (d.bucketCounts ?? []).map(int64);
      if (options === null || counts.length === 0) {
        summary.unbucketed.count += count;
        summary.unbucketed.sum += count * (d.mean ?? 0);
        continue;
      }
      const key = optionsKey(options);
      const histogram: Histogram = { options, counts };
      const before = summary.histograms.get(key);
      summary.histograms.set(key, before ? addHistograms(before, histogram) : histogram);
    }
  }
  return summaries;
}

/**
 * The p99 of a revision's latencies, or null with none. With one set of bucket options (the normal case) it is read
 * from the window's summed histogram. Should the options have changed within the window, the histograms cannot be
 * added: the largest of their p99s is taken, which can only overstate the p99 (a regression is never hidden). Samples
 * that came without buckets, if nothing else came, yield their mean: a rough floor, better than claiming no latency.
 */
export function p99Of(summary: LatencySummary | undefined): number | null {
  if (!summary) return null;
  const p99s = [...summary.histograms.values()]
    .map((h) => percentileFromHistogram(h, 0.99))
    .filter((p): p is number => p !== null);
  if (p99s.length > 0) return Math.max(...p99s);
  return summary.unbucketed.count > 0 ? summary.unbucketed.sum / summary.unbucketed.count : null;
}

/**
 * How many of a revision's latencies the summary holds, and how many were slower than each threshold. A request counts
 * as slower than T when its bucket lies wholly at or above T, so the threshold in effect is the first bucket boundary at
 * or above T: the same for every revision with the same bucket options. Samples without buckets are counted in
 * `requests` but can be slower than nothing (an undercount, never an invented slow request).
 */
export function slowerThan(
  summary: LatencySummary | undefined,
  thresholdsMs: readonly number[],
): { requests: number; slower: number[] } {
  const slower = thresholdsMs.map(() => 0);
  let requests = summary?.unbucketed.count ?? 0;
  for (const histogram of summary?.histograms.values() ?? []) {
    histogram.counts.forEach((count, i) => {
      if (count <= 0) return;
      requests += count;
      const { lower } = boundsOf(histogram.options, i);
      thresholdsMs.forEach((threshold, t) => {
        if (lower >= threshold) slower[t] = (slower[t] ?? 0) + count;
      });
    });
  }
  return { requests, slower };
}

/**
 * The numbers of one revision; no requests means no latency (p99 null). With `thresholdsMs`, also the latency window's
 * request count and slow-request counts ({@link slowerThan}).
 */
export function revisionMetrics(
  counts: Counts | undefined,
  latency: LatencySummary | undefined,
  thresholdsMs?: readonly number[],
): RevisionMetrics {
  const requests = counts?.requests ?? 0;
  const base = { requests, errors: counts?.errors ?? 0, p99LatencyMs: requests > 0 ? p99Of(latency) : null };
  return thresholdsMs === undefined ? base : { ...base, latency: slowerThan(latency, thresholdsMs) };
}

/** A point's end time in ms: an RFC 3339 string (REST) or a Timestamp; null when absent or unreadable. */
export function endTimeOf(time: Timestamp | string | null | undefined): number | null {
  if (time === null || time === undefined) return null;
  const ms = typeof time === 'string' ? Date.parse(time) : int64(time.seconds) * 1000 + (time.nanos ?? 0) / 1e6;
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The window minute by minute: both revisions' counts per alignment period (one per minute, by the period's end),
 * oldest first, and, with `thresholdsMs`, their latency histograms' request and slow-request counts. A revision with no
 * point in a period (Cloud Monitoring leaves out periods without requests, and those not reported yet) has zeros.
 */
export function minutesOf(
  countSeries: readonly TimeSeries[],
  latencySeries: readonly TimeSeries[],
  candidate: string,
  stable: string | null,
  thresholdsMs: readonly number[] | undefined,
): MinuteMetrics[] {
  const ends = new Set<number>();
  const counts = new Map<string, Map<number, { requests: number; errors: number }>>();
  for (const s of countSeries) {
    const revision = revisionOf(s);
    if (revision === undefined) continue;
    const is5xx = s.metric?.labels?.[CLASS_LABEL] === '5xx';
    const byEnd = counts.get(revision) ?? new Map<number, { requests: number; errors: number }>();
    counts.set(revision, byEnd);
    for (const point of s.points ?? []) {
      const end = endTimeOf(point.interval?.endTime);
      if (end === null) continue;
      ends.add(end);
      const n = int64(point.value?.int64Value);
      const before = byEnd.get(end) ?? { requests: 0, errors: 0 };
      byEnd.set(end, { requests: before.requests + n, errors: before.errors + (is5xx ? n : 0) });
    }
  }
  const latencies = new Map<string, Map<number, TimeSeries[]>>();
  for (const s of latencySeries) {
    const revision = revisionOf(s);
    if (revision === undefined) continue;
    const byEnd = latencies.get(revision) ?? new Map<number, TimeSeries[]>();
    latencies.set(revision, byEnd);
    for (const point of s.points ?? []) {
      const end = endTimeOf(point.interval?.endTime);
      if (end === null) continue;
      ends.add(end);
      const list = byEnd.get(end) ?? [];
      list.push({ ...s, points: [point] });
      byEnd.set(end, list);
    }
  }
  const of = (revision: string, end: number): MinuteCounts => {
    const c = counts.get(revision)?.get(end) ?? { requests: 0, errors: 0 };
    if (thresholdsMs === undefined) return c;
    const series = latencies.get(revision)?.get(end);
    if (!series) return c;
    return { ...c, latency: slowerThan(latenciesByRevision(series).get(revision), thresholdsMs) };
  };
  return [...ends]
    .sort((a, b) => a - b)
    .map((end) => ({ end, candidate: of(candidate, end), stable: stable === null ? null : of(stable, end) }));
}
