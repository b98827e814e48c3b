/**
 * The simulated Cloud Monitoring: one 60 s sample per revision and minute (requests, 5xx, latency histogram), each
 * visible only from its reporting time on (world.ts). Queries see what is visible at `now`, like timeSeries.list: a
 * window [from, to] holds the samples that end in (from, to].
 */
import { addInto, emptyCounts, type Counts } from './histogram.js';
import { MINUTE, type Revision } from './world.js';

export interface Sample {
  readonly minute: number;
  readonly requests: number;
  readonly errors: number;
  readonly latency: Counts;
  /** ms since the start; Infinity if it is never reported. */
  readonly visibleAt: number;
}

export interface WindowSums {
  requests: number;
  errors: number;
  latency: Counts;
  /** How many samples were visible. */
  samples: number;
}

export class MetricsStore {
  private readonly samples: [Sample[], Sample[]] = [[], []];

  add(revision: Revision, sample: Sample): void {
    this.samples[revision].push(sample);
  }

  /** The sample of `minute`, reported or not (the simulator's own view, for ground truth). */
  sample(revision: Revision, minute: number): Sample | undefined {
    return this.samples[revision][minute];
  }

  /** The visible samples ending in (from, to], added up. */
  window(revision: Revision, from: number, to: number, now: number): WindowSums {
    const sums: WindowSums = { requests: 0, errors: 0, latency: emptyCounts(), samples: 0 };
    for (const s of this.inWindow(revision, from, to)) {
      if (s.visibleAt > now) continue;
      sums.requests += s.requests;
      sums.errors += s.errors;
      addInto(sums.latency, s.latency);
      sums.samples += 1;
    }
    return sums;
  }

  /** Each sample ending in (from, to], oldest first, as reported at `now`: null where it is not (yet) visible. */
  series(revision: Revision, from: number, to: number, now: number): (Sample | null)[] {
    return this.inWindow(revision, from, to).map((s) => (s.visibleAt <= now ? s : null));
  }

  /** The most recent visible sample ending after `now − maxAge` (a "last minute" query), or null. */
  latest(revision: Revision, now: number, maxAgeMs: number): Sample | null {
    const all = this.samples[revision];
    for (let i = all.length - 1; i >= 0; i--) {
      const s = all[i]!;
      const end = (s.minute + 1) * MINUTE;
      if (end <= now - maxAgeMs) return null;
      if (end <= now && s.visibleAt <= now) return s;
    }
    return null;
  }

  private inWindow(revision: Revision, from: number, to: number): Sample[] {
    const all = this.samples[revision];
    // Sample m ends at (m + 1)·MINUTE: in (from, to] when from < (m + 1)·MINUTE ≤ to.
    const first = Math.max(0, Math.floor(from / MINUTE));
    const last = Math.min(all.length - 1, Math.floor(to / MINUTE) - 1);
    return first > last ? [] : all.slice(first, last + 1);
  }
}
