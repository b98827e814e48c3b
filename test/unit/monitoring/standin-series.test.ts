/**
 * The stand-in's reading of list requests (listRequest.ts), its alignment of requests into periods (timeSeries.ts) and
 * its pages (paging.ts), without HTTP.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../sandbox/src/monitoring/errors.js';
import { parseDuration, parseListRequest, parseTimestamp } from '../../../sandbox/src/monitoring/listRequest.js';
import { decodeToken, encodeToken, pageOf } from '../../../sandbox/src/monitoring/paging.js';
import { computeSeries } from '../../../sandbox/src/monitoring/timeSeries.js';
import type { RequestRecord } from '../../../sandbox/src/types.js';

const T0 = Date.UTC(2026, 0, 5, 12);
const CTX = { project: 'demo-runway', region: 'europe-west1' };

function request(extra: Record<string, string | string[]> = {}) {
  const params = new URLSearchParams();
  const all: Record<string, string | string[]> = {
    filter: 'metric.type = "run.googleapis.com/request_count"',
    'interval.startTime': new Date(T0).toISOString(),
    'interval.endTime': new Date(T0 + 180_000).toISOString(),
    'aggregation.alignmentPeriod': '60s',
    'aggregation.perSeriesAligner': '1',
    'aggregation.crossSeriesReducer': '4',
    'aggregation.groupByFields': 'resource.labels.revision_name',
    ...extra,
  };
  for (const [k, v] of Object.entries(all)) for (const value of [v].flat()) params.append(k, value);
  return parseListRequest(params);
}

const record = (at: number, revision = 'r1', status = 200): RequestRecord => ({
  at,
  service: 'hello',
  revision,
  tag: null,
  status,
  latencyMs: 10,
});

describe('parseListRequest', () => {
  it('reads enums by number or by name, and the client’s enum encoding', () => {
    const byNumber = request({ $alt: 'json;enum-encoding=int', view: '1' });
    expect(byNumber.aggregation).toMatchObject({
      aligner: 'ALIGN_DELTA',
      reducer: 'REDUCE_SUM',
      alignmentPeriodMs: 60_000,
    });
    expect(byNumber.view).toBe('HEADERS');
    expect(byNumber.intEnums).toBe(true);
    const byName = request({
      'aggregation.perSeriesAligner': 'ALIGN_DELTA',
      'aggregation.crossSeriesReducer': 'REDUCE_NONE',
      'aggregation.groupByFields': [],
    });
    expect(byName.aggregation.reducer).toBe('REDUCE_NONE');
    expect(byName.intEnums).toBe(false);
    expect(byName.pageSize).toBe(100_000);
  });

  it('refuses with INVALID_ARGUMENT what it does not implement', () => {
    expect(() => request({ 'aggregation.crossSeriesReducer': 'REDUCE_MEAN' })).toThrow(ApiError);
    expect(() => request({ 'aggregation.crossSeriesReducer': 'REDUCE_NONE' })).toThrow(
      /groupByFields needs a crossSeriesReducer/,
    );
    expect(() => request({ 'aggregation.groupByFields': 'resource.type' })).toThrow(/groups by resource\.labels\.KEY/);
  });
});

describe('protobuf JSON scalars', () => {
  it('reads durations', () => {
    expect(parseDuration('d', '60s')).toBe(60_000);
    expect(parseDuration('d', '90.5s')).toBe(90_500);
    expect(parseDuration('d', '1.000000001s')).toBe(1_000);
    expect(() => parseDuration('d', '60')).toThrow(/google\.protobuf\.Duration/);
  });

  it('reads timestamps with up to nine fractional digits and offsets', () => {
    expect(parseTimestamp('t', '2026-01-05T12:00:00Z')).toBe(T0);
    expect(parseTimestamp('t', '2026-01-05T12:00:00.123456789Z')).toBe(T0 + 123);
    expect(parseTimestamp('t', '2026-01-05T13:00:00.5+01:00')).toBe(T0 + 500);
    expect(() => parseTimestamp('t', '2026-01-05 12:00:00')).toThrow(/google\.protobuf\.Timestamp/);
  });
});

describe('computeSeries', () => {
  it('aligns requests into periods that end at the interval’s end, most recent first', () => {
    // Interval [T0, T0 + 180 s), periods of 60 s: [T0+120, T0+180), [T0+60, T0+120), [T0, T0+60).
    const records = [record(T0), record(T0 + 59_999), record(T0 + 60_000), record(T0 + 179_999), record(T0 + 180_000)];
    const [series] = computeSeries(request(), records, Infinity, CTX);
    expect(series?.points.map((p) => [p.interval.startTime, p.value])).toEqual([
      [new Date(T0 + 120_000).toISOString(), { int64Value: '1' }],
      [new Date(T0 + 60_000).toISOString(), { int64Value: '1' }],
      [new Date(T0).toISOString(), { int64Value: '2' }],
    ]);
  });

  it('keeps only what is visible, and leaves out periods and series without requests', () => {
    const records = [record(T0 + 10_000, 'r1'), record(T0 + 150_000, 'r1'), record(T0 + 150_000, 'r2')];
    const series = computeSeries(request(), records, T0 + 100_000, CTX);
    expect(series).toHaveLength(1);
    expect(series[0]?.resource.labels).toEqual({ revision_name: 'r1' });
    expect(series[0]?.points).toHaveLength(1);
  });

  it('serves nothing for a metric it does not know', () => {
    const series = computeSeries(
      request({ filter: 'metric.type = "run.googleapis.com/container/instance_count"' }),
      [record(T0)],
      Infinity,
      CTX,
    );
    expect(series).toEqual([]);
  });
});

describe('pages', () => {
  const records = Array.from({ length: 3 }, (_, i) => [
    record(T0 + i * 60_000, 'r1'),
    record(T0 + i * 60_000, 'r2'),
  ]).flat();
  const all = computeSeries(request(), records, Infinity, CTX);

  it('count points with the FULL view, a series continuing on the next page', () => {
    const first = pageOf(all, { visibleUntil: 0, series: 0, point: 0 }, 4, 'FULL');
    expect(first.page.map((s) => s.points.length)).toEqual([3, 1]);
    const second = pageOf(all, first.next!, 4, 'FULL');
    expect(second.page.map((s) => [s.resource.labels.revision_name, s.points.length])).toEqual([['r2', 2]]);
    expect(second.next).toBeNull();
  });

  it('count series with the HEADERS view, without points', () => {
    const first = pageOf(all, { visibleUntil: 0, series: 0, point: 0 }, 1, 'HEADERS');
    expect(first.page).toHaveLength(1);
    expect(first.page[0]?.points).toEqual([]);
    expect(first.next).toMatchObject({ series: 1 });
  });

  it('issue tokens that only their own query accepts', () => {
    const token = encodeToken({ visibleUntil: 5, series: 1, point: 2 }, 'query-a');
    expect(decodeToken(token, 'query-a')).toEqual({ visibleUntil: 5, series: 1, point: 2 });
    expect(() => decodeToken(token, 'query-b')).toThrow(/Invalid page token/);
  });
});
