/**
 * Firing timers: the one path by which a due timer becomes a `timer.elapsed` event, shared by the scheduled sweep (which
 * found the timer document by query) and the Cloud Tasks delivery (which knows only the timer's id).
 *
 * Firing is idempotent: the event's id derives from the timer's (engine/timers.ts), so a timer fired twice — by its task
 * and by the sweep, or by a task redelivered after a crash between the two writes — changes the rollout once. The
 * document is marked fired only after the engine has handled the event; a crash in between leaves it due, and the next
 * delivery is recognised as a duplicate by the engine.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { timerRef } from '../adapters/firestore/collections.js';
import type { TimerDoc } from '../adapters/firestore/documents.js';
import { markTimerFired } from '../adapters/firestore/timers.js';
import type { Clock } from './ports.js';
import { timerElapsedEvent, type TimerRef } from './timers.js';
import type { Engine, EngineLog, HandleResult } from './types.js';

/** What firing a timer needs. */
export interface TimerFiringDeps {
  readonly db: Firestore;
  readonly engine: Engine;
  readonly clock: Clock;
  readonly log: EngineLog;
}

/**
 * Hands the timer's `timer.elapsed` event to the engine, then marks its document fired. Throws what the engine or
 * Firestore throws; the document then stays due, so the caller's retry (or the next sweep) fires it again harmlessly.
 * Does not look at `dueAt`: callers fire only due timers.
 */
export async function fireTimer(deps: TimerFiringDeps, timer: TimerRef): Promise<HandleResult> {
  const result = await deps.engine.handle(timerElapsedEvent(timer));
  await markTimerFired(deps.db, timer.timerId, deps.clock.now());
  deps.log.timerFired(timer.timerId, result);
  return result;
}

/** What became of a delivery of a timer by id. */
export type TimerDelivery =
  /** It was due (or became due while waiting) and was handed to the engine. */
  | { readonly status: 'fired'; readonly timer: TimerDoc; readonly result: HandleResult }
  /** Fired before (by the sweep, or an earlier delivery): nothing to do. */
  | { readonly status: 'alreadyFired'; readonly timer: TimerDoc }
  /** Not due for longer than the caller is willing to wait: deliver it again later. */
  | { readonly status: 'early'; readonly timer: TimerDoc; readonly earlyMs: number }
  /** No such timer document. */
  | { readonly status: 'missing'; readonly timerId: string };

/** How a delivery treats a timer that is not due yet. */
export interface DeliveryOptions {
  /**
   * A timer due within this many milliseconds is waited for here, then fired; a later one is reported `early` and not
   * fired. A timer never fires before its `dueAt` by this process's clock.
   */
  readonly maxWaitMs: number;
  /** Waits `ms` milliseconds (tests pass one that advances their fake clock). */
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Delivers the timer `timerId`: reads its document and fires it if it is due and not fired yet, waiting for it first if
 * it is due within `maxWaitMs`. Throws what {@link fireTimer} throws.
 */
export async function deliverTimer(
  deps: TimerFiringDeps,
  timerId: string,
  options: DeliveryOptions,
): Promise<TimerDelivery> {
  const timer = (await timerRef(deps.db, timerId).get()).data() as TimerDoc | undefined;
  if (timer === undefined) return { status: 'missing', timerId };
  if (timer.firedAt !== null) return { status: 'alreadyFired', timer };
  // A loop, not one sleep: timers may wake a millisecond early, and the clock is re-read each time.
  for (let earlyMs = timer.dueAt - deps.clock.now(); earlyMs > 0; earlyMs = timer.dueAt - deps.clock.now()) {
    if (earlyMs > options.maxWaitMs) return { status: 'early', timer, earlyMs };
    await options.sleep(earlyMs);
  }
  return { status: 'fired', timer, result: await fireTimer(deps, timer) };
}
