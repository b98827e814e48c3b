/**
 * The production {@link MetricsPort}: measures the candidate and the stable revision over an analysis window with Cloud
 * Monitoring's `run.googleapis.com/request_count` and `run.googleapis.com/request_latencies`.
 *
 * Two `timeSeries.list` calls per analysis, made together: one per metric, both revisions in each (query.ts); more only
 * if Cloud Monitoring pages an answer (it pages at 100,000 points; an analysis reads one point a minute per series).
 * The answer has the window's totals and the same numbers minute by minute (read.ts, minutesOf). An empty window
 * (`windowEnd <= windowStart`, which the domain produces when a step is shorter than the reporting delay) makes none and
 * measures nothing. The window already allows for Cloud Monitoring's reporting delay: the domain ends it at
 * `now − metricsDelay`.
 *
 * Failures: transient ones are retried briefly, then thrown for the effect runner to retry later; permanent ones
 * (a refused query, a missing permission) are thrown at once with Google's message (errors.ts).
 */
import type { MetricServiceClient } from '@google-cloud/monitoring';
import type { RunAnalysis } from '../../domain/effects.js';
import type { AnalysisMetrics, RevisionMetrics } from '../../domain/judge.js';
import type { MetricsPort } from '../../engine/ports.js';
import { createMetricClient, parseEndpoint } from './client.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './errors.js';
import { countRequest, latencyRequest, latencyStartOf, type ListRequest } from './query.js';
import { countsByRevision, latenciesByRevision, minutesOf, revisionMetrics } from './read.js';

export interface MonitoringAdapterOptions {
  /** `http://HOST:PORT` of the sandbox's stand-in; absent: Google's API with Application Default Credentials. */
  readonly endpoint?: string;
}

/** The metrics port, and a way to release its connections. */
export interface MonitoringAdapter extends MetricsPort {
  close(): Promise<void>;
}

/** Per-call limit: also caps google-gax's own retries of the call (its default total is 10 minutes). */
const CALL_TIMEOUT_MS = 30_000;

const NOTHING: RevisionMetrics = { requests: 0, errors: 0, p99LatencyMs: null };

/** Creates the adapter; the client is made on the first measurement. Throws if `endpoint` is not `http://HOST:PORT`. */
export function createMonitoringAdapter(
  options: MonitoringAdapterOptions = {},
  retry: RetryPolicy = DEFAULT_RETRY,
): MonitoringAdapter {
  const endpoint = parseEndpoint(options.endpoint);
  let client: Promise<MetricServiceClient> | null = null;
  const clientOf = (): Promise<MetricServiceClient> => {
    client ??= createMetricClient(endpoint).catch((error: unknown) => {
      client = null;
      throw error;
    });
    return client;
  };

  async function list(request: ListRequest, what: string) {
    const c = await clientOf();
    return withRetry(
      what,
      async () => (await c.listTimeSeries(request, { timeout: CALL_TIMEOUT_MS, autoPaginate: true }))[0],
      retry,
    );
  }

  return {
    async measure(effect: RunAnalysis): Promise<AnalysisMetrics> {
      const { windowStart, windowEnd } = effect;
      const stableRevision = effect.stableRevision;
      if (windowEnd <= windowStart) {
        return { windowStart, windowEnd, candidate: NOTHING, stable: stableRevision === null ? null : NOTHING };
      }
      const where = `for service ${effect.service.service} in ${effect.service.project}/${effect.service.region}`;
      // The latency window starts after the step's warm-up; while that lasts there are no latencies to read.
      const latencyStart = latencyStartOf(effect);
      const [countSeries, latencySeries] = await Promise.all([
        list(countRequest(effect), `the request_count query ${where}`),
        windowEnd > latencyStart ? list(latencyRequest(effect), `the request_latencies query ${where}`) : [],
      ]);
      const counts = countsByRevision(countSeries);
      const latencies = latenciesByRevision(latencySeries);
      const thresholds = effect.latencyThresholdsMs;
      const of = (revision: string): RevisionMetrics =>
        revisionMetrics(counts.get(revision), latencies.get(revision), thresholds);
      return {
        windowStart,
        windowEnd,
        candidate: of(effect.candidateRevision),
        stable: stableRevision === null ? null : of(stableRevision),
        ...(effect.latencyWindowStart === undefined ? {} : { latencyWindowStart: latencyStart }),
        ...(thresholds === undefined ? {} : { latencyThresholdsMs: thresholds }),
        minutes: minutesOf(countSeries, latencySeries, effect.candidateRevision, stableRevision, thresholds),
      };
    },
    async close() {
      const c = client;
      client = null;
      if (c) await (await c.catch(() => null))?.close();
    },
  };
}
