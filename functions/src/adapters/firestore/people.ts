/**
 * The documents of Slack, email and the audit trail of people's commands. See docs/architecture.md, "Data model".
 *
 * | Collection                    | One document per                     |
 * | ----------------------------- | ------------------------------------ |
 * | `slackMessages/{rolloutId}`   | rollout with a Slack message (ts)    |
 * | `deliveries/{effectId}`       | notification: which parts were sent  |
 * | `slackRequests/{requestId}`   | request from Slack, queued for work  |
 * | `audit/{requestId}`           | command from a person, with outcome  |
 */
import type { DocumentReference, Firestore } from 'firebase-admin/firestore';
import { docIdOf } from './ids.js';

export const PEOPLE_COLLECTIONS = {
  slackMessages: 'slackMessages',
  deliveries: 'deliveries',
  slackRequests: 'slackRequests',
  audit: 'audit',
} as const;

export function slackMessageRef(db: Firestore, rolloutId: string): DocumentReference {
  return db.collection(PEOPLE_COLLECTIONS.slackMessages).doc(docIdOf(rolloutId));
}

export function deliveryRef(db: Firestore, effectId: string): DocumentReference {
  return db.collection(PEOPLE_COLLECTIONS.deliveries).doc(docIdOf(effectId));
}

export function slackRequestRef(db: Firestore, requestId: string): DocumentReference {
  return db.collection(PEOPLE_COLLECTIONS.slackRequests).doc(docIdOf(requestId));
}

export function auditRef(db: Firestore, requestId: string): DocumentReference {
  return db.collection(PEOPLE_COLLECTIONS.audit).doc(docIdOf(requestId));
}
