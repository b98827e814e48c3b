/**
 * Requests from Slack, queued: the endpoint acknowledges each request at once (Slack allows 3 seconds) and stores it as
 * `slackRequests/{requestId}`; the `slackRequest` function does the work and answers through the request's
 * `response_url`. The request id is Slack's `trigger_id` (unique per command and per click) or the modal's view id,
 * so a request Slack delivers twice is stored — and acted on — once.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { slackRequestRef } from '../firestore/people.js';
import type { SlackPayload } from './payloads.js';
import { assertNever } from '../../domain/phase.js';

/** `slackRequests/{requestId}`. */
export interface SlackRequestDoc {
  readonly requestId: string;
  readonly receivedAt: number;
  readonly request: SlackPayload;
  /** Set once answered, so a retried worker does not answer twice. */
  readonly answeredAt: number | null;
}

/** The id of a request: stable across Slack's redeliveries. */
export function requestIdOf(payload: SlackPayload): string {
  switch (payload.kind) {
    case 'command':
      return `command:${payload.command.trigger_id}`;
    case 'block_actions':
      return `click:${payload.payload.trigger_id}`;
    case 'view_submission':
      return `view:${payload.payload.view.id}`;
    default:
      return assertNever(payload, 'slack payload');
  }
}

/** Stores a request; `duplicate` if its id was stored before. */
export async function queueRequest(
  db: Firestore,
  payload: SlackPayload,
  receivedAt: number,
): Promise<'queued' | 'duplicate'> {
  const requestId = requestIdOf(payload);
  const doc: SlackRequestDoc = { requestId, receivedAt, request: payload, answeredAt: null };
  try {
    await slackRequestRef(db, requestId).create(JSON.parse(JSON.stringify(doc)) as SlackRequestDoc);
    return 'queued';
  } catch (error) {
    if ((error as { code?: unknown }).code === 6) return 'duplicate'; // ALREADY_EXISTS
    throw error;
  }
}

export async function markAnswered(db: Firestore, requestId: string, at: number): Promise<void> {
  await slackRequestRef(db, requestId).update({ answeredAt: at });
}
