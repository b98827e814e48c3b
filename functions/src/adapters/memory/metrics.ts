/** In-memory metrics: configurable numbers per revision (healthy traffic by default); every measurement recorded. */
import type { RunAnalysis } from '../../domain/effects.js';
import type { AnalysisMetrics, RevisionMetrics } from '../../domain/judge.js';
import type { MetricsPort } from '../../engine/ports.js';
import { FaultPlan } from './faults.js';

/** Plenty of requests, no errors, fast: passes any sensible analysis. */
export const HEALTHY: RevisionMetrics = { requests: 1_000, errors: 0, p99LatencyMs: 120 };

export class MemoryMetrics implements MetricsPort {
  private readonly byRevision = new Map<string, RevisionMetrics>();
  private fallback: RevisionMetrics = HEALTHY;
  readonly calls: RunAnalysis[] = [];
  readonly faults = new FaultPlan();

  /** The numbers `revision` reports from now on. */
  set(revision: string, metrics: RevisionMetrics): this {
    this.byRevision.set(revision, metrics);
    return this;
  }

  /** The numbers of every revision without its own. */
  setDefault(metrics: RevisionMetrics): this {
    this.fallback = metrics;
    return this;
  }

  measure(effect: RunAnalysis): Promise<AnalysisMetrics> {
    this.calls.push(effect);
    return Promise.resolve().then(() => {
      const failure = this.faults.apply();
      if (failure !== null) throw new Error(failure); // metrics have no permanent failure: it is retried
      return {
        windowStart: effect.windowStart,
        windowEnd: effect.windowEnd,
        candidate: this.of(effect.candidateRevision),
        stable: effect.stableRevision === null ? null : this.of(effect.stableRevision),
      };
    });
  }

  private of(revision: string): RevisionMetrics {
    return this.byRevision.get(revision) ?? this.fallback;
  }
}
