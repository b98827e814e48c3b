/** The engine's public contract: entry points hand it domain events and get back what became of them. */
import type { OutcomeStatus } from '../domain/decision.js';
import type { RunwayEvent } from '../domain/events.js';

/** What became of one event. `duplicate`: this event id was handled before; nothing changed this time. */
export interface HandleResult {
  readonly status: OutcomeStatus | 'duplicate';
  readonly message: string;
  /** The target's version after the event. */
  readonly version: number;
  /** Ids of the effects this event stored in the outbox. */
  readonly effectIds: readonly string[];
}

/** Applies events to targets, one Firestore transaction each. */
export interface Engine {
  handle(event: RunwayEvent): Promise<HandleResult>;
}
