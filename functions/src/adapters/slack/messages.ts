/**
 * One Slack message per rollout: `slackMessages/{rolloutId}` keeps its channel and `ts`, so every later notification
 * updates it (`chat.update`) and threads its replies under it. Two notifications of one rollout may run at once (the
 * effect runner runs effects side by side); the first to claim the document posts the message, the other waits a few
 * seconds for its `ts`, or throws so that the runner retries it. A claim expires after {@link CLAIM_MS}, so a runner
 * that died while posting holds nobody up for long.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from '../../domain/messages/slackBlocks.js';
import { slackMessageRef } from '../firestore/people.js';
import { blocksOf } from './client.js';

/** `slackMessages/{rolloutId}`. */
export interface SlackMessageDoc {
  readonly rolloutId: string;
  /** The channel id Slack answered with (chat.update needs the id, not the name). */
  readonly channel: string | null;
  readonly ts: string | null;
  readonly claimedBy: string | null;
  readonly claimUntil: number | null;
  /** The rollout's `updatedAt` the message shows. */
  readonly rendered: number | null;
}

/** A posted message. */
export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
  /** True if this call posted it (so it already shows the rollout as it is). */
  readonly posted: boolean;
}

export const CLAIM_MS = 30_000;
const WAIT_STEP_MS = 250;
const WAIT_MAX_MS = 5_000;

/** Thrown while another notification is posting the rollout's message: the runner retries. */
export class MessageBusyError extends Error {
  override readonly name = 'MessageBusyError';
}

export interface MessageDeps {
  readonly db: Firestore;
  readonly client: WebClient;
  readonly now: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The rollout's message, posting it to `channel` (rendered by `render`) if there is none yet. */
export async function ensureMessage(
  deps: MessageDeps,
  rolloutId: string,
  effectId: string,
  channel: string,
  render: () => SlackMessage & { readonly rendered: number },
): Promise<PostedMessage> {
  const ref = slackMessageRef(deps.db, rolloutId);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // The usual case, once the message exists: one read, no transaction.
  const known = (await ref.get()).data() as SlackMessageDoc | undefined;
  if (known?.ts && known.channel) return { channel: known.channel, ts: known.ts, posted: false };
  for (let waited = 0; ; waited += WAIT_STEP_MS) {
    const claim = await deps.db.runTransaction(async (tx) => {
      const doc = (await tx.get(ref)).data() as SlackMessageDoc | undefined;
      if (doc?.ts && doc.channel) return { kind: 'exists' as const, channel: doc.channel, ts: doc.ts };
      const now = deps.now();
      if (doc?.claimedBy && doc.claimedBy !== effectId && (doc.claimUntil ?? 0) > now) return { kind: 'busy' as const };
      const claimed: SlackMessageDoc = {
        rolloutId,
        channel: null,
        ts: null,
        claimedBy: effectId,
        claimUntil: now + CLAIM_MS,
        rendered: null,
      };
      tx.set(ref, claimed);
      return { kind: 'claimed' as const };
    });
    if (claim.kind === 'exists') return { channel: claim.channel, ts: claim.ts, posted: false };
    if (claim.kind === 'claimed') return post(deps, ref, channel, render);
    if (waited >= WAIT_MAX_MS) {
      throw new MessageBusyError(`the Slack message of ${rolloutId} is being posted by another notification`);
    }
    await sleep(WAIT_STEP_MS);
  }
}

async function post(
  deps: MessageDeps,
  ref: FirebaseFirestore.DocumentReference,
  channel: string,
  render: () => SlackMessage & { readonly rendered: number },
): Promise<PostedMessage> {
  const message = render();
  try {
    const answer = await deps.client.chat.postMessage({
      channel,
      text: message.text,
      blocks: blocksOf(message.blocks),
      unfurl_links: false,
    });
    if (!answer.ts || !answer.channel) throw new Error('chat.postMessage answered without ts or channel');
    await ref.set(
      { channel: answer.channel, ts: answer.ts, claimedBy: null, claimUntil: null, rendered: message.rendered },
      { merge: true },
    );
    return { channel: answer.channel, ts: answer.ts, posted: true };
  } catch (error) {
    await ref.set({ claimedBy: null, claimUntil: null }, { merge: true }).catch(() => undefined);
    throw error;
  }
}

/** Records which state of the rollout the message shows. */
export async function recordRendered(db: Firestore, rolloutId: string, rendered: number): Promise<void> {
  await slackMessageRef(db, rolloutId).set({ rendered }, { merge: true });
}

/** The rollout's message, if it was posted. */
export async function findMessage(db: Firestore, rolloutId: string): Promise<SlackMessageDoc | null> {
  const doc = (await slackMessageRef(db, rolloutId).get()).data() as SlackMessageDoc | undefined;
  return doc?.ts && doc.channel ? doc : null;
}
