/**
 * What Runway tells the world when a rollout moves: a `notify` for people and an `events.publish`
 * (`runway.rollout.<phase>`) for systems, on every phase or step change. Notifications are best effort; their severity
 * decides routing (urgent pages the on-call group).
 */
import type { EffectDraft } from './transition.js';
import type { Severity } from './effects.js';
import { assertNever, type Phase } from './phase.js';
import type { Rollout } from './rollout.js';

/** The announcements for one rollout going from `before` (null if new) to `after`. */
export function announcements(before: Rollout | null, after: Rollout): EffectDraft[] {
  const phaseChanged = before?.phase !== after.phase;
  const stepChanged = before !== null && before.step !== after.step;
  if (!phaseChanged && !stepChanged) return [];
  const drafts: EffectDraft[] = [
    {
      type: 'events.publish',
      rolloutId: after.id,
      eventType: `runway.rollout.${after.phase}`,
      at: after.updatedAt,
      data: summarize(after),
    },
  ];
  // A step change is a notification too (the rollout's Slack message shows the new weight); the notifier decides what
  // is worth a thread reply or an email.
  drafts.push({
    type: 'notify',
    rolloutId: after.id,
    severity: severityOf(after),
    topic: after.phase,
    text: describe(after),
  });
  return drafts;
}

/** The fields of a rollout other systems care about, as published on `runway-events`. */
export function summarize(r: Rollout): Record<string, unknown> {
  return {
    rolloutId: r.id,
    targetId: r.targetId,
    kind: r.kind,
    phase: r.phase,
    step: r.step,
    candidatePercent: r.traffic.candidatePercent,
    candidateRevision: r.candidate?.revision ?? null,
    stableRevision: r.stableRevision,
    image: r.build.image,
    commitSha: r.build.commitSha,
    buildId: r.build.buildId,
    ending: r.ending,
    stop: r.stop,
  };
}

function severityOf(r: Rollout): Severity {
  switch (r.phase) {
    case 'failed':
      return 'urgent';
    case 'rolled_back':
    case 'rolling_back':
    case 'rejected':
      return 'warning';
    case 'aborted':
      return r.ending?.cause === 'deploy_failed' || r.ending?.cause === 'smoke_failed' ? 'warning' : 'info';
    case 'queued':
    case 'deploying':
    case 'verifying':
    case 'awaiting_approval':
    case 'progressing':
    case 'paused':
    case 'promoted':
    case 'succeeded':
    case 'superseded':
      return 'info';
    default:
      return assertNever(r.phase, 'phase');
  }
}

/** One line a person understands, e.g. `checkout.production: rolled back 1a2b3c4 (analysis failed: …)`. */
export function describe(r: Rollout): string {
  const what = r.build.commitSha ? r.build.commitSha.slice(0, 7) : r.build.image;
  const why = r.ending ? ` (${r.ending.reason})` : '';
  return `${r.targetId}: ${what} ${PHASE_TEXT[r.phase]}${r.phase === 'progressing' ? ` to ${r.traffic.pending?.candidatePercent ?? r.traffic.candidatePercent}%` : ''}${
    r.phase === 'paused' && r.pause ? ` (${r.pause.reason})` : why
  }`;
}

const PHASE_TEXT: Record<Phase, string> = {
  queued: 'is queued behind the active rollout',
  deploying: 'is being deployed at 0% traffic',
  verifying: 'is being smoke-checked',
  awaiting_approval: 'awaits approval',
  progressing: 'is progressing',
  paused: 'is paused',
  promoted: 'is promoted to 100%; guard window running',
  rolling_back: 'is rolling back',
  succeeded: 'succeeded',
  rolled_back: 'was rolled back',
  aborted: 'was stopped before any user traffic',
  rejected: 'was rejected',
  superseded: 'was superseded by a newer build',
  failed: 'FAILED: traffic could not be returned to the stable revision; check the service now',
};
