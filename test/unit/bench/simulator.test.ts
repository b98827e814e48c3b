/**
 * The simulator (bench/judge/sim): seeded and reproducible, common random numbers across policies, Poisson traffic at
 * the rate asked for, a metrics store that shows a sample only once it is reported, faults where the scenario puts them.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type Env, type Policy } from '../../../bench/judge/sim/engine.js';
import { quantileOf } from '../../../bench/judge/sim/histogram.js';
import { hash32, nameKey, Stream, uniform } from '../../../bench/judge/sim/random.js';
import { binomial, normalCdf, normalQuantile, poisson } from '../../../bench/judge/sim/sample.js';
import { MetricsStore } from '../../../bench/judge/sim/store.js';
import { BASE, CANDIDATE, MINUTE, STABLE, World } from '../../../bench/judge/sim/world.js';
import { scenarioByName, SCENARIOS } from '../../../bench/judge/scenarios.js';
import { mannWhitney } from '../../../bench/judge/policies/mannWhitney.js';
import { POLICIES } from '../../../bench/judge/policies/index.js';

/** A policy that sets a weight at the start and records what it sees every minute. */
class Fixed implements Policy {
  readonly name = 'fixed';
  readonly seen: number[] = [];
  private wakeAt = MINUTE;
  constructor(private readonly percent: number) {}
  start(env: Env): void {
    env.setWeight(this.percent);
  }
  nextWakeAt(): number {
    return this.wakeAt;
  }
  wake(env: Env): void {
    this.seen.push(env.store.window(CANDIDATE, 0, env.now, env.now).requests);
    this.wakeAt += MINUTE;
    if (env.now >= 30 * MINUTE) env.conclude('promoted');
  }
}

const identical = scenarioByName('identical')!;

describe('randomness: a function of the seed and the key alone', () => {
  it('the same keys give the same uniform; any other key another', () => {
    expect(uniform([1, 2, 3])).toBe(uniform([1, 2, 3]));
    expect(uniform([1, 2, 3])).not.toBe(uniform([1, 2, 4]));
    expect(new Stream(7, 8).at(1, 2)).toBe(uniform([7, 8, 1, 2]));
    expect(hash32([1])).not.toBe(hash32([1, 0]));
    expect(nameKey('identical')).toBe(nameKey('identical'));
  });

  it('uniforms are uniform: mean ½, every tenth about a tenth', () => {
    const stream = new Stream(42);
    const draws = Array.from({ length: 20_000 }, (_, i) => stream.at(i));
    expect(draws.every((u) => u > 0 && u < 1)).toBe(true);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(0.5, 2);
    for (let d = 0; d < 10; d++) {
      const share = draws.filter((u) => u >= d / 10 && u < (d + 1) / 10).length / draws.length;
      expect(share).toBeGreaterThan(0.09);
      expect(share).toBeLessThan(0.11);
    }
  });
});

describe('samplers', () => {
  it('Φ⁻¹ inverts Φ', () => {
    for (const u of [1e-6, 0.01, 0.2, 0.5, 0.9, 0.999]) expect(normalCdf(normalQuantile(u))).toBeCloseTo(u, 5);
  });

  it.each([0.3, 4, 39, 41, 500])('Poisson(%d) has its mean and variance', (lambda) => {
    const stream = new Stream(lambda);
    const draws = Array.from({ length: 20_000 }, (_, i) => poisson(lambda, stream.at(i)));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(mean / lambda).toBeCloseTo(1, 1);
    expect(variance / lambda).toBeGreaterThan(0.9);
    expect(variance / lambda).toBeLessThan(1.1);
  });

  it.each([
    [10, 0.3],
    [2_000, 0.001],
    [500, 0.5],
    [100_000, 0.02],
    [50, 0.97],
  ])('Binomial(%d, %d) has its mean', (n, p) => {
    const stream = new Stream(n);
    const draws = Array.from({ length: 10_000 }, (_, i) => binomial(n, p, stream.at(i)));
    expect(draws.every((k) => k >= 0 && k <= n)).toBe(true);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length / (n * p)).toBeCloseTo(1, 1);
  });

  it('the same uniform couples draws: more traffic, never fewer requests', () => {
    const stream = new Stream(1);
    for (let i = 0; i < 500; i++) {
      const u = stream.at(i);
      expect(poisson(30, u)).toBeLessThanOrEqual(poisson(60, u));
      expect(binomial(100, 0.1, u)).toBeLessThanOrEqual(binomial(200, 0.1, u));
    }
  });
});

