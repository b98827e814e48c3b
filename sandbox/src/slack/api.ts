/**
 * The Slack Web API stand-in: `POST /api/{method}` as slack.com answers `@slack/web-api`'s WebClient (form-encoded
 * bodies, `blocks` and `view` as JSON text inside the form; JSON bodies are read too). Methods: chat.postMessage,
 * chat.update, chat.postEphemeral, views.open, users.info, usergroups.users.list, auth.test. A bearer token (any)
 * is required, as Slack does. Faults can be queued: a 429 with `retry-after`, a 5xx, or a delay.
 */
import type { SlackStore } from './store.js';

/** One API call as received, for tests ("were the bodies form-encoded?"). */
export interface ApiCall {
  readonly method: string;
  readonly contentType: string;
  readonly params: Readonly<Record<string, string>>;
  readonly at: number;
  /** The HTTP status answered. */
  status: number;
}

/** A fault for the next matching calls. */
export interface ApiFault {
  /** 429 (with `retry-after`), 500, 503; or 200 with a delay only. */
  readonly status: number;
  readonly retryAfterSeconds?: number;
  readonly delayMs?: number;
  /** Only calls of this method; all methods when absent. */
  readonly method?: string;
  count: number;
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly delayMs: number;
}

export interface SlackApi {
  readonly calls: ApiCall[];
  readonly faults: ApiFault[];
  handle(method: string, contentType: string, body: string, authorization: string | undefined): ApiAnswer;
}

export function createSlackApi(store: SlackStore, now: () => number = Date.now): SlackApi {
  const calls: ApiCall[] = [];
  const faults: ApiFault[] = [];

  function handle(method: string, contentType: string, body: string, authorization: string | undefined): ApiAnswer {
    const params = readParams(contentType, body);
    const call: ApiCall = { method, contentType, params, at: now(), status: 200 };
    calls.push(call);
    const fault = faults.find((f) => f.count > 0 && (!f.method || f.method === method));
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}, delayMs = 0) => {
      call.status = status;
      return { status, headers, body: payload, delayMs };
    };
    if (fault) {
      fault.count--;
      if (fault.status === 429) {
        return answer(
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(fault.retryAfterSeconds ?? 1) },
        );
      }
      if (fault.status >= 500) return answer(fault.status, { ok: false, error: 'internal_error' }, {}, fault.delayMs);
    }
    const delay = fault?.delayMs ?? 0;
    const token = authorization?.replace(/^Bearer\s+/i, '') || params.token;
    if (!token) return answer(200, { ok: false, error: 'not_authed' }, {}, delay);
    return answer(200, call_(method, params), {}, delay);
  }

  function call_(method: string, p: Readonly<Record<string, string>>): unknown {
    switch (method) {
      case 'auth.test':
        return { ok: true, team: 'demo', user: 'runway', bot_id: 'B0RUNWAY' };
      case 'chat.postMessage': {
        if (!p.channel) return { ok: false, error: 'channel_not_found' };
        const channel = store.channelId(p.channel);
        const threadTs = p.thread_ts || null;
        if (threadTs && !store.messages.some((m) => m.channel === channel && m.ts === threadTs)) {
          return { ok: false, error: 'thread_not_found' };
        }
        const ts = store.nextTs();
        const blocks = json(p.blocks) as unknown[] | null;
        store.messages.push({
          channel,
          ts,
          text: p.text ?? '',
          blocks: blocks ?? [],
          threadTs,
          postedAt: now(),
          updatedAt: now(),
          edits: 0,
        });
        return { ok: true, channel, ts, message: { text: p.text ?? '', ts, thread_ts: threadTs ?? undefined } };
      }
      case 'chat.update': {
        const message = store.messages.find((m) => m.channel === p.channel && m.ts === p.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = p.text ?? message.text;
        message.blocks = (json(p.blocks) as unknown[] | null) ?? message.blocks;
        message.updatedAt = now();
        message.edits++;
        return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
      }
      case 'chat.postEphemeral':
        store.ephemeral.push({
          requestId: 'chat.postEphemeral',
          user: p.user ?? '',
          channel: p.channel ? store.channelId(p.channel) : null,
          text: p.text ?? '',
          at: now(),
        });
        return { ok: true, message_ts: store.nextTs() };
      case 'views.open': {
        const view = json(p.view) as Record<string, unknown> | null;
        if (!p.trigger_id || !view) return { ok: false, error: 'invalid_arguments' };
        const id = `V${String(store.views.length + 1).padStart(8, '0')}`;
        store.views.push({ id, triggerId: p.trigger_id, user: p.trigger_id.split('.')[0] ?? '', view, at: now() });
        return { ok: true, view: { id, ...view } };
      }
      case 'users.info': {
        const user = p.user ? store.users.get(p.user) : undefined;
        if (!user) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: user.id,
            name: user.name,
            real_name: user.realName,
            profile: { email: user.email, real_name: user.realName, display_name: user.realName },
          },
        };
      }
      case 'usergroups.users.list': {
        const members = p.usergroup ? store.groups.get(p.usergroup) : undefined;
        return members ? { ok: true, users: [...members] } : { ok: false, error: 'no_such_subteam' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  return { calls, faults, handle };
}

function readParams(contentType: string, body: string): Record<string, string> {
  if (contentType.includes('application/json')) {
    const value = json(body);
    if (typeof value !== 'object' || value === null) return {};
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  }
  return Object.fromEntries(new URLSearchParams(body));
}

function json(text: string | undefined): unknown {
  if (text === undefined || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
