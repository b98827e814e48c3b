/**
 * The simulation loop: one policy in one world, on a simulated clock (no wall time). The policy is woken when it asks
 * to be; the traffic weight it sets takes effect after a delay (as a Cloud Run traffic update does, 5–20 s); at the end
 * of every minute both revisions' samples are drawn from the world, given how much traffic each served, and stored
 * with their reporting time.
 *
 * Requests are drawn per minute, not one by one: a revision's requests in a minute are Poisson with the integral of the
 * arrival rate times its share of traffic (thinning a Poisson process), its 5xx Binomial, its latencies multinomial over
 * the histogram's buckets. Faults that depend on the candidate's weight or on recent weight increases are mixed in by
 * the share of the minute's traffic they applied to.
 */
import { binomial, poisson } from './sample.js';
import { BUCKET_COUNT, emptyCounts, mix } from './histogram.js';
import { MetricsStore } from './store.js';
import { CANDIDATE, MINUTE, STABLE, World, type Revision } from './world.js';

/** What a policy can do and see. */
export interface Env {
  /** Simulated ms since the start. */
  readonly now: number;
  readonly store: MetricsStore;
  /** Ask for `percent` on the candidate; it takes effect after a delay (the policy is told: {@link Policy.onApplied}). */
  setWeight(percent: number): void;
  /**
   * The policy's verdict: it stops being woken (traffic stays where it is, unless it just asked for a change). `held`
   * is the exception: a held policy is still woken, and may still conclude otherwise.
   */
  conclude(outcome: Conclusion): void;
}

export type Conclusion = 'promoted' | 'rolled_back' | 'held';

export interface Policy {
  readonly name: string;
  /** At time 0: the candidate exists, with 0% of the traffic. */
  start(env: Env): void;
  /** When to be woken next (ms); Infinity for never. */
  nextWakeAt(): number;
  wake(env: Env): void;
  /** A weight asked for is now live. */
  onApplied?(percent: number, env: Env): void;
}

/** What happened in one run, with the ground truth needed to score it. */
export interface RunResult {
  readonly conclusion: Conclusion | 'undecided';
  /** When the policy concluded (ms), or null. */
  readonly concludedAt: number | null;
  /** When the candidate first had 100% of the traffic, or null. */
  readonly fullAt: number | null;
  /** When the fault started (bad scenarios), or null if it never did (or the scenario is good). */
  readonly faultAt: number | null;
  /** Requests the candidate served from the fault's start to the end (expected values). */
  readonly badRequests: number;
  /** 5xx the fault added (expected values, beyond the service's baseline rate). */
  readonly excessErrors: number;
  /** The highest weight the candidate reached. */
  readonly maxWeight: number;
  /**
   * When Cloud Monitoring first showed a sample of the candidate's with requests served since the fault started (ms),
   * or null (no fault, or no such sample while the run lasted). No policy that reads the metrics can act on the fault
   * before this: the data floor of its time to detect.
   */
  readonly firstFaultDataAt: number | null;
}

/** Simulated time after which a run stops: a held or promoted candidate keeps serving until then. */
export const HORIZON_MS = 240 * MINUTE;

interface Segment {
  readonly at: number;
  readonly percent: number;
}

