/** The adapter's requests (query.ts) and its reading of the answers (read.ts). */
import { describe, expect, it } from 'vitest';
import {
  alignmentPeriodSeconds,
  countRequest,
  latencyRequest,
  latencyStartOf,
  timestampOf,
} from '../../../functions/src/adapters/monitoring/query.js';
import {
  countsByRevision,
  endTimeOf,
  latenciesByRevision,
  minutesOf,
  p99Of,
  revisionMetrics,
  slowerThan,
} from '../../../functions/src/adapters/monitoring/read.js';
import type { RunAnalysis } from '../../../functions/src/domain/effects.js';

const effect: RunAnalysis = {
  id: 'e',
  targetId: 't',
  rolloutId: 'r',
  type: 'analysis.run',
  service: { project: 'demo-runway', region: 'europe-west1', service: 'hello' },
  candidateRevision: 'hello-00002',
  stableRevision: 'hello-00001',
  windowStart: 1_767_225_600_250,
  windowEnd: 1_767_225_605_750,
};

describe('alignmentPeriodSeconds', () => {
  it.each([
    [0, 60],
    [5_500, 60],
    [60_000, 60],
    [60_001, 61],
    [90_500, 91],
    [3_600_000, 3_600],
    [10 ** 12, 104 * 7 * 86_400],
  ])('a window of %i ms is aligned over %i s (whole seconds, 60 s to 104 weeks)', (windowMs, seconds) => {
    expect(alignmentPeriodSeconds(windowMs)).toBe(seconds);
  });
});

describe('the list requests', () => {
  it('ask for request_count summed per revision and response class over the window', () => {
    expect(countRequest(effect)).toEqual({
      name: 'projects/demo-runway',
      filter:
        'metric.type = "run.googleapis.com/request_count" AND resource.type = "cloud_run_revision" AND ' +
        'resource.labels.service_name = "hello" AND resource.labels.location = "europe-west1" AND ' +
        'resource.labels.revision_name = one_of("hello-00002", "hello-00001")',
      interval: {
        startTime: { seconds: 1_767_225_600, nanos: 250_000_000 },
        endTime: { seconds: 1_767_225_605, nanos: 750_000_000 },
      },
      aggregation: {
        alignmentPeriod: { seconds: 60 },
        perSeriesAligner: 'ALIGN_DELTA',
        crossSeriesReducer: 'REDUCE_SUM',
        groupByFields: ['resource.labels.revision_name', 'metric.labels.response_code_class'],
      },
      view: 'FULL',
    });
  });

  it('ask for request_latencies summed per revision, every response class together', () => {
    const request = latencyRequest({ ...effect, stableRevision: null });
    expect(request.filter).toBe(
      'metric.type = "run.googleapis.com/request_latencies" AND resource.type = "cloud_run_revision" AND ' +
        'resource.labels.service_name = "hello" AND resource.labels.location = "europe-west1" AND ' +
        'resource.labels.revision_name = "hello-00002"',
    );
    expect(request.aggregation?.groupByFields).toEqual(['resource.labels.revision_name']);
  });

  it('write times as protobuf Timestamps', () => {
    expect(timestampOf(1_000)).toEqual({ seconds: 1, nanos: 0 });
    expect(timestampOf(1_767_225_600_001)).toEqual({ seconds: 1_767_225_600, nanos: 1_000_000 });
  });
});

const EXPONENTIAL = { exponentialBuckets: { numFiniteBuckets: 4, growthFactor: 2, scale: 1 } };
const countSeries = (revision: string, klass: string, ...values: (string | number)[]) => ({
  resource: { labels: { revision_name: revision } },
  metric: { labels: { response_code_class: klass } },
  points: values.map((v) => ({ value: { int64Value: v } })),
});
const latencySeries = (
  revision: string,
  ...points: { count: string; bucketCounts: string[]; bucketOptions?: object; mean?: number }[]
) => ({
  resource: { labels: { revision_name: revision } },
  points: points.map((d) => ({ value: { distributionValue: { bucketOptions: EXPONENTIAL, ...d } } })),
});

describe('reading the answers', () => {
  it('adds every point of every class, and counts 5xx as errors', () => {
    const counts = countsByRevision([
      countSeries('a', '2xx', '100', '50'),
      countSeries('a', '5xx', '7'),
      countSeries('a', '4xx', 3),
      countSeries('b', '2xx', '10'),
    ]);
    expect(counts.get('a')).toEqual({ requests: 160, errors: 7 });
    expect(counts.get('b')).toEqual({ requests: 10, errors: 0 });
  });

  it('reads the p99 from the histograms of all periods added up', () => {
    // Period 1: 99 requests in [1, 2) ms. Period 2: 1 request in [8, 16) ms. Rank 99 of 100: still in [1, 2).
    // A per-period average of p99s would say (1.99 + 15.9) / 2 ≈ 9 ms.
    const latencies = latenciesByRevision([
      latencySeries(
        'a',
        { count: '99', bucketCounts: ['0', '99'] },
        { count: '1', bucketCounts: ['0', '0', '0', '0', '1'] },
      ),
    ]);
    expect(p99Of(latencies.get('a'))).toBeCloseTo(1 + 99 / 99);
  });

  it('takes the largest p99 when the bucket options changed within the window', () => {
    const latencies = latenciesByRevision([
      latencySeries(
        'a',
        { count: '10', bucketCounts: ['0', '10'] },
        {
          count: '10',
          bucketCounts: ['0', '0', '10'],
          bucketOptions: { linearBuckets: { numFiniteBuckets: 3, width: 100, offset: 0 } },
        },
      ),
    ]);
    expect(p99Of(latencies.get('a'))).toBeCloseTo(100 + 100 * 0.99);
  });

  it('falls back to the mean for distributions without buckets', () => {
    const latencies = latenciesByRevision([latencySeries('a', { count: '4', bucketCounts: [], mean: 12.5 })]);
    expect(p99Of(latencies.get('a'))).toBe(12.5);
  });

  it('has no latency without requests', () => {
    expect(revisionMetrics(undefined, undefined)).toEqual({ requests: 0, errors: 0, p99LatencyMs: null });
    const latencies = latenciesByRevision([latencySeries('a', { count: '1', bucketCounts: ['0', '1'] })]);
    expect(revisionMetrics({ requests: 0, errors: 0 }, latencies.get('a')).p99LatencyMs).toBeNull();
  });
});

