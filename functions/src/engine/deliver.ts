/**
 * Handing several events from one inbound message to the engine: a build for two targets, an incident for two
 * environments. One target's failure never stops another's (DESIGN.md rule 6): every event is tried, then the caller
 * learns which ones failed transiently, so it can ask its platform for a redelivery (the engine's per-event dedupe makes
 * the targets already done ignore it).
 */
import type { RunwayEvent } from '../domain/events.js';
import { errorMessage } from '../logs.js';
import { isTransient } from './transient.js';
import type { Engine, HandleResult } from './types.js';

/** What became of a batch of events. */
export interface Delivery {
  readonly results: readonly { readonly targetId: string; readonly result: HandleResult }[];
  /** `targetId: error` for each event that failed transiently; redelivering the message may help them. */
  readonly retryable: readonly string[];
}

/** Handles every event; `failed` hears of each failure (transient or not) before the next is reported. */
export async function deliverAll<E extends RunwayEvent>(
  engine: Engine,
  events: readonly E[],
  failed: (event: E, error: unknown, transient: boolean) => void,
): Promise<Delivery> {
  const settled = await Promise.allSettled(events.map((event) => engine.handle(event)));
  const results: { targetId: string; result: HandleResult }[] = [];
  const retryable: string[] = [];
  settled.forEach((attempt, i) => {
    const event = events[i]!;
    if (attempt.status === 'fulfilled') {
      results.push({ targetId: event.targetId, result: attempt.value });
      return;
    }
    const transient = isTransient(attempt.reason);
    failed(event, attempt.reason, transient);
    if (transient) retryable.push(`${event.targetId}: ${errorMessage(attempt.reason)}`);
  });
  return { results, retryable };
}