/** Runs `policy` in `world` to its conclusion and, for the blast radius, on to the horizon where it matters. */
export function simulate(world: World, policy: Policy): RunResult {
  const store = new MetricsStore();
  const timeline: Segment[] = [{ at: 0, percent: 0 }];
  const pending: { at: number; percent: number }[] = [];
  let now = 0;
  let changes = 0;
  let conclusion: Conclusion | null = null;
  let concludedAt: number | null = null;
  let fullAt: number | null = null;
  let faultAt: number | null = null;
  let badRequests = 0;
  let excessErrors = 0;
  let maxWeight = 0;
  const faultStart = world.scenario.faultStart;

  const env: Env = {
    get now() {
      return now;
    },
    store,
    setWeight(percent: number) {
      changes += 1;
      const delay = 5_000 + 15_000 * world.stream.at(10, changes);
      pending.push({ at: now + delay, percent });
      pending.sort((a, b) => a.at - b.at);
    },
    conclude(outcome: Conclusion) {
      // Held is not final: a held rollout is still watched, and may yet be rolled back.
      if (conclusion === null || (conclusion === 'held' && outcome !== 'held')) {
        conclusion = outcome;
        concludedAt = now;
      }
    },
  };

  const currentPercent = (): number => timeline[timeline.length - 1]!.percent;

  /** The expected requests and added 5xx of a faulty candidate over a whole minute at a constant `share`. */
  const accountFaultyMinute = (minute: number, share: number): void => {
    if (faultAt === null) return;
    const lambda = world.rate(minute * MINUTE + MINUTE / 2) * 60 * share;
    const fault = world.scenario.candidate;
    const atWeight = fault?.atWeight && share * 100 >= fault.atWeight.percent ? fault.atWeight.extraErrors : 0;
    badRequests += lambda;
    excessErrors += lambda * ((fault?.extraErrors?.(minute + 0.5) ?? 0) + atWeight);
  };

  const apply = (change: { at: number; percent: number }): void => {
    timeline.push({ at: change.at, percent: change.percent });
    maxWeight = Math.max(maxWeight, change.percent);
    if (change.percent >= 100 && fullAt === null) fullAt = change.at;
    if (faultAt === null && faultStart) {
      const starts = faultStart.kind === 'candidateStart' ? change.percent > 0 : change.percent >= faultStart.percent;
      if (starts) faultAt = change.at;
    }
    policy.onApplied?.(change.percent, env);
  };

  const finishMinute = (minute: number): void => {
    const from = minute * MINUTE;
    const to = from + MINUTE;
    const exposure = exposureOver(timeline, from, to, world);
    const rate = world.rate(from + MINUTE / 2);
    const atWeight = world.scenario.candidate?.atWeight;
    for (const revision of [STABLE, CANDIDATE] as Revision[]) {
      const params = world.params(revision, minute);
      const seconds = revision === CANDIDATE ? exposure.candidate : 60 - exposure.candidate;
      const lambda = rate * seconds;
      const n = poisson(lambda, world.stream.at(minute, revision, 1));
      let errorRate = params.errorRate;
      let latency = params.latency;
      if (revision === CANDIDATE && exposure.candidate > 0) {
        const highShare = exposure.atHighWeight / exposure.candidate;
        if (atWeight) errorRate = Math.min(1, errorRate + atWeight.extraErrors * highShare);
        const cold = world.scenario.coldStarts;
        if (cold)
          latency = mix(latency, world.coldStartLatency(), (cold.share * exposure.coldStart) / exposure.candidate);
        // Ground truth, in expected values: what the candidate served while faulty, and the errors the fault added.
        if (faultAt !== null && faultAt < to) {
          const share = Math.min(1, (to - Math.max(from, faultAt)) / MINUTE);
          const extra = world.scenario.candidate?.extraErrors?.(minute + 0.5) ?? 0;
          badRequests += lambda * share;
          excessErrors += lambda * share * extra + rate * exposure.atHighWeight * (atWeight?.extraErrors ?? 0);
        }
      }
      const errors = binomial(n, errorRate, world.stream.at(minute, revision, 2));
      const counts = emptyCounts();
      let left = n;
      let mass = 1;
      for (let b = 0; b < BUCKET_COUNT && left > 0; b++) {
        const p = latency[b]!;
        const k =
          b === BUCKET_COUNT - 1 || mass <= p
            ? left
            : binomial(left, p / mass, world.stream.at(minute, revision, 3, b));
        counts[b] = k;
        left -= k;
        mass -= p;
      }
      store.add(revision, {
        minute,
        requests: n,
        errors,
        latency: counts,
        visibleAt: world.visibleAt(revision, minute),
      });
    }
  };

  policy.start(env);
  let nextMinuteEnd = MINUTE;
  while (now < HORIZON_MS) {
    const wakeAt = conclusion === null || conclusion === 'held' ? policy.nextWakeAt() : Number.POSITIVE_INFINITY;
    const applyAt = pending[0]?.at ?? Number.POSITIVE_INFINITY;
    const next = Math.min(wakeAt, applyAt, nextMinuteEnd);
    if (next >= HORIZON_MS) break;
    now = next;
    if (applyAt === next) {
      apply(pending.shift()!);
      continue;
    }
    if (nextMinuteEnd === next) {
      finishMinute(next / MINUTE - 1);
      nextMinuteEnd += MINUTE;
      // Nothing more can change once the policy has concluded and the traffic is where it will stay: the candidate
      // is out (nothing more to count), or, for a good release, fully promoted.
      if (conclusion !== null && pending.length === 0) {
        if (currentPercent() === 0) break;
        if (world.scenario.truth === 'good') break;
        if (conclusion !== 'held') {
          // A faulty candidate left at its weight (promoted, say) serves on until the horizon: add up what it serves
          // in expected values, without drawing samples nobody reads.
          for (let minute = nextMinuteEnd / MINUTE - 1; (minute + 1) * MINUTE < HORIZON_MS; minute++) {
            accountFaultyMinute(minute, currentPercent() / 100);
          }
          break;
        }
      }
      continue;
    }
    policy.wake(env);
  }
  return {
    conclusion: conclusion ?? 'undecided',
    concludedAt,
    fullAt,
    faultAt,
    badRequests,
    excessErrors,
    maxWeight,
    firstFaultDataAt: faultAt === null ? null : firstDataSince(store, faultAt),
  };
}

