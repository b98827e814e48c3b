/**
 * The Cloud Monitoring stand-in on the wire: what @google-cloud/monitoring's MetricServiceClient sends and receives in
 * REST mode (paging included), hand-written requests, and Google's error JSON for what it refuses.
 */
import type { MetricServiceClient } from '@google-cloud/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricClient, parseEndpoint } from '../../../functions/src/adapters/monitoring/client.js';
import { describeFailure } from '../../../functions/src/adapters/monitoring/errors.js';
import { PROJECT, serve, startStandIn, T0, type StandIn } from './support.js';

const END = T0 + 5 * 60_000;
const COUNT_FILTER =
  'metric.type = "run.googleapis.com/request_count" AND resource.type = "cloud_run_revision" AND resource.labels.service_name = "hello"';

let standIn: StandIn;
let client: MetricServiceClient;

beforeAll(async () => {
  standIn = await startStandIn();
  serve(standIn.log, 'wire-a', { from: T0, to: END, count: 120 });
  serve(standIn.log, 'wire-a', { from: T0, to: END, count: 30, status: 503 });
  serve(standIn.log, 'wire-b', { from: T0, to: END, count: 60, status: 404 });
  // The adapter's own client: the SDK in REST mode with a dummy token (functions/ resolves google-auth-library 10).
  client = await createMetricClient(parseEndpoint(standIn.url));
});

afterAll(async () => {
  await client?.close();
  await standIn?.api.close();
});