describe('the metrics store', () => {
  const sample = (minute: number, requests: number, visibleAt: number) => ({
    minute,
    requests,
    errors: 0,
    latency: new Int32Array(50),
    visibleAt,
  });

  it('shows a sample only once it is reported; a window holds the samples that end inside it', () => {
    const store = new MetricsStore();
    store.add(CANDIDATE, sample(0, 10, 90_000));
    store.add(CANDIDATE, sample(1, 20, 300_000));
    store.add(CANDIDATE, sample(2, 30, Number.POSITIVE_INFINITY)); // lost (a gap)
    expect(store.window(CANDIDATE, 0, 3 * MINUTE, 100_000).requests).toBe(10);
    expect(store.window(CANDIDATE, 0, 3 * MINUTE, 400_000).requests).toBe(30);
    expect(store.window(CANDIDATE, 30_000, 3 * MINUTE, 400_000).requests).toBe(30); // minute 0 ends inside
    expect(store.window(CANDIDATE, MINUTE, 3 * MINUTE, 400_000).requests).toBe(20); // it ends at the start: out
    expect(store.series(CANDIDATE, 0, 3 * MINUTE, 100_000).map((s) => s?.requests ?? null)).toEqual([10, null, null]);
    expect(store.latest(CANDIDATE, 400_000, 5 * MINUTE)?.minute).toBe(1);
    expect(store.latest(CANDIDATE, 400_000, 4 * MINUTE)).toBeNull(); // minute 1 ended 280 s ago: too old
    expect(store.latest(CANDIDATE, 100_000, 4 * MINUTE)?.minute).toBe(0);
    expect(store.latest(CANDIDATE, 100_000 + 4 * MINUTE, 2 * MINUTE)).toBeNull(); // nothing recent enough
  });
});

describe('a world', () => {
  it('is reproducible from its seed: the same scenario, level and seed run the same rollout', () => {
    const run = (seed: number) => {
      const policy = new Fixed(10);
      const result = simulate(new World(scenarioByName('hard-failure')!, 20, seed), policy);
      return { result, seen: policy.seen };
    };
    expect(run(5)).toEqual(run(5));
    expect(run(6).seen).not.toEqual(run(5).seen);
  });

  it('faces every policy with the same world: the same seed, the same stable traffic under the same weights', () => {
    const seen = (percent: number) => {
      const world = new World(identical, 20, 3);
      const policy = new Fixed(percent);
      simulate(world, policy);
      return policy.seen;
    };
    expect(seen(10)).toEqual(seen(10));
    // Twice the weight: coupled draws, never fewer candidate requests.
    const [low, high] = [seen(10), seen(20)];
    low.forEach((n, i) => expect(high[i]).toBeGreaterThanOrEqual(n));
  });

  it('serves Poisson traffic at the rate asked for (with the daily cycle of ±30%)', () => {
    const world = new World(identical, 200, 1);
    const policy = new Fixed(50);
    simulate(world, policy);
    const perMinute = policy.seen.at(-1)! / policy.seen.length; // cumulative candidate requests, one sample per minute
    expect(perMinute).toBeGreaterThan(0.5 * 200 * 60 * 0.6);
    expect(perMinute).toBeLessThan(0.5 * 200 * 60 * 1.4);
  });

  it('reports each sample 30 to 180 s after its minute ends; a metrics gap never', () => {
    const world = new World(identical, 20, 9);
    for (let m = 0; m < 100; m++) {
      const delay = world.visibleAt(STABLE, m) - (m + 1) * MINUTE;
      expect(delay).toBeGreaterThanOrEqual(BASE.reportingDelayMs.min);
      expect(delay).toBeLessThanOrEqual(BASE.reportingDelayMs.max);
    }
    const gap = new World(scenarioByName('metrics-gap')!, 20, 9);
    const lost = Array.from({ length: 60 }, (_, m) => gap.visibleAt(CANDIDATE, m)).filter((t) => !Number.isFinite(t));
    expect(lost).toHaveLength(10);
  });

  it('puts the faults where the scenarios say: the candidate alone, from its first traffic', () => {
    const hard = new World(scenarioByName('hard-failure')!, 20, 1);
    expect(hard.params(CANDIDATE, 5).errorRate).toBeGreaterThan(0.2);
    expect(hard.params(STABLE, 5).errorRate).toBeLessThan(0.01);
    const slow = new World(scenarioByName('p50-x1.5')!, 20, 1);
    const median = (w: World, r: 0 | 1) => {
      const probs = w.params(r, 3).latency;
      let below = 0;
      for (let b = 0; b < probs.length; b++) {
        below += probs[b]!;
        if (below >= 0.5) return 1.25 ** b;
      }
      return Number.NaN;
    };
    expect(median(slow, CANDIDATE) / median(slow, STABLE)).toBeGreaterThan(1.3);
    const result = simulate(hard, new Fixed(10));
    expect(result.faultAt).toBeGreaterThan(0);
    expect(result.faultAt).toBeLessThan(25_000); // when the first weight took effect (5–20 s)
    expect(result.excessErrors).toBeGreaterThan(0);
  });

  it('records the data floor: when the first candidate sample since the fault was shown, and no policy acts before it', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const world = new World(scenarioByName('hard-failure')!, 20, seed);
      const fixed = simulate(world, new Fixed(10));
      const faultMinute = Math.floor(fixed.faultAt! / MINUTE);
      // The fault's own minute has candidate requests at 20 rps: its sample, or a later one that arrived sooner.
      expect(fixed.firstFaultDataAt).toBeLessThanOrEqual(world.visibleAt(CANDIDATE, faultMinute));
      expect(fixed.firstFaultDataAt).toBeGreaterThanOrEqual((faultMinute + 1) * MINUTE + BASE.reportingDelayMs.min);
      for (const policy of POLICIES) {
        const run = simulate(world, policy.make());
        expect(run.faultAt).toBe(fixed.faultAt); // the fault starts with the first weight, the same for everyone
        expect(run.firstFaultDataAt).toBe(fixed.firstFaultDataAt);
        if (run.conclusion === 'rolled_back') expect(run.concludedAt).toBeGreaterThanOrEqual(run.firstFaultDataAt!);
      }
    }
    expect(simulate(new World(identical, 20, 1), new Fixed(10)).firstFaultDataAt).toBeNull();
  });

  it('has the good and bad scenarios the issue lists, each with its ground truth', () => {
    expect(SCENARIOS.filter((s) => s.truth === 'good').map((s) => s.name)).toEqual([
      'identical',
      'very-low-traffic',
      'common-burst',
      'cold-starts',
      'noisy-baseline',
      'traffic-growth',
      'metrics-gap',
    ]);
    expect(SCENARIOS.filter((s) => s.truth === 'bad').every((s) => s.faultStart !== null)).toBe(true);
    expect(SCENARIOS.filter((s) => s.truth === 'good').every((s) => s.faultStart === null)).toBe(true);
  });

  it('latency histograms read back by the adapter’s code: p50 near the 80 ms median', () => {
    const world = new World(identical, 200, 2);
    const store = new MetricsStore();
    // Run a fixed policy and look at one of the stable revision's samples.
    const policy: Policy = {
      name: 'peek',
      start: (env) => env.setWeight(0),
      nextWakeAt: () => 10 * MINUTE,
      wake: (env) => {
        const s = env.store.sample(STABLE, 5)!;
        store.add(STABLE, s);
        env.conclude('promoted');
      },
    };
    simulate(world, policy);
    const p50 = quantileOf(store.sample(STABLE, 0)!.latency, 0.5)!;
    expect(p50).toBeGreaterThan(60);
    expect(p50).toBeLessThan(100);
  });
});