/**
 * When the first candidate sample with requests, of the minute holding `from` or a later one, became visible: the
 * earliest over them (samples arrive out of order), or null when none was drawn.
 */
function firstDataSince(store: MetricsStore, from: number): number | null {
  let first: number | null = null;
  for (let minute = Math.floor(from / MINUTE); ; minute++) {
    const sample = store.sample(CANDIDATE, minute);
    if (!sample) return first;
    if (sample.requests > 0 && Number.isFinite(sample.visibleAt)) {
      first = first === null ? sample.visibleAt : Math.min(first, sample.visibleAt);
    }
  }
}

/** Candidate-seconds in [from, to): in all, at or above the fault's weight, and within a cold start after an increase. */
function exposureOver(
  timeline: readonly Segment[],
  from: number,
  to: number,
  world: World,
): { candidate: number; atHighWeight: number; coldStart: number } {
  const highPercent = world.scenario.candidate?.atWeight?.percent ?? Number.POSITIVE_INFINITY;
  const coldMs = (world.scenario.coldStarts?.seconds ?? 0) * 1000;
  let candidate = 0;
  let atHighWeight = 0;
  let coldStart = 0;
  let lastIncrease = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < timeline.length; i++) {
    const seg = timeline[i]!;
    const prev = timeline[i - 1];
    if (prev && seg.percent > prev.percent) lastIncrease = seg.at;
    const start = Math.max(from, seg.at);
    const end = Math.min(to, timeline[i + 1]?.at ?? Number.POSITIVE_INFINITY);
    if (end <= start) continue;
    const share = seg.percent / 100;
    const seconds = (end - start) / 1000;
    candidate += share * seconds;
    if (seg.percent >= highPercent) atHighWeight += share * seconds;
    if (coldMs > 0) {
      const coldEnd = Math.min(end, lastIncrease + coldMs);
      if (coldEnd > start) coldStart += (share * (coldEnd - start)) / 1000;
    }
  }
  return { candidate, atHighWeight, coldStart };
}
