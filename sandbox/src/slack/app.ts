/**
 * The stand-in playing Slack's client side: it builds the requests Slack sends an app — a slash command (a form), a
 * button click (`block_actions`), a modal's submission (`view_submission`) — exactly as Slack shapes them, signs them
 * with the app's signing secret (`v0=` HMAC-SHA256 over `v0:{timestamp}:{body}`) and POSTs them to the app's request
 * URL. Each carries a `response_url` back to the stand-in, where the app's ephemeral answers are recorded.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { SlackStore } from './store.js';

/** Where the app listens and the secret it verifies with. */
export interface AppLink {
  url: string | null;
  signingSecret: string;
  /** The stand-in's own base URL, for response URLs. */
  baseUrl: string;
  /** The slash command's name. */
  command: string;
}

/** What the app answered. */
export interface AppAnswer {
  readonly status: number;
  readonly body: string;
  readonly requestId: string;
}

/** Who gave a response URL out, so that an answer to it can be shown where it belongs. */
export interface Responder {
  readonly user: string;
  readonly channel: string | null;
}

/** Signs and sends a body to the app. */
export async function sendToApp(
  link: AppLink,
  body: string,
  requestId: string,
  nowSeconds?: number,
): Promise<AppAnswer> {
  if (!link.url) throw new Error("the stand-in does not know the app's request URL (start it with --slack-app-url)");
  const timestamp = String(nowSeconds ?? Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', link.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const response = await fetch(link.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots) runway-sandbox',
    },
    body,
    // Slack waits 3 s; a cold function in the emulator takes longer, and the stand-in waits for it.
    signal: AbortSignal.timeout(60_000),
  });
  return { status: response.status, body: await response.text(), requestId };
}

function triggerId(): string {
  return `${Date.now()}.${randomBytes(4).readUInt32BE(0)}.${randomBytes(16).toString('hex')}`;
}

/** A slash command: `/runway TEXT` typed by `user` in `channel`. */
export function commandRequest(
  store: SlackStore,
  link: AppLink,
  responders: Map<string, Responder>,
  input: { user: string; channel: string; text: string },
): { body: string; requestId: string } {
  const trigger = triggerId();
  const channel = store.channelId(input.channel);
  const user = store.users.get(input.user);
  responders.set(trigger, { user: input.user, channel });
  const form = new URLSearchParams({
    token: 'legacy-verification-token-unused',
    team_id: 'T0DEMO',
    team_domain: 'demo-runway',
    channel_id: channel,
    channel_name: store.channels.get(channel) ?? input.channel,
    user_id: input.user,
    user_name: user?.name ?? input.user,
    command: link.command,
    text: input.text,
    api_app_id: 'A0RUNWAY',
    response_url: `${link.baseUrl}/response/${encodeURIComponent(trigger)}`,
    trigger_id: trigger,
  });
  return { body: form.toString(), requestId: trigger };
}

/**
 * A click on a button of a message: the newest message (or thread reply) whose buttons include `actionId` with value
 * `rolloutId` (any value when null).
 */
export function clickRequest(
  store: SlackStore,
  link: AppLink,
  responders: Map<string, Responder>,
  input: { user: string; actionId: string; rolloutId: string | null },
): { body: string; requestId: string } {
  const found = [...store.messages].reverse().flatMap((message) => {
    const button = buttonsOf(message.blocks).find(
      (b) => b.action_id === input.actionId && (input.rolloutId === null || b.value === input.rolloutId),
    );
    return button ? [{ message, button }] : [];
  })[0];
  if (!found) throw new Error(`no message has a button ${input.actionId} for ${input.rolloutId ?? 'any rollout'}`);
  const { message, button } = found;
  const trigger = triggerId();
  responders.set(trigger, { user: input.user, channel: message.channel });
  const user = store.users.get(input.user);
  const payload = {
    type: 'block_actions',
    team: { id: 'T0DEMO', domain: 'demo-runway' },
    user: { id: input.user, username: user?.name ?? input.user, name: user?.name ?? input.user, team_id: 'T0DEMO' },
    api_app_id: 'A0RUNWAY',
    token: 'legacy-verification-token-unused',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: trigger,
    channel: { id: message.channel, name: store.channels.get(message.channel) ?? message.channel },
    message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
    response_url: `${link.baseUrl}/response/${encodeURIComponent(trigger)}`,
    actions: [
      {
        action_id: button.action_id,
        block_id: button.block_id ?? 'runway.actions',
        value: button.value,
        type: 'button',
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), requestId: trigger };
}

/** The submission of the newest modal opened (or `viewId`), with `values` as `{ block_id: { action_id: text } }`. */
export function submitRequest(
  store: SlackStore,
  input: { user: string; viewId: string | null; values: Record<string, Record<string, string>> },
): { body: string; requestId: string } {
  const view = input.viewId ? store.views.find((v) => v.id === input.viewId) : store.views.at(-1);
  if (!view) throw new Error('no modal was opened');
  const user = store.users.get(input.user);
  const values = Object.fromEntries(
    Object.entries(input.values).map(([block, actions]) => [
      block,
      Object.fromEntries(Object.entries(actions).map(([a, value]) => [a, { type: 'plain_text_input', value }])),
    ]),
  );
  const payload = {
    type: 'view_submission',
    team: { id: 'T0DEMO', domain: 'demo-runway' },
    user: { id: input.user, username: user?.name ?? input.user, name: user?.name ?? input.user, team_id: 'T0DEMO' },
    api_app_id: 'A0RUNWAY',
    trigger_id: triggerId(),
    view: { ...view.view, id: view.id, state: { values }, hash: randomBytes(6).toString('hex') },
  };
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), requestId: view.id };
}

interface Button {
  readonly action_id: string;
  readonly value?: string;
  readonly block_id?: string;
}

function buttonsOf(blocks: unknown[]): Button[] {
  const buttons: Button[] = [];
  for (const block of blocks) {
    if (typeof block !== 'object' || block === null) continue;
    const b = block as { type?: string; block_id?: string; elements?: unknown[] };
    if (b.type !== 'actions') continue;
    for (const e of b.elements ?? []) {
      const el = e as { type?: string; action_id?: string; value?: string };
      if (el.type === 'button' && el.action_id)
        buttons.push({ action_id: el.action_id, value: el.value, block_id: b.block_id });
    }
  }
  return buttons;
}
