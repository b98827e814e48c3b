/** The engine's public contract: entry points hand it domain events and get back what became of them. */
import type { OutcomeStatus } from '../domain/decision.js';
import type { Effect } from '../domain/effects.js';
import type { RunwayEvent } from '../domain/events.js';

/** What became of one event. `duplicate`: this event id was handled before; nothing changed this time. */
export interface HandleResult {
  readonly status: OutcomeStatus | 'duplicate';
  readonly message: string;
  /** The target's version after the event. */
  readonly version: number;
  /** Ids of the effects this event stored in the outbox. */
  readonly effectIds: readonly string[];
  /** Ids of the rollouts it changed (started, moved, stopped). */
  readonly rolloutIds: readonly string[];
}

/** Applies events to targets, one Firestore transaction each. */
export interface Engine {
  handle(event: RunwayEvent): Promise<HandleResult>;
}

/** What one call of the effect runner did with an effect. */
export type RunOutcome =
  /** Executed now; `failed` when a best-effort effect gave up (it never blocks a rollout). */
  | { readonly status: 'done' | 'failed'; readonly effectId: string }
  /** Another runner holds an unexpired lease on it. */
  | { readonly status: 'leased'; readonly effectId: string }
  /** It was done or failed already (a redelivered trigger, a sweep racing the trigger). */
  | { readonly status: 'closed'; readonly effectId: string }
  /** No such effect. */
  | { readonly status: 'missing'; readonly effectId: string };

/** What one sweep did. */
export interface SweepCounts {
  /** Effects re-driven, by what became of them; `errors` failed transiently and wait for a later attempt. */
  readonly effects: {
    readonly found: number;
    readonly done: number;
    readonly failed: number;
    readonly skipped: number;
    readonly errors: number;
  };
  /** Due timers turned into `timer.elapsed` events; `errors` could not be handled and stay due. */
  readonly timers: { readonly fired: number; readonly errors: number };
}

/** Executes outbox effects after their commit and re-drives the ones left behind. */
export interface EffectRunner {
  /** Leases the effect, executes it through its port and feeds the result back. Throws on a transient failure. */
  run(effectId: string): Promise<RunOutcome>;
  /** The backstop: effects pending past the grace period or with an expired lease, and due timers. Never throws for one bad effect. */
  sweep(): Promise<SweepCounts>;
}

/** The engine's and the runner's log lines (functions/src/logs.ts writes them; tests may pass a silent or recording one). */
export interface EngineLog {
  eventHandled(event: RunwayEvent, result: HandleResult): void;
  duplicateEvent(event: RunwayEvent, result: HandleResult): void;
  effectSucceeded(effect: Effect, attempts: number, timing?: EffectTiming): void;
  /** Closed without running: no longer wanted. */
  effectSkipped(effect: Effect, why: string): void;
  /** A transient failure; it is retried at `nextAttemptAt`. */
  effectRetrying(effect: Effect, attempts: number, error: unknown, nextAttemptAt: number): void;
  /** Gave up: a best-effort effect marked failed, or a persistent failure turned into a failure event. */
  effectFailed(effect: Effect, attempts: number, error: unknown): void;
  timerFired(timerId: string, result: HandleResult): void;
  sweepFinished(counts: SweepCounts): void;
}

/**
 * Where one successful run of an effect spent its time, in milliseconds since the epoch: when the effect was decided,
 * when this run started (the trigger's delivery), when it held the lease, and when the outside call returned. For the
 * benchmarks and for people asking why a rollback took as long as it did.
 */
export interface EffectTiming {
  readonly decidedAt: number;
  readonly startedAt: number;
  readonly leasedAt: number;
  readonly executedAt: number;
}
