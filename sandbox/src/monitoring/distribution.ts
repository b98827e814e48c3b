/**
 * Latency distributions as Cloud Monitoring serves them (google.api.Distribution): count, mean, sum of squared
 * deviations, and a histogram over exponential buckets.
 *
 * Cloud Run does not document the bucket options of `run.googleapis.com/request_latencies` (neither the metrics list nor
 * the metric descriptor carries them; only the points do), so the stand-in chooses its own: exponential buckets from
 * 1 ms growing by 10% (bucket i ≥ 1 covers [1.1^(i-1), 1.1^i) ms), 150 of them, up to ~27 minutes; below 1 ms is the
 * underflow bucket, above the overflow bucket. A 10% bucket width bounds the error of a percentile read from the
 * histogram to 10%. Runway's adapter reads the bucket options from every point and assumes none.
 */

/** google.api.Distribution.BucketOptions.Exponential. */
export interface ExponentialBuckets {
  readonly numFiniteBuckets: number;
  readonly growthFactor: number;
  readonly scale: number;
}

/** The stand-in's bucket options for request latencies, in milliseconds. */
export const LATENCY_BUCKETS: ExponentialBuckets = { numFiniteBuckets: 150, growthFactor: 1.1, scale: 1 };

/** google.api.Distribution in proto3 JSON (int64 as strings). */
export interface DistributionJson {
  readonly count: string;
  readonly mean: number;
  readonly sumOfSquaredDeviation: number;
  readonly bucketOptions: { readonly exponentialBuckets: ExponentialBuckets };
  readonly bucketCounts: readonly string[];
}

/**
 * The bucket of `value`: 0 is the underflow bucket (below `scale`), 1…N the finite ones, N+1 the overflow bucket.
 * Computed with a logarithm, then corrected, so values on a boundary land in the bucket whose lower bound they are.
 */
export function bucketIndex(buckets: ExponentialBuckets, value: number): number {
  const { numFiniteBuckets: n, growthFactor: g, scale } = buckets;
  if (!(value >= scale)) return 0;
  let i = Math.floor(Math.log(value / scale) / Math.log(g)) + 1;
  while (i > 1 && value < scale * g ** (i - 1)) i--;
  while (i <= n && value >= scale * g ** i) i++;
  return Math.min(i, n + 1);
}

/** The distribution of `values` (at least one). Trailing empty buckets are left out, as Cloud Monitoring does. */
export function distributionOf(
  values: readonly number[],
  buckets: ExponentialBuckets = LATENCY_BUCKETS,
): DistributionJson {
  const counts = new Array<number>(buckets.numFiniteBuckets + 2).fill(0);
  let sum = 0;
  for (const v of values) {
    counts[bucketIndex(buckets, v)]! += 1;
    sum += v;
  }
  const mean = values.length > 0 ? sum / values.length : 0;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  let last = counts.length;
  while (last > 0 && counts[last - 1] === 0) last--;
  return {
    count: String(values.length),
    mean,
    sumOfSquaredDeviation: squares,
    bucketOptions: { exponentialBuckets: buckets },
    bucketCounts: counts.slice(0, last).map(String),
  };
}
