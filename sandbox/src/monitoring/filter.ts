/**
 * The subset of Cloud Monitoring's filter language (https://cloud.google.com/monitoring/api/v3/filters) that the
 * stand-in understands: a conjunction of equalities, each on the metric type, the resource type, or a resource or metric
 * label, where a label may also be compared with `one_of("a", "b", …)`:
 *
 *     metric.type = "run.googleapis.com/request_count" AND resource.type = "cloud_run_revision"
 *       AND resource.labels.service_name = "hello" AND resource.labels.revision_name = one_of("hello-1", "hello-2")
 *
 * `resource.label.KEY` and `metric.label.KEY` are accepted as the real API accepts them. Everything else — OR, NOT,
 * `!=`, `:`, `starts_with`, regular expressions, parentheses, implicit AND — is refused with a message that says what is
 * supported, rather than being misread: a stand-in that silently matched too much would hide an adapter's bug.
 */

/** A parsed filter. A label missing from a map is unconstrained; a present one must take one of its values. */
export interface TimeSeriesFilter {
  readonly metricType: string;
  /** The resource types allowed, or null when the filter does not constrain it (empty: two types contradict). */
  readonly resourceTypes: ReadonlySet<string> | null;
  readonly resourceLabels: ReadonlyMap<string, ReadonlySet<string>>;
  readonly metricLabels: ReadonlyMap<string, ReadonlySet<string>>;
}

/** What a filter is matched against: a time series' identity. */
export interface SeriesIdentity {
  readonly metric: { readonly type: string; readonly labels: Readonly<Record<string, string>> };
  readonly resource: { readonly type: string; readonly labels: Readonly<Record<string, string>> };
}

/** A filter the stand-in cannot read; the message says why and what it supports. */
export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

export const SUPPORTED_FILTERS =
  'the sandbox supports only conjunctions (AND) of metric.type = "…", resource.type = "…", ' +
  'resource.labels.KEY = "…" and metric.labels.KEY = "…", where a label may also be compared with one_of("…", …)';

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'string'; readonly text: string; readonly at: number }
  | { readonly kind: 'punct'; readonly text: string; readonly at: number };

/** Parses `text`; throws {@link FilterError}. */
export function parseFilter(text: string): TimeSeriesFilter {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const next = (what: string): Token => {
    const token = tokens[i++];
    if (!token) throw new FilterError(`the filter ends where ${what} was expected; ${SUPPORTED_FILTERS}`);
    return token;
  };
  const unexpected = (token: Token, what: string): FilterError =>
    new FilterError(
      `unexpected ${describe(token)} at position ${token.at + 1} where ${what} was expected; ${SUPPORTED_FILTERS}`,
    );

  const metricTypes: string[] = [];
  const resourceTypes = new Set<string>();
  let resourceTypeSeen = false;
  const resourceLabels = new Map<string, Set<string>>();
  const metricLabels = new Map<string, Set<string>>();

  for (;;) {
    const selector = next('a selector such as metric.type');
    if (selector.kind !== 'word') throw unexpected(selector, 'a selector such as metric.type');
    const target = selectorTarget(selector);
    const operator = next('"="');
    if (operator.kind !== 'punct' || operator.text !== '=') throw unexpected(operator, '"="');
    const values = readValues();
    switch (target.kind) {
      case 'metricType':
        if (values.oneOf) throw new FilterError(`metric.type must be compared with one string; ${SUPPORTED_FILTERS}`);
        metricTypes.push(...values.values);
        break;
      case 'resourceType':
        constrain(resourceTypes, values.values, resourceTypeSeen);
        resourceTypeSeen = true;
        break;
      case 'resourceLabel':
        constrainLabel(resourceLabels, target.key, values.values);
        break;
      case 'metricLabel':
        constrainLabel(metricLabels, target.key, values.values);
        break;
    }
    const after = peek();
    if (!after) break;
    if (after.kind === 'word' && after.text === 'AND') {
      i++;
      continue;
    }
    throw unexpected(after, '"AND" or the end of the filter');
  }

  const distinctTypes = [...new Set(metricTypes)];
  if (distinctTypes.length !== 1 || distinctTypes[0] === undefined) {
    throw new FilterError(
      distinctTypes.length === 0
        ? 'the filter must name exactly one metric type (metric.type = "…")'
        : `the filter must name exactly one metric type, not ${distinctTypes.map((t) => JSON.stringify(t)).join(' and ')}`,
    );
  }
  return {
    metricType: distinctTypes[0],
    resourceTypes: resourceTypeSeen ? resourceTypes : null,
    resourceLabels,
    metricLabels,
  };

  function readValues(): { values: string[]; oneOf: boolean } {
    const token = next('a quoted string or one_of(…)');
    if (token.kind === 'string') return { values: [token.text], oneOf: false };
    if (token.kind !== 'word' || token.text !== 'one_of') throw unexpected(token, 'a quoted string or one_of(…)');
    const open = next('"("');
    if (open.kind !== 'punct' || open.text !== '(') throw unexpected(open, '"("');
    const values: string[] = [];
    for (;;) {
      const value = next('a quoted string');
      if (value.kind !== 'string') throw unexpected(value, 'a quoted string');
      values.push(value.text);
      const sep = next('"," or ")"');
      if (sep.kind === 'punct' && sep.text === ')') return { values, oneOf: true };
      if (sep.kind !== 'punct' || sep.text !== ',') throw unexpected(sep, '"," or ")"');
    }
  }

  function selectorTarget(
    token: Token,
  ):
    | { kind: 'metricType' }
    | { kind: 'resourceType' }
    | { kind: 'resourceLabel'; key: string }
    | { kind: 'metricLabel'; key: string } {
    const name = token.text;
    if (name === 'metric.type') return { kind: 'metricType' };
    if (name === 'resource.type') return { kind: 'resourceType' };
    const label = /^(resource|metric)\.labels?\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(name);
    if (label?.[1] && label[2])
      return { kind: label[1] === 'resource' ? 'resourceLabel' : 'metricLabel', key: label[2] };
    throw new FilterError(`unsupported selector "${name}" at position ${token.at + 1}; ${SUPPORTED_FILTERS}`);
  }
}

