/**
 * Notifications in Slack (see domain/messages/routing.ts for what goes where): the rollout's one message, updated in
 * place with `chat.update` on every notification (it renders the rollout as it is now, so updates that arrive out of
 * order still end on the latest state: after updating, the rollout is read again and the message updated once more if
 * it moved meanwhile); thread replies for notable events; copies to the channel a severity routes to; messages of their
 * own for events with no rollout. Thread replies and copies are recorded in `deliveries/`, so a retried notification
 * sends each once.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { WebClient } from '@slack/web-api';
import type { Notify } from '../../domain/effects.js';
import type { SlackRoute } from '../../domain/messages/routing.js';
import { eventNote, rolloutMessage, type RenderContext, type SlackMessage } from '../../domain/messages/slackBlocks.js';
import type { Rollout } from '../../domain/rollout.js';
import type { Deliveries } from '../notify/deliveries.js';
import { blocksOf } from './client.js';
import { ensureMessage, recordRendered, type PostedMessage } from './messages.js';

export interface SlackNotifierDeps {
  readonly db: Firestore;
  readonly client: WebClient;
  readonly deliveries: Deliveries;
  readonly now: () => number;
  readonly dashboardUrl: string | null;
  /** The rollout as it is now (its mirror document). */
  readonly readRollout: (rolloutId: string) => Promise<Rollout | null>;
  /** The target's freeze, if any, for a queued rollout's message. */
  readonly frozenOf: (targetId: string) => Promise<{ readonly reason: string } | null>;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Sends the Slack parts of `effect` along `route`; `rollout` is the rollout as read for this notification. */
export async function notifySlack(
  deps: SlackNotifierDeps,
  effect: Notify,
  route: SlackRoute,
  rollout: Rollout | null,
  sent: ReadonlySet<string>,
): Promise<void> {
  let message: PostedMessage | null = null;
  if (route.message && rollout) message = await updateRolloutMessage(deps, effect, route.channel, rollout);
  if (!route.note) return;
  const note = eventNote(effect.topic, rollout, effect.text, { onCall: route.onCall });
  if (!sent.has('note')) {
    const urgent = effect.severity === 'urgent';
    const base = { text: note.text, blocks: blocksOf(note.blocks), unfurl_links: false };
    const answer = message
      ? await deps.client.chat.postMessage({
          ...base,
          channel: message.channel,
          thread_ts: message.ts,
          reply_broadcast: urgent,
        })
      : await deps.client.chat.postMessage({ ...base, channel: route.channel });
    await deps.deliveries.record(effect.id, 'note', { channel: answer.channel ?? null, ts: answer.ts ?? null });
  }
  if (route.alsoTo && !sent.has('also')) {
    const answer = await deps.client.chat.postMessage({
      channel: route.alsoTo,
      text: note.text,
      blocks: blocksOf(note.blocks),
      unfurl_links: false,
    });
    await deps.deliveries.record(effect.id, 'also', { channel: answer.channel ?? null, ts: answer.ts ?? null });
  }
}

async function updateRolloutMessage(
  deps: SlackNotifierDeps,
  effect: Notify,
  channel: string,
  first: Rollout,
): Promise<PostedMessage> {
  const context = async (r: Rollout): Promise<RenderContext> => ({
    dashboardUrl: deps.dashboardUrl,
    frozen: r.phase === 'queued' ? await deps.frozenOf(r.targetId) : null,
  });
  const firstContext = await context(first);
  const render = (r: Rollout, ctx: RenderContext): SlackMessage & { rendered: number } => ({
    ...rolloutMessage(r, ctx),
    rendered: r.updatedAt,
  });
  const message = await ensureMessage(deps, first.id, effect.id, channel, () => render(first, firstContext));
  let shown = message.posted ? first : null;
  let current = first;
  // At most twice: the state read for this notification, then the latest if it moved meanwhile.
  for (let i = 0; i < 2; i++) {
    if (shown === null || shown.updatedAt !== current.updatedAt) {
      const rendered = render(current, await context(current));
      await deps.client.chat.update({
        channel: message.channel,
        ts: message.ts,
        text: rendered.text,
        blocks: blocksOf(rendered.blocks),
      });
      await recordRendered(deps.db, current.id, current.updatedAt);
      shown = current;
    }
    current = (await deps.readRollout(current.id)) ?? current;
  }
  return message;
}
