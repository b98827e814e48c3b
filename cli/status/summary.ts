/**
 * What `runway status` shows of a rollout: one row per rollout, with its phase, canary step, the split as Runway last
 * confirmed it, and the latest analysis verdict. Pure, so the table and the JSON are tested without Firestore.
 */
import type { Rollout } from '../../functions/src/domain/rollout.js';

/** One rollout as `runway status --json` prints it. */
export interface RolloutSummary {
  readonly id: string;
  readonly target: string;
  readonly phase: string;
  readonly image: string;
  /** 1-based canary step and the number of steps; null before the first step and for other strategies. */
  readonly step: { readonly current: number; readonly of: number } | null;
  readonly candidate: { readonly revision: string | null; readonly percent: number };
  readonly stable: { readonly revision: string | null; readonly percent: number };
  readonly latestVerdict: { readonly result: string; readonly reason: string; readonly step: number } | null;
  /** Why it paused, or why it ended / is rolling back. */
  readonly note: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The summary of one rollout document. */
export function summarize(r: Rollout): RolloutSummary {
  const steps = r.policy.strategy.kind === 'canary' ? r.policy.strategy.steps.length : 0;
  const percent = r.traffic.candidatePercent;
  const verdict = r.verdicts.at(-1) ?? null;
  return {
    id: r.id,
    target: r.targetId,
    phase: r.phase,
    image: r.build.image,
    step: steps > 0 && r.step >= 0 ? { current: r.step + 1, of: steps } : null,
    candidate: { revision: r.candidate?.revision ?? null, percent },
    stable: { revision: r.stableRevision, percent: r.stableRevision === null ? 0 : 100 - percent },
    latestVerdict: verdict && { result: verdict.result, reason: verdict.reason, step: verdict.step + 1 },
    note: r.pause?.reason ?? r.ending?.reason ?? null,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}

/** The rows as an aligned table, newest first as given. */
export function formatTable(rows: readonly RolloutSummary[]): string {
  if (rows.length === 0) return 'no rollouts yet';
  const header = ['ROLLOUT', 'PHASE', 'STEP', 'TRAFFIC', 'LATEST VERDICT'];
  const cells = rows.map((r) => [
    r.id,
    r.phase,
    r.step ? `${r.step.current}/${r.step.of}` : '-',
    traffic(r),
    r.latestVerdict ? `${r.latestVerdict.result} (step ${r.latestVerdict.step}): ${r.latestVerdict.reason}` : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string =>
    c
      .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.id}: ${r.note}`);
  return [line(header), ...cells.map(line), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

function traffic(r: RolloutSummary): string {
  const parts: string[] = [];
  if (r.candidate.revision) parts.push(`${r.candidate.percent}% ${r.candidate.revision}`);
  if (r.stable.revision) parts.push(`${r.stable.percent}% ${r.stable.revision}`);
  return parts.length > 0 ? parts.join(' / ') : '-';
}
