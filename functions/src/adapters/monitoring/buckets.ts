/**
 * Histograms of Cloud Monitoring distributions (google.api.Distribution): their buckets, adding them up, and reading a
 * percentile from them. Pure.
 *
 * A distribution with N finite buckets has N + 2: bucket 0 is the underflow (−∞, first bound), buckets 1…N the finite
 * ones, N + 1 the overflow [last bound, +∞). Cloud Monitoring may leave trailing empty buckets out of `bucketCounts`.
 */

/** google.api.Distribution.BucketOptions, read. */
export type BucketOptions =
  | {
      readonly kind: 'exponential';
      readonly numFiniteBuckets: number;
      readonly growthFactor: number;
      readonly scale: number;
    }
  | { readonly kind: 'linear'; readonly numFiniteBuckets: number; readonly width: number; readonly offset: number }
  | { readonly kind: 'explicit'; readonly bounds: readonly number[] };

/** A histogram: its bucket options and a count per bucket (missing trailing buckets are empty). */
export interface Histogram {
  readonly options: BucketOptions;
  readonly counts: readonly number[];
}

/** How many buckets the options define, underflow and overflow included. */
export function bucketCountOf(options: BucketOptions): number {
  switch (options.kind) {
    case 'exponential':
    case 'linear':
      return options.numFiniteBuckets + 2;
    case 'explicit':
      // Explicit bounds b0 < … < bn−1 make n + 1 buckets: (−∞, b0), [b0, b1), …, [bn−1, +∞).
      return options.bounds.length + 1;
  }
}

/** Bucket `i`'s bounds [lower, upper); the underflow's lower bound is −∞, the overflow's upper +∞. */
export function boundsOf(options: BucketOptions, i: number): { readonly lower: number; readonly upper: number } {
  const last = bucketCountOf(options) - 1;
  const bound = (k: number): number => {
    // The k-th boundary, k = 0 … last − 1: the upper bound of bucket k and the lower bound of bucket k + 1.
    switch (options.kind) {
      case 'exponential':
        return options.scale * options.growthFactor ** k;
      case 'linear':
        return options.offset + options.width * k;
      case 'explicit':
        return options.bounds[k] ?? Number.POSITIVE_INFINITY;
    }
  };
  return {
    lower: i <= 0 ? Number.NEGATIVE_INFINITY : bound(i - 1),
    upper: i >= last ? Number.POSITIVE_INFINITY : bound(i),
  };
}

/** A key that is equal for equal bucket options. */
export function optionsKey(options: BucketOptions): string {
  return JSON.stringify(options);
}

/** The bucket-wise sum of histograms that share bucket options. */
export function addHistograms(a: Histogram, b: Histogram): Histogram {
  if (optionsKey(a.options) !== optionsKey(b.options)) throw new Error('cannot add histograms with different buckets');
  const length = Math.max(a.counts.length, b.counts.length);
  const counts = Array.from({ length }, (_, i) => (a.counts[i] ?? 0) + (b.counts[i] ?? 0));
  return { options: a.options, counts };
}

/**
 * The `q`-quantile (0 < q ≤ 1; 0.99 for p99) estimated from a histogram, or null when it is empty.
 *
 * The bucket holding the value of rank ⌈q·n⌉ is found from the cumulative counts, and the value is interpolated linearly
 * inside it by its rank (as Prometheus' histogram_quantile does): the estimate therefore lies in the same bucket as the
 * true value, and its error is at most the bucket's width. The underflow bucket's lower bound is taken as `floor`
 * (0 for latencies, which are never negative); a quantile in the overflow bucket is its lower bound, the most that
 * can be said (an underestimate).
 */
export function percentileFromHistogram(histogram: Histogram, q: number, floor = 0): number | null {
  if (!(q > 0 && q <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${q}`);
  const { options, counts } = histogram;
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (total <= 0) return null;
  // q·n in floating point may miss a whole rank by a hair (0.7 · 90 = 62.99999999999999): snap it, or the estimate
  // could move to a neighbouring bucket.
  const exact = q * total;
  const rank = Math.abs(exact - Math.round(exact)) < 1e-9 ? Math.round(exact) : exact;
  let below = 0;
  const last = bucketCountOf(options) - 1;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] ?? 0;
    if (count <= 0) continue;
    if (below + count >= rank) {
      const { lower, upper } = boundsOf(options, Math.min(i, last));
      if (upper === Number.POSITIVE_INFINITY) return lower;
      const from = lower === Number.NEGATIVE_INFINITY ? Math.min(floor, upper) : lower;
      return from + ((upper - from) * (rank - below)) / count;
    }
    below += count;
  }
  // Unreachable: the counts add up to `total` ≥ rank.
  return null;
}
