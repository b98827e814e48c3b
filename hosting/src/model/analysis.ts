/** A rollout's analysis verdicts as series for charts and rows for tables: each number beside its limit. Pure. */
import type { Verdict } from '../../../functions/src/domain/judge.js';
import type { Millis } from '../../../functions/src/domain/rollout.js';

/** One verdict's numbers. */
export interface VerdictRow {
  readonly at: Millis;
  readonly step: number;
  readonly result: Verdict['result'];
  readonly reason: string;
  readonly requests: number;
  readonly minRequests: number;
  readonly errorRate: number | null;
  readonly stableErrorRate: number | null;
  readonly maxErrorRate: number;
  readonly p99: number | null;
  readonly stableP99: number | null;
  readonly maxP99: number;
}

/** The verdicts, oldest first. */
export function verdictRows(verdicts: readonly Verdict[]): VerdictRow[] {
  return [...verdicts]
    .sort((a, b) => a.at - b.at)
    .map((v) => ({
      at: v.at,
      step: v.step,
      result: v.result,
      reason: v.reason,
      requests: v.metrics.candidate.requests,
      minRequests: v.limits.minRequests,
      errorRate: v.candidateErrorRatePercent,
      stableErrorRate: v.stableErrorRatePercent,
      maxErrorRate: v.limits.maxErrorRatePercent,
      p99: v.metrics.candidate.p99LatencyMs,
      stableP99: v.metrics.stable?.p99LatencyMs ?? null,
      maxP99: v.limits.maxP99LatencyMs,
    }));
}
