/**
 * The outbox's Firestore operations: leasing an effect, handing it back for a retry, closing it, and finding the ones the
 * sweep must re-drive. Each state change is a transaction on the effect's document, so two runners never both hold a
 * live lease on one effect.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS, effectRef } from './collections.js';
import { closedEffectFields, type EffectDoc } from './documents.js';

/** The result of trying to lease an effect. */
export type LeaseResult =
  { readonly kind: 'acquired'; readonly doc: EffectDoc } | { readonly kind: 'leased' | 'closed' | 'missing' };

/**
 * Leases an effect that is pending, or running under an expired lease (its runner crashed): it becomes `running` for
 * `leaseMs`, one more attempt, held by `token`.
 */
export async function acquireLease(
  db: Firestore,
  effectId: string,
  token: string,
  now: () => number,
  leaseMs: number,
): Promise<LeaseResult> {
  const ref = effectRef(db, effectId);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) return { kind: 'missing' };
    const doc = snap.data() as EffectDoc;
    if (doc.status === 'done' || doc.status === 'failed') return { kind: 'closed' };
    const at = now();
    if (doc.status === 'running' && doc.leaseUntil !== null && doc.leaseUntil > at) return { kind: 'leased' };
    const leased: Partial<EffectDoc> = {
      status: 'running',
      attempts: doc.attempts + 1,
      leaseUntil: at + leaseMs,
      leaseToken: token,
      sweepAt: at + leaseMs,
    };
    tx.update(ref, leased);
    return { kind: 'acquired', doc: { ...doc, ...leased } };
  });
}

/**
 * Hands a leased effect back after a transient failure: pending again, to be retried no earlier than `nextAttemptAt`.
 * Does nothing if the lease was lost meanwhile (another runner took over, or the effect was answered).
 */
export async function releaseForRetry(
  db: Firestore,
  effectId: string,
  token: string,
  lastError: string,
  nextAttemptAt: number,
  graceMs: number,
): Promise<void> {
  const ref = effectRef(db, effectId);
  await db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const doc = snap.data() as EffectDoc | undefined;
    if (doc?.status !== 'running' || doc.leaseToken !== token) return;
    const retry: Partial<EffectDoc> = {
      status: 'pending',
      leaseUntil: null,
      leaseToken: null,
      lastError,
      nextAttemptAt,
      sweepAt: Math.max(doc.createdAt + graceMs, nextAttemptAt),
    };
    tx.update(ref, retry);
  });
}

/** Closes an effect that is still open (done, or failed for good with the last error). */
export async function closeEffect(
  db: Firestore,
  effectId: string,
  status: 'done' | 'failed',
  now: number,
  lastError: string | null = null,
): Promise<void> {
  const ref = effectRef(db, effectId);
  await db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const doc = snap.data() as EffectDoc | undefined;
    if (doc?.status !== 'pending' && doc?.status !== 'running') return;
    tx.update(ref, { ...closedEffectFields(status, now, null), ...(lastError === null ? {} : { lastError }) });
  });
}

/** Records why an effect that was already answered (with a failure event) gave up. */
export async function recordGiveUp(db: Firestore, effectId: string, lastError: string): Promise<void> {
  await effectRef(db, effectId).update({ status: 'failed', lastError });
}

/** Effects the sweep should re-drive at `now`, most overdue first. */
export async function sweepableEffects(db: Firestore, now: number, limit: number): Promise<EffectDoc[]> {
  const snap = await db
    .collection(COLLECTIONS.effects)
    .where('sweepAt', '<=', now)
    .orderBy('sweepAt')
    .limit(limit)
    .get();
  return snap.docs.map((d) => d.data() as EffectDoc);
}
