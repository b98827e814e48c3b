/**
 * Reading a `projects.timeSeries.list` request from its query string, as google-gax's REST fallback sends it:
 *
 *     GET /v3/projects/P/timeSeries?filter=…&interval.endTime=2026-01-01T00:01:00.000Z&interval.startTime=…
 *         &aggregation.alignmentPeriod=60s&aggregation.perSeriesAligner=1&aggregation.crossSeriesReducer=4
 *         &aggregation.groupByFields=resource.labels.revision_name&view=0&pageToken=…&$alt=json;enum-encoding=int
 *
 * Enums come as numbers (`enum-encoding=int`) or as names (hand-written requests); both are read. The checks are the
 * real API's where the documentation states them (an aligner needs an alignment period of at least 60 seconds, a
 * reducer needs an aligner), and anything the stand-in does not implement is refused by name, never ignored.
 */
import { invalidArgument } from './errors.js';
import { FilterError, parseFilter, type TimeSeriesFilter } from './filter.js';

/** google.monitoring.v3.Aggregation.Aligner. */
export const ALIGNERS = {
  ALIGN_NONE: 0,
  ALIGN_DELTA: 1,
  ALIGN_RATE: 2,
  ALIGN_INTERPOLATE: 3,
  ALIGN_NEXT_OLDER: 4,
  ALIGN_MIN: 10,
  ALIGN_MAX: 11,
  ALIGN_MEAN: 12,
  ALIGN_COUNT: 13,
  ALIGN_SUM: 14,
  ALIGN_STDDEV: 15,
  ALIGN_COUNT_TRUE: 16,
  ALIGN_COUNT_FALSE: 24,
  ALIGN_FRACTION_TRUE: 17,
  ALIGN_PERCENTILE_99: 18,
  ALIGN_PERCENTILE_95: 19,
  ALIGN_PERCENTILE_50: 20,
  ALIGN_PERCENTILE_05: 21,
  ALIGN_PERCENT_CHANGE: 23,
} as const;
export type Aligner = keyof typeof ALIGNERS;

/** google.monitoring.v3.Aggregation.Reducer. */
export const REDUCERS = {
  REDUCE_NONE: 0,
  REDUCE_MEAN: 1,
  REDUCE_MIN: 2,
  REDUCE_MAX: 3,
  REDUCE_SUM: 4,
  REDUCE_STDDEV: 5,
  REDUCE_COUNT: 6,
  REDUCE_COUNT_TRUE: 7,
  REDUCE_COUNT_FALSE: 15,
  REDUCE_FRACTION_TRUE: 8,
  REDUCE_PERCENTILE_99: 9,
  REDUCE_PERCENTILE_95: 10,
  REDUCE_PERCENTILE_50: 11,
  REDUCE_PERCENTILE_05: 12,
} as const;
export type Reducer = keyof typeof REDUCERS;

/** google.monitoring.v3.ListTimeSeriesRequest.TimeSeriesView. */
export const VIEWS = { FULL: 0, HEADERS: 1 } as const;
export type View = keyof typeof VIEWS;

/** What the stand-in implements. */
export const SUPPORTED_ALIGNERS: readonly Aligner[] = ['ALIGN_DELTA'];
export const SUPPORTED_REDUCERS: readonly Reducer[] = ['REDUCE_NONE', 'REDUCE_SUM'];

/** The documented minimum of `aggregation.alignmentPeriod` (Aggregation.alignment_period: "at least 60 seconds"). */
export const MIN_ALIGNMENT_PERIOD_MS = 60_000;
/** The documented maximum for charts and time series reads: 104 weeks. */
export const MAX_ALIGNMENT_PERIOD_MS = 104 * 7 * 86_400_000;
/** The documented default and maximum page size (in points, with the FULL view). */
export const MAX_PAGE_SIZE = 100_000;

/** A label of the resource or of the metric that series are grouped by. */
export interface GroupByField {
  readonly field: string;
  readonly of: 'resource' | 'metric';
  readonly key: string;
}