describe('Mann-Whitney U with the Hodges–Lehmann interval', () => {
  // R: x <- c(0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46); y <- c(1.15, 0.88, 0.90, 0.74, 1.21)
  // wilcox.test(x, y): W = 35 (U of x), two-sided p ≈ 0.25 with the normal approximation.
  const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const y = [1.15, 0.88, 0.9, 0.74, 1.21];

  it('has the normal-approximation p-value of U = 35', () => {
    expect(mannWhitney(x, y, 0.95).pValue).toBeCloseTo(0.245, 2);
  });

  it('estimates the shift as the median of the pairwise differences, inside its interval', () => {
    const diffs = x.flatMap((a) => y.map((b) => a - b)).sort((a, b) => a - b);
    const median = (diffs[24]! + diffs[25]!) / 2;
    const r = mannWhitney(x, y, 0.95);
    expect(r.estimate).toBeCloseTo(median, 12);
    expect(r.lower).toBeLessThanOrEqual(r.estimate);
    expect(r.upper).toBeGreaterThanOrEqual(r.estimate);
    expect(r.lower).toBeLessThan(0); // no significant shift at 95%
  });

  it('a clear shift has an interval above 0, narrower at lower confidence', () => {
    const a = [10, 11, 12, 13, 14, 15, 16];
    const b = [1, 2, 3, 4, 5, 6, 7];
    const r98 = mannWhitney(a, b, 0.98);
    const r80 = mannWhitney(a, b, 0.8);
    expect(r98.lower).toBeGreaterThan(0);
    expect(r80.lower).toBeGreaterThanOrEqual(r98.lower);
    expect(r98.estimate).toBe(9);
  });
});
