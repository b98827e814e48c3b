/**
 * The latencies at which Runway counts slow requests, for the latency tests. Fixed in advance, never taken from the data
 * under test: a threshold chosen from the window it judges (say, the stable revision's p99 in that window) would make
 * the counts depend on it and the test's error rate would no longer be what it claims.
 *
 * - {@link RELATIVE_THRESHOLDS_MS}: powers of two from 16 ms to 16 s. Wherever a service's latencies lie, some of them
 *   fall near its median and some in its tail; the relative test asks, at each, whether the candidate's share of the
 *   slower requests is out of proportion to its share of traffic.
 * - the target's `maxP99LatencyMs`: more than 1% of requests slower than it is a p99 over the limit.
 *
 * Cloud Monitoring reports latencies as histograms: a request counts as slower than T when its bucket lies wholly at or
 * above T (the adapter's rule), so the threshold in effect is the first bucket boundary at or above T, the same for both
 * revisions.
 */
import type { AnalysisSpec } from '../config/schema.js';

/** 16 ms, 32 ms, … 16384 ms. */
export const RELATIVE_THRESHOLDS_MS: readonly number[] = Array.from({ length: 11 }, (_, i) => 16 * 2 ** i);

/** The thresholds an analysis of a target counts slow requests at: the relative ones, then `maxP99LatencyMs`. */
export function latencyThresholdsOf(limits: Pick<AnalysisSpec, 'maxP99LatencyMs'>): number[] {
  return [...RELATIVE_THRESHOLDS_MS, limits.maxP99LatencyMs];
}
