/** A rollout's audit log as a timeline a person reads: what happened, who did it, why, and what became of it. Pure. */
import type { Actor } from '../../../functions/src/domain/actor.js';
import { assertNever } from '../../../functions/src/domain/phase.js';
import type { RunwayEvent } from '../../../functions/src/domain/events.js';
import type { LogEntry } from '../data/documents.js';

/** One line of the timeline. */
export interface TimelineItem {
  readonly id: string;
  readonly at: number;
  readonly title: string;
  readonly actor: string;
  readonly reason: string | null;
  readonly status: LogEntry['outcome']['status'];
  readonly message: string;
}

/** `Ada Admin (dashboard)`, `Runway`. */
export function actorLabel(actor: Actor): string {
  return actor.kind === 'system' ? 'Runway' : `${actor.name ?? actor.id} (${actor.via})`;
}

const percent = (split: readonly { revision: string; percent: number }[]) =>
  split.map((s) => `${s.revision} ${s.percent}%`).join(', ');

/** What an event was, in a few words. */
export function eventTitle(e: RunwayEvent): string {
  switch (e.type) {
    case 'build.succeeded':
      return `Build ${e.build.buildId.slice(0, 8)} succeeded`;
    case 'build.failed':
      return `Build ${e.build.buildId.slice(0, 8)} ${e.status.toLowerCase()}`;
    case 'revision.ready':
      return `Revision ${e.revision} ready at 0%`;
    case 'deploy.failed':
      return 'Deploy failed';
    case 'smoke.passed':
      return `Smoke checks passed (${e.results.length})`;
    case 'smoke.failed':
      return 'Smoke checks failed';
    case 'analysis.completed':
      return `Analysis: ${e.metrics.candidate.requests} requests, ${e.metrics.candidate.errors} errors`;
    case 'analysis.failed':
      return 'Analysis could not read the metrics';
    case 'traffic.applied':
      return `Traffic: ${percent(e.split)}`;
    case 'traffic.failed':
      return 'Traffic change failed';
    case 'traffic.conflict':
      return `Split changed by hand: ${percent(e.actual)}`;
    case 'timer.elapsed':
      return 'Timer elapsed';
    case 'alert.opened':
      return `Incident opened: ${e.policy}`;
    case 'alert.closed':
      return `Incident closed: ${e.policy}`;
    case 'target.rollback':
      return e.toRevision ? `Roll back the target to ${e.toRevision}` : 'Roll back the target';
    case 'target.freeze':
      return 'Freeze';
    case 'target.unfreeze':
      return 'Unfreeze';
    case 'command.approve':
      return 'Approve';
    case 'command.reject':
      return 'Reject';
    case 'command.pause':
      return 'Pause';
    case 'command.resume':
      return 'Resume';
    case 'command.promote':
      return 'Promote';
    case 'command.rollback':
      return 'Roll back';
    case 'command.abort':
      return 'Abort';
    default:
      return assertNever(e, 'event');
  }
}

/** The timeline, oldest first. */
export function timelineOf(entries: readonly LogEntry[]): TimelineItem[] {
  return [...entries]
    .sort((a, b) => a.at - b.at || a.version - b.version)
    .map((entry) => ({
      id: entry.eventId,
      at: entry.at,
      title: eventTitle(entry.event),
      actor: actorLabel(entry.actor),
      reason: entry.reason,
      status: entry.outcome.status,
      message: entry.outcome.message,
    }));
}