export interface Aggregation {
  readonly alignmentPeriodMs: number;
  readonly aligner: Aligner;
  readonly reducer: Reducer;
  readonly groupByFields: readonly GroupByField[];
}

/** A list request, read and checked. Times in milliseconds since the epoch (sub-millisecond digits are dropped). */
export interface ListTimeSeriesRequest {
  readonly filter: TimeSeriesFilter;
  readonly startTime: number;
  readonly endTime: number;
  readonly aggregation: Aggregation;
  readonly view: View;
  readonly pageSize: number;
  readonly pageToken: string | null;
  /** `$alt=json;enum-encoding=int`: answer enums as numbers, as the client asked. */
  readonly intEnums: boolean;
}

const KNOWN_PARAMETERS = new Set([
  'filter',
  'interval.startTime',
  'interval.endTime',
  'aggregation.alignmentPeriod',
  'aggregation.perSeriesAligner',
  'aggregation.crossSeriesReducer',
  'aggregation.groupByFields',
  'orderBy',
  'view',
  'pageSize',
  'pageToken',
  '$alt',
  'alt',
  'prettyPrint',
]);

/** Reads and checks the query string; throws an INVALID_ARGUMENT {@link ApiError} naming the offending field. */
export function parseListRequest(params: URLSearchParams): ListTimeSeriesRequest {
  for (const name of new Set(params.keys())) {
    if (KNOWN_PARAMETERS.has(name)) continue;
    if (name.startsWith('secondaryAggregation.')) {
      throw invalidArgument(`the sandbox does not implement secondaryAggregation (got ${name})`);
    }
    throw invalidArgument(`Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter.`);
  }
  const filterText = params.get('filter');
  if (!filterText) throw invalidArgument('Field filter is required.');
  let filter: TimeSeriesFilter;
  try {
    filter = parseFilter(filterText);
  } catch (error) {
    if (error instanceof FilterError) {
      throw invalidArgument(`Field filter had an invalid value of "${filterText}": ${error.message}`);
    }
    throw error;
  }
  const endText = params.get('interval.endTime');
  if (!endText) throw invalidArgument('Field interval.endTime is required.');
  const endTime = parseTimestamp('interval.endTime', endText);
  const startText = params.get('interval.startTime');
  // The documented default: a missing start time is the end time (a single instant).
  const startTime = startText ? parseTimestamp('interval.startTime', startText) : endTime;
  if (startTime > endTime) {
    throw invalidArgument(`The interval's start time ${startText} is later than its end time ${endText}.`);
  }
  const orderBy = params.get('orderBy');
  if (orderBy) throw invalidArgument('Field orderBy is unsupported and must be left blank.');
  const pageSizeText = params.get('pageSize');
  const pageSize = pageSizeText ? Number(pageSizeText) : 0;
  if (!Number.isInteger(pageSize) || pageSize < 0)
    throw invalidArgument(`Invalid value for pageSize: "${pageSizeText}".`);
  const alt = params.get('$alt') ?? '';
  return {
    filter,
    startTime,
    endTime,
    aggregation: parseAggregation(params),
    view: parseEnum('view', params.get('view'), VIEWS, 'FULL'),
    pageSize: pageSize === 0 || pageSize > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : pageSize,
    pageToken: params.get('pageToken') || null,
    intEnums: alt.split(';').includes('enum-encoding=int'),
  };
}

