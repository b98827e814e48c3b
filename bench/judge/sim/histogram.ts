/**
 * Latency histograms as Cloud Monitoring reports `request_latencies`: exponential buckets (here 1 ms growing by 25%,
 * 48 finite buckets up to ~36 s, an underflow and an overflow bucket). Reading them back (percentiles, requests slower
 * than a threshold) uses Runway's own production code (functions/src/adapters/monitoring), so the benchmark measures
 * the numbers the controller would see.
 */
import { percentileFromHistogram, type BucketOptions } from '../../../functions/src/adapters/monitoring/buckets.js';
import { slowerThan, type LatencySummary } from '../../../functions/src/adapters/monitoring/read.js';
import { normalCdf } from './sample.js';

export const BUCKETS: BucketOptions = { kind: 'exponential', numFiniteBuckets: 48, growthFactor: 1.25, scale: 1 };
/** Underflow, 48 finite, overflow. */
export const BUCKET_COUNT = 50;

/** Upper bounds of buckets 0 … 48 (bucket i covers [bound(i − 1), bound(i)); the overflow has none). */
const UPPER: readonly number[] = Array.from({ length: BUCKET_COUNT - 1 }, (_, i) => 1.25 ** i);
const LOG_UPPER: readonly number[] = UPPER.map(Math.log);

/** One lognormal component of a latency distribution: median `median` ms, log-sd `sigma`, mixture weight `weight`. */
export interface Component {
  readonly median: number;
  readonly sigma: number;
  readonly weight: number;
}

/** The probability of each bucket under a mixture of lognormals (weights need not sum to 1: they are normalised). */
export function bucketProbabilities(components: readonly Component[]): Float64Array {
  const probs = new Float64Array(BUCKET_COUNT);
  const total = components.reduce((sum, c) => sum + c.weight, 0);
  for (const c of components) {
    if (c.weight <= 0) continue;
    const mu = Math.log(c.median);
    let below = 0;
    for (let i = 0; i < BUCKET_COUNT - 1; i++) {
      const cdf = normalCdf((LOG_UPPER[i]! - mu) / c.sigma);
      probs[i]! += ((cdf - below) * c.weight) / total;
      below = cdf;
    }
    probs[BUCKET_COUNT - 1]! += ((1 - below) * c.weight) / total;
  }
  return probs;
}

/** Mixes two bucket distributions: `(1 − share)·a + share·b`. */
export function mix(a: Float64Array, b: Float64Array, share: number): Float64Array {
  if (share <= 0) return a;
  const out = new Float64Array(BUCKET_COUNT);
  for (let i = 0; i < BUCKET_COUNT; i++) out[i] = (1 - share) * a[i]! + share * b[i]!;
  return out;
}

/** A histogram of counts per bucket. */
export type Counts = Int32Array;

export function emptyCounts(): Counts {
  return new Int32Array(BUCKET_COUNT);
}

export function addInto(target: Counts, source: Counts): void {
  for (let i = 0; i < BUCKET_COUNT; i++) target[i]! += source[i]!;
}

/** The summary Runway's monitoring adapter builds from Cloud Monitoring's points, for these counts. */
export function summaryOf(counts: Counts): LatencySummary {
  return {
    histograms: new Map([['sim', { options: BUCKETS, counts: Array.from(counts) }]]),
    unbucketed: { count: 0, sum: 0 },
  };
}

/** The q-quantile in ms, as Runway's adapter reads it; null for an empty histogram. */
export function quantileOf(counts: Counts, q: number): number | null {
  return percentileFromHistogram({ options: BUCKETS, counts: Array.from(counts) }, q);
}

/** Requests and requests slower than each threshold, as Runway's adapter counts them. */
export function slowCountsOf(counts: Counts, thresholdsMs: readonly number[]): { requests: number; slower: number[] } {
  return slowerThan(summaryOf(counts), thresholdsMs);
}