describe('the latency window and the slow-request counts', () => {
  it('ask for latencies from the latency window start (after the warm-up), within the window', () => {
    const from = (latencyWindowStart: number) =>
      latencyRequest({ ...effect, latencyWindowStart }).interval?.startTime?.seconds;
    expect(from(effect.windowStart + 2_000)).toBe(1_767_225_602);
    expect(latencyStartOf({ ...effect, latencyWindowStart: effect.windowEnd + 60_000 })).toBe(effect.windowEnd);
    expect(latencyStartOf({ ...effect, latencyWindowStart: 0 })).toBe(effect.windowStart);
    expect(latencyStartOf(effect)).toBe(effect.windowStart);
  });

  it('align both metrics to 60 s periods: one point a minute', () => {
    const long = { ...effect, windowEnd: effect.windowStart + 30 * 60_000 };
    expect(countRequest(long).aggregation?.alignmentPeriod).toEqual({ seconds: 60 });
    expect(latencyRequest(long).aggregation?.alignmentPeriod).toEqual({ seconds: 60 });
  });

  it('count a request as slower than T when its bucket lies at or above T', () => {
    // Buckets: [0,1) underflow, [1,2), [2,4), [4,8), [8,16), overflow [16,∞).
    const latencies = latenciesByRevision([
      latencySeries('a', { count: '10', bucketCounts: ['1', '2', '3', '2', '1', '1'] }),
    ]);
    expect(slowerThan(latencies.get('a'), [2, 3, 4, 16, 100])).toEqual({ requests: 10, slower: [7, 4, 4, 1, 0] });
    expect(slowerThan(undefined, [2])).toEqual({ requests: 0, slower: [0] });
  });

  it('read the slow-request counts into the revision metrics when thresholds are asked for', () => {
    const latencies = latenciesByRevision([latencySeries('a', { count: '3', bucketCounts: ['0', '1', '2'] })]);
    expect(revisionMetrics({ requests: 3, errors: 0 }, latencies.get('a'), [2])).toMatchObject({
      latency: { requests: 3, slower: [2] },
    });
  });
});

describe('the window minute by minute', () => {
  type Series = Parameters<typeof minutesOf>[0];
  // REST answers carry end times as RFC 3339 text, where the protobuf types say Timestamp.
  const at = (iso: string) => ({ interval: { endTime: iso } });
  const point = (iso: string, value: Record<string, unknown>) => ({ ...at(iso), value });
  const counts = [
    {
      resource: { labels: { revision_name: 'cand' } },
      metric: { labels: { response_code_class: '2xx' } },
      points: [
        point('2026-01-01T00:02:00Z', { int64Value: '40' }),
        point('2026-01-01T00:01:00Z', { int64Value: '50' }),
      ],
    },
    {
      resource: { labels: { revision_name: 'cand' } },
      metric: { labels: { response_code_class: '5xx' } },
      points: [point('2026-01-01T00:02:00Z', { int64Value: '3' })],
    },
    {
      resource: { labels: { revision_name: 'stable' } },
      metric: { labels: { response_code_class: '2xx' } },
      points: [point('2026-01-01T00:01:00Z', { int64Value: '900' })],
    },
  ] as unknown as Series;
  const latencies = [
    {
      resource: { labels: { revision_name: 'cand' } },
      points: [
        point('2026-01-01T00:02:00Z', {
          distributionValue: { count: '43', bucketOptions: EXPONENTIAL, bucketCounts: ['0', '40', '3'] },
        }),
      ],
    },
  ] as unknown as Series;

  it('groups the points by period end, oldest first; a revision without a point has zeros', () => {
    const minutes = minutesOf(counts, latencies, 'cand', 'stable', [2]);
    const t1 = Date.parse('2026-01-01T00:01:00Z');
    const t2 = Date.parse('2026-01-01T00:02:00Z');
    expect(minutes).toEqual([
      { end: t1, candidate: { requests: 50, errors: 0 }, stable: { requests: 900, errors: 0 } },
      {
        end: t2,
        candidate: { requests: 43, errors: 3, latency: { requests: 43, slower: [3] } },
        stable: { requests: 0, errors: 0 },
      },
    ]);
  });

  it('without a stable revision, minutes carry the candidate alone; without thresholds, no latency counts', () => {
    expect(minutesOf(counts, latencies, 'cand', null, undefined).map((m) => [m.candidate, m.stable])).toEqual([
      [{ requests: 50, errors: 0 }, null],
      [{ requests: 43, errors: 3 }, null],
    ]);
  });

  it('reads end times as RFC 3339 text or as Timestamps', () => {
    expect(endTimeOf('2026-01-01T00:01:00Z')).toBe(Date.parse('2026-01-01T00:01:00Z'));
    expect(endTimeOf({ seconds: 1_767_225_660, nanos: 500_000_000 })).toBe(1_767_225_660_500);
    expect(endTimeOf({ seconds: '1767225660' })).toBe(1_767_225_660_000);
    expect(endTimeOf(undefined)).toBeNull();
    expect(endTimeOf('not a time')).toBeNull();
  });
});