function parseAggregation(params: URLSearchParams): Aggregation {
  const aligner = parseEnum(
    'aggregation.perSeriesAligner',
    params.get('aggregation.perSeriesAligner'),
    ALIGNERS,
    'ALIGN_NONE',
  );
  const reducer = parseEnum(
    'aggregation.crossSeriesReducer',
    params.get('aggregation.crossSeriesReducer'),
    REDUCERS,
    'REDUCE_NONE',
  );
  const periodText = params.get('aggregation.alignmentPeriod');
  const groupBy = params.getAll('aggregation.groupByFields');
  if (aligner === 'ALIGN_NONE') {
    if (reducer !== 'REDUCE_NONE') {
      throw invalidArgument('When a crossSeriesReducer is specified, the perSeriesAligner must not be ALIGN_NONE.');
    }
    throw invalidArgument(
      'the sandbox serves aligned data only: set aggregation.perSeriesAligner (ALIGN_DELTA) and aggregation.alignmentPeriod',
    );
  }
  if (!SUPPORTED_ALIGNERS.includes(aligner)) {
    throw invalidArgument(`the sandbox does not implement ${aligner}; it implements ${SUPPORTED_ALIGNERS.join(', ')}`);
  }
  if (!SUPPORTED_REDUCERS.includes(reducer)) {
    throw invalidArgument(`the sandbox does not implement ${reducer}; it implements ${SUPPORTED_REDUCERS.join(', ')}`);
  }
  if (!periodText) throw invalidArgument(`The alignment period is required when the aligner is ${aligner}.`);
  const alignmentPeriodMs = parseDuration('aggregation.alignmentPeriod', periodText);
  if (alignmentPeriodMs < MIN_ALIGNMENT_PERIOD_MS) {
    throw invalidArgument(`The alignment period must be at least 60 seconds; got ${periodText}.`);
  }
  if (alignmentPeriodMs > MAX_ALIGNMENT_PERIOD_MS) {
    throw invalidArgument(`The alignment period must be at most 104 weeks; got ${periodText}.`);
  }
  if (groupBy.length > 0 && reducer === 'REDUCE_NONE') {
    throw invalidArgument('aggregation.groupByFields needs a crossSeriesReducer other than REDUCE_NONE.');
  }
  return { alignmentPeriodMs, aligner, reducer, groupByFields: groupBy.map(parseGroupByField) };
}

function parseGroupByField(field: string): GroupByField {
  const match = /^(resource|metric)\.labels?\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(field);
  if (!match?.[1] || !match[2]) {
    throw invalidArgument(
      `the sandbox groups by resource.labels.KEY or metric.labels.KEY only; got aggregation.groupByFields "${field}"`,
    );
  }
  return { field, of: match[1] === 'resource' ? 'resource' : 'metric', key: match[2] };
}

/** Reads an enum sent as its number or its name. */
function parseEnum<T extends Record<string, number>>(
  field: string,
  text: string | null,
  values: T,
  fallback: keyof T & string,
): keyof T & string {
  if (text === null || text === '') return fallback;
  if (/^\d+$/.test(text)) {
    const name = Object.keys(values).find((k) => values[k] === Number(text));
    if (name) return name;
  } else if (Object.hasOwn(values, text)) {
    return text;
  }
  throw invalidArgument(`Invalid value at '${field}', "${text}".`);
}

/** A protobuf Duration in JSON: `60s`, `1.5s`. */
export function parseDuration(field: string, text: string): number {
  const match = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (!match?.[1])
    throw invalidArgument(`Invalid value at '${field}' (type.googleapis.com/google.protobuf.Duration), "${text}".`);
  const fraction = (match[2] ?? '').padEnd(9, '0');
  return Number(match[1]) * 1000 + Math.floor(Number(fraction) / 1e6);
}

/** A protobuf Timestamp in JSON: RFC 3339, `Z` or an offset, up to nine fractional digits. */
export function parseTimestamp(field: string, text: string): number {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  const invalid = invalidArgument(
    `Invalid value at '${field}' (type.googleapis.com/google.protobuf.Timestamp), "${text}".`,
  );
  if (!match?.[1] || !match[3]) throw invalid;
  const millis = (match[2] ?? '').padEnd(9, '0').slice(0, 3);
  const value = Date.parse(`${match[1]}.${millis}${match[3]}`);
  if (Number.isNaN(value)) throw invalid;
  return value;
}