/** True if the series satisfies every constraint of the filter. */
export function matchesFilter(filter: TimeSeriesFilter, series: SeriesIdentity): boolean {
  if (series.metric.type !== filter.metricType) return false;
  if (filter.resourceTypes !== null && !filter.resourceTypes.has(series.resource.type)) return false;
  return (
    labelsMatch(filter.resourceLabels, series.resource.labels) && labelsMatch(filter.metricLabels, series.metric.labels)
  );
}

function labelsMatch(
  wanted: ReadonlyMap<string, ReadonlySet<string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const [key, values] of wanted) {
    const value = labels[key];
    if (value === undefined || !values.has(value)) return false;
  }
  return true;
}

/** AND of two equalities on one field: the values both allow. */
function constrain(into: Set<string>, values: readonly string[], seen: boolean): void {
  if (!seen) {
    for (const v of values) into.add(v);
    return;
  }
  for (const v of [...into]) if (!values.includes(v)) into.delete(v);
}

function constrainLabel(labels: Map<string, Set<string>>, key: string, values: readonly string[]): void {
  const existing = labels.get(key);
  if (existing) constrain(existing, values, true);
  else labels.set(key, new Set(values));
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const at = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError(`unterminated string starting at position ${at + 1}`);
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\') {
          const escaped = text[i + 1];
          if (escaped === undefined) throw new FilterError(`unterminated string starting at position ${at + 1}`);
          value += escaped;
          i += 2;
        } else {
          value += d;
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'string', text: value, at });
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'word', text: match[0], at: i });
      i += match[0].length;
    } else if (c === '!' && text[i + 1] === '=') {
      tokens.push({ kind: 'punct', text: '!=', at: i });
      i += 2;
    } else if ('=(),:<>-'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, at: i });
      i++;
    } else {
      throw new FilterError(`unexpected character ${JSON.stringify(c)} at position ${i + 1}; ${SUPPORTED_FILTERS}`);
    }
  }
  return tokens;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'string':
      return `string ${JSON.stringify(token.text)}`;
    case 'word':
      return `"${token.text}"`;
    case 'punct':
      return `"${token.text}"`;
  }
}
