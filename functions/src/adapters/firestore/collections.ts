/** Where the engine keeps its documents. See docs/architecture.md, "Data model". */
import type { CollectionReference, DocumentReference, Firestore } from 'firebase-admin/firestore';
import { docIdOf } from './ids.js';

/** Collection names, in one place. */
export const COLLECTIONS = {
  targets: 'targets',
  /** Subcollection of a target: one entry per event handled. */
  log: 'log',
  rollouts: 'rollouts',
  effects: 'effects',
  timers: 'timers',
} as const;

export function targetRef(db: Firestore, targetId: string): DocumentReference {
  return db.collection(COLLECTIONS.targets).doc(docIdOf(targetId));
}

export function logRef(db: Firestore, targetId: string, eventId: string): DocumentReference {
  return targetRef(db, targetId).collection(COLLECTIONS.log).doc(docIdOf(eventId));
}

export function logCollection(db: Firestore, targetId: string): CollectionReference {
  return targetRef(db, targetId).collection(COLLECTIONS.log);
}

export function rolloutRef(db: Firestore, rolloutId: string): DocumentReference {
  return db.collection(COLLECTIONS.rollouts).doc(docIdOf(rolloutId));
}

export function effectRef(db: Firestore, effectId: string): DocumentReference {
  return db.collection(COLLECTIONS.effects).doc(docIdOf(effectId));
}

export function timerRef(db: Firestore, timerId: string): DocumentReference {
  return db.collection(COLLECTIONS.timers).doc(docIdOf(timerId));
}
