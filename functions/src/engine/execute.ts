/**
 * Executing one effect through its port, and turning what the port answered into the domain event that answers the
 * effect. Result events have the id `result:${effectId}`, so an effect executed twice (a lease that expired mid-way)
 * still feeds back exactly one result: the engine drops the second as a duplicate.
 */
import type { Effect } from '../domain/effects.js';
import type { RunwayEvent } from '../domain/events.js';
import { assertNever } from '../domain/phase.js';
import type { EffectPorts } from './ports.js';

/** What executing an effect produced: an event to feed back, or nothing (the effect is simply done). */
export type Execution = { readonly kind: 'result'; readonly event: RunwayEvent } | { readonly kind: 'done' };

/** The id of the event that answers `effectId`. */
export function resultEventIdOf(effectId: string): string {
  return `result:${effectId}`;
}

/** Runs `effect` through the right port. Throws what the port throws (a transient failure). */
export async function executeEffect(effect: Effect, ports: EffectPorts): Promise<Execution> {
  const answer = { id: resultEventIdOf(effect.id), targetId: effect.targetId, effectId: effect.id };
  switch (effect.type) {
    case 'cloudRun.deployCandidate': {
      const r = await ports.cloudRun.deployCandidate(effect);
      const base = { ...answer, rolloutId: effect.rolloutId };
      return result(
        r.ok
          ? { ...base, type: 'revision.ready', revision: r.revision, url: r.url, stableRevision: r.stableRevision }
          : { ...base, type: 'deploy.failed', reason: r.reason },
      );
    }
    case 'cloudRun.setTraffic': {
      const r = await ports.cloudRun.setTraffic(effect);
      const base = { ...answer, rolloutId: effect.rolloutId };
      if (r.ok) return result({ ...base, type: 'traffic.applied', split: r.split });
      return result(
        r.conflict
          ? { ...base, type: 'traffic.conflict', actual: r.actual, reason: r.reason }
          : { ...base, type: 'traffic.failed', reason: r.reason },
      );
    }
    case 'smoke.run': {
      const r = await ports.smoke.run(effect);
      const base = { ...answer, rolloutId: effect.rolloutId, results: r.results };
      return result(r.passed ? { ...base, type: 'smoke.passed' } : { ...base, type: 'smoke.failed', reason: r.reason });
    }
    case 'analysis.run': {
      const metrics = await ports.metrics.measure(effect);
      return result({ ...answer, rolloutId: effect.rolloutId, type: 'analysis.completed', metrics });
    }
    case 'timer.schedule':
      await ports.timers.schedule(effect);
      return { kind: 'done' };
    case 'notify':
      await ports.notifier.notify(effect);
      return { kind: 'done' };
    case 'events.publish':
      await ports.publisher.publish(effect);
      return { kind: 'done' };
    default:
      return assertNever(effect, 'effect');
  }
}

function result(event: RunwayEvent): Execution {
  return { kind: 'result', event };
}

/**
 * Whether an effect is best effort: its failure must never hold up a rollout (DESIGN.md rule 9), so after the last
 * attempt it is marked failed and forgotten.
 */
export function isBestEffort(effect: Effect): boolean {
  return effect.type === 'notify' || effect.type === 'events.publish';
}

/**
 * The failure event that ends the wait for an effect whose failures persisted, or null for effects that have none
 * (timers keep being retried; a person can still roll back meanwhile).
 */
export function giveUpEvent(effect: Effect, reason: string): RunwayEvent | null {
  const answer = { id: resultEventIdOf(effect.id), targetId: effect.targetId, effectId: effect.id };
  switch (effect.type) {
    case 'cloudRun.deployCandidate':
      return { ...answer, rolloutId: effect.rolloutId, type: 'deploy.failed', reason };
    case 'cloudRun.setTraffic':
      return { ...answer, rolloutId: effect.rolloutId, type: 'traffic.failed', reason };
    case 'smoke.run':
      return { ...answer, rolloutId: effect.rolloutId, type: 'smoke.failed', results: [], reason };
    case 'analysis.run':
      return { ...answer, rolloutId: effect.rolloutId, type: 'analysis.failed', reason };
    case 'timer.schedule':
    case 'notify':
    case 'events.publish':
      return null;
    default:
      return assertNever(effect, 'effect');
  }
}
