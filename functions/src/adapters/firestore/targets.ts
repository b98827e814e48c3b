/** Reading a target's state outside the engine's transaction. */
import type { Firestore } from 'firebase-admin/firestore';
import type { TargetState } from '../../domain/rollout.js';
import { targetRef } from './collections.js';
import { fromTargetDoc } from './documents.js';

/** A target's state as stored now: for checks that do not need a transaction (a target never seen reads as empty). */
export async function readTarget(db: Firestore, targetId: string): Promise<TargetState> {
  const snap = await targetRef(db, targetId).get();
  return fromTargetDoc(targetId, snap.data());
}
