/**
 * One simulated world: a scenario at a traffic level under a seed. Everything that does not depend on the policy
 * (traffic rate, each revision's error rate and latency distribution minute by minute, reporting delays, the burst and
 * the gap) is fixed here, once, and shared by every policy run in it.
 */
import type { Scenario } from '../scenarios.js';
import { BUCKET_COUNT, bucketProbabilities, type Component } from './histogram.js';
import { nameKey, Stream } from './random.js';
import { normalQuantile } from './sample.js';

export const MINUTE = 60_000;
export const STABLE = 0;
export const CANDIDATE = 1;
export type Revision = typeof STABLE | typeof CANDIDATE;

/** The service underneath every scenario (scenarios.ts). */
export const BASE = {
  errorRate: 0.001,
  medianMs: 80,
  sigma: 0.45,
  naturalTail: { share: 0.003, factor: 4 },
  dailyAmplitude: 0.3,
  noise: { errors: 0.15, latency: 0.03 },
  /** Cloud Monitoring shows a 60 s sample 30–180 s after it ends (uniform). */
  reportingDelayMs: { min: 30_000, max: 180_000 },
} as const;

export interface MinuteParams {
  /** Per-request 5xx probability, before faults that depend on the candidate's weight. */
  readonly errorRate: number;
  /** Bucket probabilities of one request's latency. */
  readonly latency: Float64Array;
}

export class World {
  readonly stream: Stream;
  readonly dailyPhase: number;
  readonly burstStart: number | null;
  readonly gapStart: number | null;
  private readonly minutes = new Map<number, MinuteParams>();
  private coldStart: Float64Array | null = null;

  constructor(
    readonly scenario: Scenario,
    readonly rps: number,
    readonly seed: number,
  ) {
    this.stream = new Stream(seed, nameKey(scenario.name), Math.round(rps * 1000));
    this.dailyPhase = this.stream.at(9);
    const burst = scenario.commonBurst;
    this.burstStart = burst ? burst.from + Math.floor(this.stream.at(7) * (burst.to - burst.from)) : null;
    const gap = scenario.metricsGap;
    this.gapStart = gap ? gap.from + Math.floor(this.stream.at(8) * (gap.to - gap.from)) : null;
  }

  /** Requests per second at `ms` since the start. */
  rate(ms: number): number {
    const daily = 1 + BASE.dailyAmplitude * Math.sin(2 * Math.PI * (ms / 86_400_000 + this.dailyPhase));
    return this.rps * daily * (this.scenario.trafficFactor?.(ms / MINUTE) ?? 1);
  }

  /** The parameters of `revision` during minute `minute` (cached). */
  params(revision: Revision, minute: number): MinuteParams {
    const key = minute * 2 + revision;
    let p = this.minutes.get(key);
    if (!p) {
      p = this.compute(revision, minute);
      this.minutes.set(key, p);
    }
    return p;
  }

  private compute(revision: Revision, minute: number): MinuteParams {
    const s = this.scenario;
    const noise = revision === STABLE && s.stableNoise ? s.stableNoise : BASE.noise;
    const zErrors = normalQuantile(this.stream.at(minute, revision, 5));
    const zLatency = normalQuantile(this.stream.at(minute, revision, 6));
    const mid = minute + 0.5;
    let errorRate = BASE.errorRate * Math.exp(noise.errors * zErrors - (noise.errors * noise.errors) / 2);
    if (
      this.burstStart !== null &&
      s.commonBurst &&
      minute >= this.burstStart &&
      minute < this.burstStart + s.commonBurst.minutes
    ) {
      errorRate += s.commonBurst.errors;
    }
    const fault = revision === CANDIDATE ? s.candidate : undefined;
    errorRate += fault?.extraErrors?.(mid) ?? 0;
    const load = s.trafficFactor?.(mid) ?? 1;
    const median =
      BASE.medianMs *
      (s.loadLatency?.(load) ?? 1) *
      Math.exp(noise.latency * zLatency) *
      (fault?.latencyFactor?.(mid) ?? 1);
    const tail = fault?.tail;
    const components: Component[] = [
      { median, sigma: BASE.sigma, weight: 1 - BASE.naturalTail.share - (tail?.share ?? 0) },
      { median: median * BASE.naturalTail.factor, sigma: BASE.sigma, weight: BASE.naturalTail.share },
    ];
    if (tail) components.push({ median: median * tail.factor, sigma: BASE.sigma, weight: tail.share });
    return { errorRate: Math.min(1, errorRate), latency: bucketProbabilities(components) };
  }

  /** Bucket probabilities of a request that waits for a cold start. */
  coldStartLatency(): Float64Array {
    const c = this.scenario.coldStarts;
    if (!c) return new Float64Array(BUCKET_COUNT);
    this.coldStart ??= bucketProbabilities([{ median: c.medianMs, sigma: 0.3, weight: 1 }]);
    return this.coldStart;
  }

  /** When the sample of `revision` for `minute` becomes visible (ms since the start), or Infinity if it never does. */
  visibleAt(revision: Revision, minute: number): number {
    const gap = this.scenario.metricsGap;
    if (this.gapStart !== null && gap && minute >= this.gapStart && minute < this.gapStart + gap.minutes) {
      return Number.POSITIVE_INFINITY;
    }
    const { min, max } = BASE.reportingDelayMs;
    return (minute + 1) * MINUTE + min + (max - min) * this.stream.at(minute, revision, 4);
  }
}
