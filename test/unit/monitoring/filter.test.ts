/**
 * The stand-in's reading of Cloud Monitoring filters (sandbox/src/monitoring/filter.ts), and the adapter's filters read
 * back by it (functions/src/adapters/monitoring/query.ts).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { filterFor, quote, REQUEST_COUNT } from '../../../functions/src/adapters/monitoring/query.js';
import type { RunAnalysis } from '../../../functions/src/domain/effects.js';
import {
  FilterError,
  matchesFilter,
  parseFilter,
  type SeriesIdentity,
} from '../../../sandbox/src/monitoring/filter.js';

const series = (revision: string, klass = '2xx', resourceType = 'cloud_run_revision'): SeriesIdentity => ({
  metric: { type: REQUEST_COUNT, labels: { response_code_class: klass, response_code: '200' } },
  resource: {
    type: resourceType,
    labels: { service_name: 'hello', revision_name: revision, location: 'europe-west1' },
  },
});

describe('parseFilter', () => {
  it('reads a conjunction of equalities and one_of', () => {
    const filter = parseFilter(
      'metric.type = "run.googleapis.com/request_count" AND resource.type="cloud_run_revision" AND ' +
        'resource.labels.service_name = "hello" AND resource.label.revision_name = one_of("a", "b") AND ' +
        'metric.labels.response_code_class = "5xx"',
    );
    expect(filter.metricType).toBe(REQUEST_COUNT);
    expect(filter.resourceTypes).toEqual(new Set(['cloud_run_revision']));
    expect(filter.resourceLabels).toEqual(
      new Map([
        ['service_name', new Set(['hello'])],
        ['revision_name', new Set(['a', 'b'])],
      ]),
    );
    expect(filter.metricLabels).toEqual(new Map([['response_code_class', new Set(['5xx'])]]));
  });

  it('reads escaped quotes and backslashes in strings', () => {
    const filter = parseFilter('metric.type = "m" AND resource.labels.x = "a \\"quoted\\" \\\\ value"');
    expect(filter.resourceLabels.get('x')).toEqual(new Set(['a "quoted" \\ value']));
  });

  it.each([
    ['OR', 'metric.type = "m" OR resource.type = "r"', /unexpected "OR" at position 19 where "AND" or the end/],
    ['NOT', 'NOT metric.type = "m"', /unsupported selector "NOT" at position 1/],
    ['!=', 'metric.type = "m" AND resource.labels.x != "v"', /unexpected "!=" at position 41 where "="/],
    ['a has-substring colon', 'metric.type = "m" AND resource.labels.x : "v"', /unexpected ":" .* where "="/],
    ['starts_with', 'metric.type = "m" AND resource.labels.x = starts_with("v")', /unexpected "starts_with"/],
    [
      'a regular expression',
      'metric.type = monitoring.regex.full_match("m.*")',
      /unexpected "monitoring\.regex\.full_match"/,
    ],
    ['parentheses', '(metric.type = "m")', /unexpected "\(" at position 1 where a selector/],
    [
      'an implicit AND',
      'metric.type = "m" resource.type = "r"',
      /unexpected "resource\.type" at position 19 where "AND"/,
    ],
    ['an unsupported selector', 'metric.type = "m" AND project = "p"', /unsupported selector "project" at position 23/],
    [
      'metadata labels',
      'metric.type = "m" AND metadata.user_labels.x = "v"',
      /unsupported selector "metadata\.user_labels\.x"/,
    ],
    ['an unterminated string', 'metric.type = "m', /unterminated string starting at position 15/],
    ['a trailing AND', 'metric.type = "m" AND', /ends where a selector such as metric\.type was expected/],
    ['an unquoted value', 'metric.type = m', /unexpected "m" at position 15 where a quoted string/],
    ['no metric type', 'resource.type = "r"', /exactly one metric type/],
    ['two metric types', 'metric.type = "a" AND metric.type = "b"', /exactly one metric type, not "a" and "b"/],
    ['one_of on the metric type', 'metric.type = one_of("a", "b")', /metric\.type must be compared with one string/],
    [
      'an empty one_of',
      'metric.type = "m" AND resource.labels.x = one_of()',
      /unexpected "\)" .* where a quoted string/,
    ],
    ['a stray character', 'metric.type = "m" && resource.type = "r"', /unexpected character "&" at position 19/],
  ])('refuses %s, saying what it supports', (_name, text, message) => {
    const error = (() => {
      try {
        parseFilter(text);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(FilterError);
    expect((error as FilterError).message).toMatch(message);
  });

  it('says what the sandbox supports when it refuses', () => {
    expect(() => parseFilter('metric.type = "m" OR x = "y"')).toThrow(/the sandbox supports only conjunctions \(AND\)/);
  });
});

describe('matchesFilter', () => {
  const filter = parseFilter(
    `metric.type = "${REQUEST_COUNT}" AND resource.type = "cloud_run_revision" AND resource.labels.revision_name = one_of("a", "b")`,
  );

  it('matches series whose labels take one of the allowed values', () => {
    expect(matchesFilter(filter, series('a'))).toBe(true);
    expect(matchesFilter(filter, series('b', '5xx'))).toBe(true);
  });

  it('does not match another revision, resource type or metric type', () => {
    expect(matchesFilter(filter, series('c'))).toBe(false);
    expect(matchesFilter(filter, series('a', '2xx', 'gce_instance'))).toBe(false);
    const other = series('a');
    expect(matchesFilter(filter, { ...other, metric: { ...other.metric, type: 'run.googleapis.com/other' } })).toBe(
      false,
    );
  });

  it('intersects two constraints on one label, and matches nothing when they contradict', () => {
    const both = parseFilter('metric.type = "m" AND resource.labels.x = one_of("1", "2") AND resource.labels.x = "2"');
    expect(both.resourceLabels.get('x')).toEqual(new Set(['2']));
    const contradiction = parseFilter('metric.type = "m" AND resource.type = "a" AND resource.type = "b"');
    expect(contradiction.resourceTypes).toEqual(new Set());
  });

  it('does not match a series lacking a constrained label', () => {
    const byMissing = parseFilter(`metric.type = "${REQUEST_COUNT}" AND metric.labels.route_type = "default"`);
    expect(matchesFilter(byMissing, series('a'))).toBe(false);
  });
});

describe('the adapter’s filters, read by the stand-in', () => {
  const effect = (candidate: string, stable: string | null): RunAnalysis => ({
    id: 'e',
    targetId: 't',
    rolloutId: 'r',
    type: 'analysis.run',
    service: { project: 'p', region: 'europe-west1', service: 'hello' },
    candidateRevision: candidate,
    stableRevision: stable,
    windowStart: 0,
    windowEnd: 60_000,
  });

  it('select both revisions with one_of, or the candidate alone', () => {
    const both = parseFilter(filterFor(REQUEST_COUNT, effect('hello-00002', 'hello-00001')));
    expect(both.metricType).toBe(REQUEST_COUNT);
    expect(both.resourceTypes).toEqual(new Set(['cloud_run_revision']));
    expect(both.resourceLabels.get('revision_name')).toEqual(new Set(['hello-00002', 'hello-00001']));
    expect(both.resourceLabels.get('service_name')).toEqual(new Set(['hello']));
    expect(both.resourceLabels.get('location')).toEqual(new Set(['europe-west1']));
    const alone = parseFilter(filterFor(REQUEST_COUNT, effect('hello-00002', null)));
    expect(alone.resourceLabels.get('revision_name')).toEqual(new Set(['hello-00002']));
  });

  test.prop([fc.string()])('quote any value so it reads back unchanged', (value) => {
    const filter = parseFilter(`metric.type = "m" AND resource.labels.x = ${quote(value)}`);
    expect(filter.resourceLabels.get('x')).toEqual(new Set([value]));
  });
});
