/**
 * The Firestore-backed timer port: a timer is a `timers/{timerId}` document, and the scheduled sweep fires the due ones
 * (precise to the sweep's schedule, a minute). Cloud Tasks replaces it later (issue 3) behind the same port.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { ScheduleTimer } from '../../domain/effects.js';
import type { TimerPort } from '../../engine/ports.js';
import { COLLECTIONS, timerRef } from './collections.js';
import type { TimerDoc } from './documents.js';

/** gRPC status of a create() on a document that exists. */
const ALREADY_EXISTS = 6;

/** Creates the timer port. `now` stamps creation only; firing is the sweep's business. */
export function firestoreTimerPort(db: Firestore, now: () => number): TimerPort {
  return {
    async schedule(effect: ScheduleTimer): Promise<void> {
      const doc: TimerDoc = {
        timerId: effect.id,
        dueAt: effect.dueAt,
        targetId: effect.targetId,
        rolloutId: effect.rolloutId,
        purpose: effect.purpose,
        firedAt: null,
        sweepAt: effect.dueAt,
        createdAt: now(),
      };
      try {
        await timerRef(db, effect.id).create(doc);
      } catch (error) {
        // Scheduled before (the effect is being retried): keep the first, which may have fired already.
        if ((error as { code?: unknown }).code !== ALREADY_EXISTS) throw error;
      }
    },
  };
}

/** Timers due at `now` and not fired yet, earliest first. */
export async function dueTimers(db: Firestore, now: number, limit: number): Promise<TimerDoc[]> {
  const snap = await db
    .collection(COLLECTIONS.timers)
    .where('sweepAt', '<=', now)
    .orderBy('sweepAt')
    .limit(limit)
    .get();
  return snap.docs.map((d) => d.data() as TimerDoc);
}

/** Records that a timer's event was handled, so the sweep stops looking at it. */
export async function markTimerFired(db: Firestore, timerId: string, now: number): Promise<void> {
  await timerRef(db, timerId).update({ firedAt: now, sweepAt: null });
}
