/**
 * Percentiles from Cloud Monitoring histograms (functions/src/adapters/monitoring/buckets.ts), and the stand-in's
 * bucketing they read (sandbox/src/monitoring/distribution.ts).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  addHistograms,
  boundsOf,
  bucketCountOf,
  percentileFromHistogram,
  type BucketOptions,
  type Histogram,
} from '../../../functions/src/adapters/monitoring/buckets.js';
import { bucketOptionsOf, int64 } from '../../../functions/src/adapters/monitoring/read.js';
import { bucketIndex, distributionOf, LATENCY_BUCKETS } from '../../../sandbox/src/monitoring/distribution.js';

const LINEAR: BucketOptions = { kind: 'linear', numFiniteBuckets: 10, width: 10, offset: 0 };
const EXPONENTIAL: BucketOptions = { kind: 'exponential', numFiniteBuckets: 4, growthFactor: 2, scale: 1 };
const EXPLICIT: BucketOptions = { kind: 'explicit', bounds: [0, 10, 100] };

describe('bucket bounds', () => {
  it('follow the definitions of google.api.Distribution.BucketOptions', () => {
    expect(bucketCountOf(EXPONENTIAL)).toBe(6);
    expect([0, 1, 2, 3, 4, 5].map((i) => boundsOf(EXPONENTIAL, i))).toEqual([
      { lower: -Infinity, upper: 1 },
      { lower: 1, upper: 2 },
      { lower: 2, upper: 4 },
      { lower: 4, upper: 8 },
      { lower: 8, upper: 16 },
      { lower: 16, upper: Infinity },
    ]);
    expect(boundsOf(LINEAR, 3)).toEqual({ lower: 20, upper: 30 });
    expect(bucketCountOf(EXPLICIT)).toBe(4);
    expect([0, 1, 2, 3].map((i) => boundsOf(EXPLICIT, i))).toEqual([
      { lower: -Infinity, upper: 0 },
      { lower: 0, upper: 10 },
      { lower: 10, upper: 100 },
      { lower: 100, upper: Infinity },
    ]);
  });
});

describe('percentileFromHistogram', () => {
  it('is null for an empty histogram', () => {
    expect(percentileFromHistogram({ options: LINEAR, counts: [] }, 0.99)).toBeNull();
    expect(percentileFromHistogram({ options: LINEAR, counts: [0, 0, 0] }, 0.99)).toBeNull();
  });

  it('interpolates linearly by rank inside the bucket that holds it', () => {
    // 100 values: 90 in [0, 10), 10 in [90, 100). Rank 99 is the 9th of 10 in the last: 90 + 10 · 9/10.
    const counts = [0, 90, 0, 0, 0, 0, 0, 0, 0, 0, 10];
    expect(percentileFromHistogram({ options: LINEAR, counts }, 0.99)).toBeCloseTo(99);
    // Rank 50 is the 50th of 90 in [0, 10).
    expect(percentileFromHistogram({ options: LINEAR, counts }, 0.5)).toBeCloseTo((10 * 50) / 90);
    expect(percentileFromHistogram({ options: LINEAR, counts }, 1)).toBeCloseTo(100);
  });

  it('reads missing trailing buckets as empty', () => {
    expect(percentileFromHistogram({ options: EXPONENTIAL, counts: [0, 0, 4] }, 0.99)).toBeCloseTo(2 + 2 * 0.99);
  });

  it('takes the underflow bucket from 0 and answers the overflow bucket with its lower bound', () => {
    expect(percentileFromHistogram({ options: EXPONENTIAL, counts: [10] }, 0.5)).toBeCloseTo(0.5);
    expect(percentileFromHistogram({ options: EXPONENTIAL, counts: [0, 0, 0, 0, 0, 5] }, 0.99)).toBe(16);
  });

  it('refuses a quantile outside (0, 1]', () => {
    expect(() => percentileFromHistogram({ options: LINEAR, counts: [1] }, 0)).toThrow(RangeError);
    expect(() => percentileFromHistogram({ options: LINEAR, counts: [1] }, 99)).toThrow(RangeError);
  });
});

describe('addHistograms', () => {
  it('adds bucket-wise, whatever the lengths', () => {
    const a: Histogram = { options: LINEAR, counts: [1, 2] };
    const b: Histogram = { options: LINEAR, counts: [0, 1, 5] };
    expect(addHistograms(a, b).counts).toEqual([1, 3, 5]);
  });

  it('refuses histograms over different buckets', () => {
    expect(() => addHistograms({ options: LINEAR, counts: [1] }, { options: EXPONENTIAL, counts: [1] })).toThrow();
  });
});

describe('the stand-in’s latency buckets', () => {
  it('put a value on a boundary in the bucket it opens', () => {
    expect(bucketIndex(LATENCY_BUCKETS, 0.5)).toBe(0);
    expect(bucketIndex(LATENCY_BUCKETS, 1)).toBe(1);
    expect(bucketIndex(LATENCY_BUCKETS, 1.1)).toBe(2);
    expect(bucketIndex(LATENCY_BUCKETS, 1.1 ** 10)).toBe(11);
    expect(bucketIndex(LATENCY_BUCKETS, 1e12)).toBe(LATENCY_BUCKETS.numFiniteBuckets + 1);
  });

  test.prop([fc.double({ min: 0, max: 1e7, noNaN: true })])('put every value inside its bucket’s bounds', (value) => {
    const options: BucketOptions = { kind: 'exponential', ...LATENCY_BUCKETS };
    const { lower, upper } = boundsOf(options, bucketIndex(LATENCY_BUCKETS, value));
    expect(value >= lower || lower === -Infinity).toBe(true);
    expect(value < upper).toBe(true);
  });
});

/** The true q-quantile by nearest rank: the ⌈q·n⌉-th smallest value. */
function nearestRank(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe('a p99 read from the stand-in’s distribution', () => {
  test.prop([fc.array(fc.double({ min: 0.1, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 400 })])(
    'lies in the bucket of the true p99, so within 10% of it',
    (latencies) => {
      const d = distributionOf(latencies);
      const options = bucketOptionsOf({ bucketOptions: d.bucketOptions });
      expect(options).not.toBeNull();
      const estimate = percentileFromHistogram({ options: options!, counts: d.bucketCounts.map(int64) }, 0.99);
      const truth = nearestRank(latencies, 0.99);
      const { lower, upper } = boundsOf(options!, bucketIndex(LATENCY_BUCKETS, truth));
      expect(estimate).not.toBeNull();
      expect(estimate!).toBeGreaterThanOrEqual(Math.max(0, lower) - 1e-9);
      expect(estimate!).toBeLessThanOrEqual(upper + 1e-9);
      if (truth >= 1) expect(Math.abs(estimate! - truth)).toBeLessThanOrEqual(0.1 * truth + 1e-9);
    },
  );
});

describe('a quantile on a whole rank', () => {
  it('stays in the bucket of that rank despite floating point (0.7 · 90 = 62.99999999999999)', () => {
    // 63 values in [0, 10), 27 in [10, 20): rank 63 is the last of the first bucket, its upper bound.
    expect(percentileFromHistogram({ options: LINEAR, counts: [0, 63, 27] }, 0.7)).toBe(10);
  });
});
