/**
 * Sent once, even when retried (DESIGN.md rule 3): a notification is one effect, sent in parts (the rollout message's
 * update, a thread reply, a copy to another channel, an email). `deliveries/{effectId}` records each part once it was
 * sent; a retry of the effect sends only the parts not yet recorded. The message update is not recorded: it renders
 * the rollout as it is now, so repeating it is harmless.
 */
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { deliveryRef } from '../firestore/people.js';

/** The parts of a notification that must not be sent twice. */
export type DeliveryPart = 'note' | 'also' | 'email';

export interface Deliveries {
  /** The parts of `effectId` already sent. */
  sent(effectId: string): Promise<ReadonlySet<DeliveryPart>>;
  /** Records a part as sent. */
  record(effectId: string, part: DeliveryPart, detail: Record<string, unknown>): Promise<void>;
}

export function firestoreDeliveries(db: Firestore, now: () => number): Deliveries {
  return {
    async sent(effectId) {
      const data = (await deliveryRef(db, effectId).get()).data() as { parts?: Record<string, unknown> } | undefined;
      return new Set(Object.keys(data?.parts ?? {}) as DeliveryPart[]);
    },
    async record(effectId, part, detail) {
      await deliveryRef(db, effectId).set(
        { effectId, parts: { [part]: { at: now(), ...detail } }, updatedAt: FieldValue.serverTimestamp() },
        { merge: true },
      );
    },
  };
}
