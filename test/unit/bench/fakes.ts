/**
 * A scripted world for the anchors' timeline tests: the metrics a policy reads are whatever the test says, at once (no
 * reporting delay), so that each policy's documented logic can be pinned on its own.
 */
import type { Conclusion, Env, Policy } from '../../../bench/judge/sim/engine.js';
import { BUCKET_COUNT, bucketProbabilities, emptyCounts, type Counts } from '../../../bench/judge/sim/histogram.js';
import type { MetricsStore, Sample, WindowSums } from '../../../bench/judge/sim/store.js';
import { CANDIDATE, MINUTE, type Revision } from '../../../bench/judge/sim/world.js';

/** Per minute and revision: requests, errors, median latency (ms). */
export type Script = (
  minute: number,
  revision: Revision,
  weight: number,
) => {
  requests: number;
  errors: number;
  medianMs?: number;
};

/** A latency histogram of `n` requests around `medianMs` (lognormal, log-sd 0.45), rounded to whole requests. */
export function latencyOf(n: number, medianMs: number): Counts {
  const probs = bucketProbabilities([{ median: medianMs, sigma: 0.45, weight: 1 }]);
  const counts = emptyCounts();
  let left = n;
  for (let b = 0; b < BUCKET_COUNT; b++) {
    const k = b === BUCKET_COUNT - 1 ? left : Math.min(left, Math.round(n * probs[b]!));
    counts[b] = k;
    left -= k;
  }
  return counts;
}

export interface Timeline {
  /** [minute, percent] of every weight asked for. */
  readonly weights: [number, number][];
  readonly conclusion: Conclusion | null;
  /** Minutes. */
  readonly concludedAt: number | null;
}

/** Runs `policy` against `script` for up to `minutes` simulated minutes; weights take effect at once (and say so). */
export function runScripted(policy: Policy, script: Script, minutes = 240): Timeline {
  let now = 0;
  let weight = 0;
  const weights: [number, number][] = [];
  let conclusion: Conclusion | null = null;
  let concludedAt: number | null = null;
  const samples: [Sample[], Sample[]] = [[], []];
  const sampleOf = (revision: Revision, minute: number): Sample => {
    const cached = samples[revision][minute];
    if (cached) return cached;
    const { requests, errors, medianMs = 80 } = script(minute, revision, weight);
    // The latency histogram has one fixed shape (a thousand requests' worth) whatever the count: the same latencies
    // give the same percentiles on both revisions, with no rounding between them.
    const sample = { minute, requests, errors, latency: latencyOf(requests > 0 ? 1000 : 0, medianMs), visibleAt: 0 };
    samples[revision][minute] = sample;
    return sample;
  };
  const ended = (m: number): number => (m + 1) * MINUTE;
  const store = {
    window(revision: Revision, from: number, to: number): WindowSums {
      const sums: WindowSums = { requests: 0, errors: 0, latency: emptyCounts(), samples: 0 };
      for (let m = 0; ended(m) <= Math.min(to, now); m++) {
        if (ended(m) <= from) continue;
        const s = sampleOf(revision, m);
        sums.requests += s.requests;
        sums.errors += s.errors;
        sums.samples += 1;
      }
      return sums;
    },
    series(revision: Revision, from: number, to: number): (Sample | null)[] {
      const out: Sample[] = [];
      for (let m = 0; ended(m) <= Math.min(to, now); m++) if (ended(m) > from) out.push(sampleOf(revision, m));
      return out;
    },
    latest(revision: Revision): Sample | null {
      const m = Math.floor(now / MINUTE) - 1;
      return m < 0 ? null : sampleOf(revision, m);
    },
  } as unknown as MetricsStore;
  const env: Env = {
    get now() {
      return now;
    },
    store,
    setWeight(percent: number) {
      weight = percent;
      weights.push([now / MINUTE, percent]);
      policy.onApplied?.(percent, env);
    },
    conclude(outcome: Conclusion) {
      if (conclusion === null) {
        conclusion = outcome;
        concludedAt = now / MINUTE;
      }
    },
  };
  policy.start(env);
  while (conclusion === null) {
    const next = policy.nextWakeAt();
    if (!(next <= minutes * MINUTE)) break;
    now = next;
    policy.wake(env);
  }
  return { weights, conclusion, concludedAt };
}

/** A healthy service at `rps`, split by the weight: `errorRate` of the requests fail on both revisions. */
export function healthy(rps: number, errorRate = 0.001): Script {
  return (_minute, revision, weight) => {
    const share = revision === CANDIDATE ? weight / 100 : 1 - weight / 100;
    const requests = Math.round(rps * 60 * share);
    return { requests, errors: Math.round(requests * errorRate) };
  };
}

/** The same, but the candidate fails `errorRate` of its requests from `fromMinute` on. */
export function faulty(rps: number, errorRate: number, fromMinute = 0): Script {
  const base = healthy(rps);
  return (minute, revision, weight) => {
    const m = base(minute, revision, weight);
    if (revision !== CANDIDATE || minute < fromMinute) return m;
    return { ...m, errors: Math.round(m.requests * errorRate) };
  };
}