/** A hand-written request: `params` as query parameters, with a bearer token unless `auth` is false. */
async function get(params: Record<string, string | string[]>, options: { auth?: boolean; path?: string } = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const value of [v].flat()) query.append(k, value);
  const response = await fetch(`${standIn.url}${options.path ?? `/v3/projects/${PROJECT}/timeSeries`}?${query}`, {
    headers: options.auth === false ? {} : { authorization: 'Bearer test' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const INTERVAL = { 'interval.startTime': new Date(T0).toISOString(), 'interval.endTime': new Date(END).toISOString() };
const BY_REVISION_SUM = {
  'aggregation.alignmentPeriod': '300s',
  'aggregation.perSeriesAligner': 'ALIGN_DELTA',
  'aggregation.crossSeriesReducer': 'REDUCE_SUM',
  'aggregation.groupByFields': ['resource.labels.revision_name', 'metric.labels.response_code_class'],
};

describe('the Monitoring stand-in', () => {
  it('serves the SDK’s paged listing: pageSize counts points, every page continues the same answer', async () => {
    const request = {
      name: `projects/${PROJECT}`,
      filter: COUNT_FILTER,
      interval: { startTime: { seconds: T0 / 1000 }, endTime: { seconds: END / 1000 } },
      aggregation: {
        alignmentPeriod: { seconds: 60 },
        perSeriesAligner: 'ALIGN_DELTA' as const,
        crossSeriesReducer: 'REDUCE_SUM' as const,
        groupByFields: ['resource.labels.revision_name', 'metric.labels.response_code_class'],
      },
    };
    const before = standIn.api.calls();
    const [whole] = await client.listTimeSeries(request);
    expect(standIn.api.calls() - before).toBe(1);
    const paged: typeof whole = [];
    let pageToken: string | undefined;
    do {
      const [series, , response] = await client.listTimeSeries(
        { ...request, pageSize: 4, pageToken },
        { autoPaginate: false },
      );
      paged.push(...series);
      pageToken = response?.nextPageToken || undefined;
    } while (pageToken);
    // 3 series × 5 one-minute points = 15 points: 4 pages of at most 4.
    expect(standIn.api.calls() - before).toBe(1 + 4);

    const total = (series: typeof whole, revision: string, klass: string) =>
      series
        .filter(
          (s) => s.resource?.labels?.revision_name === revision && s.metric?.labels?.response_code_class === klass,
        )
        .flatMap((s) => s.points ?? [])
        .reduce((sum, p) => sum + Number(p.value?.int64Value), 0);
    for (const series of [whole, paged]) {
      expect(total(series, 'wire-a', '2xx')).toBe(120);
      expect(total(series, 'wire-a', '5xx')).toBe(30);
      expect(total(series, 'wire-b', '4xx')).toBe(60);
    }
    expect(whole).toHaveLength(3);
    expect(whole[0]?.points).toHaveLength(5);
    // Most recent first, each point one alignment period ending at the interval's end or a whole period before it.
    expect(Number(whole[0]?.points?.[0]?.interval?.endTime?.seconds)).toBe(END / 1000);
    expect(Number(whole[0]?.points?.[4]?.interval?.startTime?.seconds)).toBe(T0 / 1000);
    expect(whole[0]?.metricKind).toBe('DELTA');
    expect(whole[0]?.valueType).toBe('INT64');
  });

  it('answers hand-written requests with enums by name, and the labels of a reduced series are the grouped ones', async () => {
    const { status, body } = await get({ filter: COUNT_FILTER, ...INTERVAL, ...BY_REVISION_SUM, view: 'FULL' });

    expect(status).toBe(200);
    const series = body.timeSeries as { metric: unknown; resource: unknown; metricKind: unknown; points: unknown[] }[];
    expect(series).toHaveLength(3);
    expect(series[0]).toMatchObject({
      metric: { type: 'run.googleapis.com/request_count', labels: { response_code_class: '2xx' } },
      resource: { type: 'cloud_run_revision', labels: { revision_name: 'wire-a' } },
      metricKind: 'DELTA',
      points: [{ value: { int64Value: '120' } }],
    });
  });

  it('serves unreduced series with every label of cloud_run_revision and of the metric', async () => {
    const { body } = await get({
      filter: `${COUNT_FILTER} AND resource.labels.revision_name = "wire-b"`,
      ...INTERVAL,
      'aggregation.alignmentPeriod': '300s',
      'aggregation.perSeriesAligner': '1',
      $alt: 'json;enum-encoding=int',
    });

    expect(body.timeSeries).toEqual([
      {
        metric: {
          type: 'run.googleapis.com/request_count',
          labels: { response_code: '404', response_code_class: '4xx' },
        },
        resource: {
          type: 'cloud_run_revision',
          labels: {
            project_id: PROJECT,
            location: 'europe-west1',
            service_name: 'hello',
            revision_name: 'wire-b',
            configuration_name: 'hello',
          },
        },
        metricKind: 2,
        valueType: 2,
        unit: '1',
        points: [
          {
            interval: { startTime: new Date(T0).toISOString(), endTime: new Date(END).toISOString() },
            value: { int64Value: '60' },
          },
        ],
      },
    ]);
  });

  it('answers latencies as distributions over exponential buckets', async () => {
    const { body } = await get({
      filter: 'metric.type = "run.googleapis.com/request_latencies" AND resource.labels.revision_name = "wire-b"',
      ...INTERVAL,
      ...BY_REVISION_SUM,
      'aggregation.groupByFields': 'resource.labels.revision_name',
    });

    const [series] = body.timeSeries as { valueType: string; unit: string; points: { value: unknown }[] }[];
    expect(series?.valueType).toBe('DISTRIBUTION');
    expect(series?.unit).toBe('ms');
    expect(series?.points[0]?.value).toMatchObject({
      distributionValue: {
        count: '60',
        mean: 20,
        sumOfSquaredDeviation: 0,
        bucketOptions: { exponentialBuckets: { numFiniteBuckets: 150, growthFactor: 1.1, scale: 1 } },
      },
    });
  });

  it('answers {} when nothing matches', async () => {
    const { status, body } = await get({
      filter: `${COUNT_FILTER} AND resource.labels.revision_name = one_of("nobody", "nothing")`,
      ...INTERVAL,
      ...BY_REVISION_SUM,
    });

    expect(status).toBe(200);
    expect(body).toEqual({});
  });

  it('refuses a filter it cannot read with 400 INVALID_ARGUMENT, clearly, which the SDK surfaces', async () => {
    const { status, body } = await get({
      filter: `${COUNT_FILTER} OR resource.labels.revision_name = "wire-a"`,
      ...INTERVAL,
      ...BY_REVISION_SUM,
    });

    expect(status).toBe(400);
    expect(body).toEqual({
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: expect.stringMatching(
          /^Field filter had an invalid value of ".*": unexpected "OR" at position \d+ where "AND" or the end of the filter was expected; the sandbox supports only conjunctions \(AND\)/,
        ) as unknown,
      },
    });

    const error = await client
      .listTimeSeries({
        name: `projects/${PROJECT}`,
        filter: 'metric.type = starts_with("run.googleapis.com/")',
        interval: { endTime: { seconds: END / 1000 } },
      })
      .catch((e: unknown) => e);
    expect(describeFailure(error)).toMatchObject({
      status: 'INVALID_ARGUMENT',
      transient: false,
      message: expect.stringContaining('Field filter had an invalid value') as unknown,
    });
  });

  it.each<[string, Record<string, string | string[]>, RegExp]>([
    ['no filter', { ...INTERVAL, ...BY_REVISION_SUM }, /Field filter is required/],
    [
      'two metric types',
      { filter: 'metric.type = "a" AND metric.type = "b"', ...INTERVAL, ...BY_REVISION_SUM },
      /exactly one metric type/,
    ],
    ['no end time', { filter: COUNT_FILTER, ...BY_REVISION_SUM }, /interval\.endTime is required/],
    [
      'start after end',
      {
        filter: COUNT_FILTER,
        'interval.startTime': new Date(END).toISOString(),
        'interval.endTime': new Date(T0).toISOString(),
        ...BY_REVISION_SUM,
      },
      /later than its end time/,
    ],
    ['raw data (no aligner)', { filter: COUNT_FILTER, ...INTERVAL }, /aligned data only/],
    [
      'a reducer without an aligner',
      { filter: COUNT_FILTER, ...INTERVAL, 'aggregation.crossSeriesReducer': 'REDUCE_SUM' },
      /perSeriesAligner must not be ALIGN_NONE/,
    ],
    [
      'an alignment period under 60 s',
      { filter: COUNT_FILTER, ...INTERVAL, ...BY_REVISION_SUM, 'aggregation.alignmentPeriod': '30s' },
      /at least 60 seconds/,
    ],
    [
      'an aligner it does not implement',
      { filter: COUNT_FILTER, ...INTERVAL, ...BY_REVISION_SUM, 'aggregation.perSeriesAligner': 'ALIGN_PERCENTILE_99' },
      /does not implement ALIGN_PERCENTILE_99/,
    ],
    [
      'a reducer it does not implement',
      { filter: COUNT_FILTER, ...INTERVAL, ...BY_REVISION_SUM, 'aggregation.crossSeriesReducer': '9' },
      /does not implement REDUCE_PERCENTILE_99/,
    ],
    [
      'an unknown enum value',
      { filter: COUNT_FILTER, ...INTERVAL, ...BY_REVISION_SUM, 'aggregation.perSeriesAligner': 'ALIGN_FASTEST' },
      /Invalid value at 'aggregation\.perSeriesAligner'/,
    ],
    [
      'secondary aggregation',
      { filter: COUNT_FILTER, ...INTERVAL, ...BY_REVISION_SUM, 'secondaryAggregation.alignmentPeriod': '60s' },
      /does not implement secondaryAggregation/,
    ],
    [
      'an unknown parameter',
      { filter: COUNT_FILTER, ...INTERVAL, ...BY_REVISION_SUM, pageSise: '3' },
      /Unknown name "pageSise"/,
    ],
    [
      'a page token from elsewhere',
      { filter: COUNT_FILTER, ...INTERVAL, ...BY_REVISION_SUM, pageToken: 'bm9wZQ' },
      /Invalid page token/,
    ],
  ])('refuses %s with 400 INVALID_ARGUMENT', async (_name, params, message) => {
    const { status, body } = await get(params);

    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect((body.error as { message: string }).message).toMatch(message);
  });

  it('asks for credentials, serves only its project and only timeSeries.list', async () => {
    const params = { filter: COUNT_FILTER, ...INTERVAL, ...BY_REVISION_SUM };
    expect(await get(params, { auth: false })).toMatchObject({
      status: 401,
      body: { error: { status: 'UNAUTHENTICATED' } },
    });
    expect(await get(params, { path: '/v3/projects/elsewhere/timeSeries' })).toMatchObject({
      status: 403,
      body: { error: { status: 'PERMISSION_DENIED' } },
    });
    expect(await get(params, { path: `/v3/projects/${PROJECT}/metricDescriptors` })).toMatchObject({
      status: 404,
      body: { error: { status: 'NOT_FOUND' } },
    });
  });

  it('answers injected faults with their status, once each, then serves again', async () => {
    standIn.api.failNext('UNAVAILABLE');
    standIn.api.failNext('RESOURCE_EXHAUSTED');
    const params = { filter: COUNT_FILTER, ...INTERVAL, ...BY_REVISION_SUM };

    expect(await get(params)).toMatchObject({ status: 503, body: { error: { code: 503, status: 'UNAVAILABLE' } } });
    expect(await get(params)).toMatchObject({
      status: 429,
      body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED' } },
    });
    expect((await get(params)).status).toBe(200);
  });
});
