/**
 * The HTTP face of the Slack stand-in, and the inbox page. Everything on one loopback port:
 *
 *   POST /api/{method}              the Web API (api.ts): point `WebClient` at `http://HOST:PORT/api/`
 *   POST /response/{id}             response URLs: the app's ephemeral answers to a command or a click
 *   GET  /                          the inbox page: each channel's messages with their threads, the ephemeral
 *                                   answers and the emails the SMTP sink received (refreshes itself)
 * Control (JSON in and out), for tests, `runway demo approval` and `runway inbox`:
 *   GET    /sandbox/slack/messages  {channels, messages, ephemeral, views}
 *   GET    /sandbox/slack/calls     every Web API call received (method, content type, params, status)
 *   POST   /sandbox/slack/faults    {status: 429|500|503, retryAfterSeconds?, delayMs?, method?, count?}
 *   DELETE /sandbox/slack/faults
 *   POST   /sandbox/slack/command   {user, channel, text}: the user types `/runway TEXT`; answers the app's reply
 *   POST   /sandbox/slack/click     {user, action: approve|reject|promote|rollback, rolloutId?}: clicks the button
 *   POST   /sandbox/slack/submit    {user, reason, viewId?}: submits the reject modal
 *   POST   /sandbox/slack/app       {url?, signingSecret?}: where the app is
 *   GET    /sandbox/mail            the emails received
 *   POST   /sandbox/reset           forgets messages, answers, calls, faults and emails
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MailSink } from '../mail/sink.js';
import { createSlackApi, type SlackApi } from './api.js';
import { clickRequest, commandRequest, sendToApp, submitRequest, type AppLink, type Responder } from './app.js';
import { renderInbox } from './page.js';
import { createSlackStore, type SlackStore } from './store.js';

export interface SlackStandIn {
  readonly store: SlackStore;
  readonly api: SlackApi;
  readonly link: AppLink;
  /** `http://127.0.0.1:PORT` once listening. */
  url(): string;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export interface SlackStandInOptions {
  /** The app's request URL (Runway's `slack` function). */
  readonly appUrl?: string | null;
  readonly signingSecret?: string;
  readonly command?: string;
  /** Shown on the inbox page and by /sandbox/mail. */
  readonly mail?: MailSink;
}

interface Answer {
  readonly status: number;
  readonly json?: unknown;
  readonly html?: string;
  readonly headers?: Record<string, string>;
  readonly delayMs?: number;
}

/** A control request's field as text ('' when absent or not text). */
function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

const ACTION_IDS: Readonly<Record<string, string>> = {
  approve: 'runway.approve',
  reject: 'runway.reject',
  promote: 'runway.promote',
  rollback: 'runway.rollback',
};

export function createSlackStandIn(options: SlackStandInOptions = {}): SlackStandIn {
  const store = createSlackStore();
  const api = createSlackApi(store);
  const responders = new Map<string, Responder>();
  const link: AppLink = {
    url: options.appUrl ?? null,
    signingSecret: options.signingSecret ?? '',
    baseUrl: '',
    command: options.command ?? '/runway',
  };
  let server: Server | null = null;

  async function route(req: IncomingMessage, body: string): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const input = (): Record<string, unknown> => (body ? (JSON.parse(body) as Record<string, unknown>) : {});
    const api_ = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (api_ && method === 'POST') {
      const answer = api.handle(api_[1] ?? '', req.headers['content-type'] ?? '', body, req.headers.authorization);
      return { status: answer.status, json: answer.body, headers: answer.headers, delayMs: answer.delayMs };
    }
    const response = /^\/response\/(.+)$/.exec(url.pathname);
    if (response && method === 'POST') {
      const id = decodeURIComponent(response[1] ?? '');
      const who = responders.get(id);
      const reply = input();
      store.ephemeral.push({
        requestId: id,
        user: who?.user ?? '?',
        channel: who?.channel ?? null,
        text: typeof reply.text === 'string' ? reply.text : JSON.stringify(reply),
        at: Date.now(),
      });
      return { status: 200, json: { ok: true } };
    }
    const path = `${method} ${url.pathname}`;
    switch (path) {
      case 'GET /':
        return { status: 200, html: renderInbox(store, options.mail?.mails ?? []) };
      case 'GET /sandbox/slack/messages':
        return {
          status: 200,
          json: {
            channels: Object.fromEntries(store.channels),
            messages: store.messages,
            ephemeral: store.ephemeral,
            views: store.views,
          },
        };
      case 'GET /sandbox/slack/calls':
        return { status: 200, json: { calls: api.calls } };
      case 'POST /sandbox/slack/faults': {
        const f = input();
        api.faults.push({
          status: Number(f.status ?? 500),
          ...(f.retryAfterSeconds !== undefined ? { retryAfterSeconds: Number(f.retryAfterSeconds) } : {}),
          ...(f.delayMs !== undefined ? { delayMs: Number(f.delayMs) } : {}),
          ...(typeof f.method === 'string' ? { method: f.method } : {}),
          count: Number(f.count ?? 1),
        });
        return { status: 200, json: { faults: api.faults } };
      }
      case 'DELETE /sandbox/slack/faults':
        api.faults.length = 0;
        return { status: 200, json: { faults: [] } };
      case 'POST /sandbox/slack/app': {
        const a = input();
        if (typeof a.url === 'string') link.url = a.url;
        if (typeof a.signingSecret === 'string') link.signingSecret = a.signingSecret;
        return { status: 200, json: { url: link.url } };
      }
      case 'POST /sandbox/slack/command': {
        const c = input();
        const request = commandRequest(store, link, responders, {
          user: text(c.user, ''),
          channel: text(c.channel, '#general'),
          text: text(c.text, ''),
        });
        return { status: 200, json: await sendToApp(link, request.body, request.requestId) };
      }
      case 'POST /sandbox/slack/click': {
        const c = input();
        const actionId = ACTION_IDS[text(c.action)] ?? text(c.action);
        const request = clickRequest(store, link, responders, {
          user: text(c.user, ''),
          actionId,
          rolloutId: typeof c.rolloutId === 'string' ? c.rolloutId : null,
        });
        return { status: 200, json: await sendToApp(link, request.body, request.requestId) };
      }
      case 'POST /sandbox/slack/submit': {
        const c = input();
        const request = submitRequest(store, {
          user: text(c.user, ''),
          viewId: typeof c.viewId === 'string' ? c.viewId : null,
          values: { reason: { reason: text(c.reason, '') } },
        });
        return { status: 200, json: await sendToApp(link, request.body, request.requestId) };
      }
      case 'GET /sandbox/mail':
        return {
          status: 200,
          json: { mails: options.mail?.mails ?? [], connections: options.mail?.connections() ?? 0 },
        };
      case 'POST /sandbox/reset':
        store.messages.length = 0;
        store.ephemeral.length = 0;
        store.views.length = 0;
        api.calls.length = 0;
        api.faults.length = 0;
        if (options.mail) options.mail.mails.length = 0;
        return { status: 200, json: { ok: true } };
      default:
        return { status: 404, json: { ok: false, error: `the Slack stand-in has no ${path}` } };
    }
  }

  function handler(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      route(req, Buffer.concat(chunks).toString('utf8'))
        .catch((error: unknown): Answer => ({
          status: 400,
          json: { ok: false, error: error instanceof Error ? error.message : String(error) },
        }))
        .then((answer) => {
          const write = (): void => {
            if (res.destroyed) return;
            if (answer.html !== undefined) {
              res.writeHead(answer.status, { 'content-type': 'text/html; charset=utf-8', ...answer.headers });
              res.end(answer.html);
            } else {
              res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
              res.end(JSON.stringify(answer.json ?? null));
            }
          };
          if (answer.delayMs) setTimeout(write, answer.delayMs).unref();
          else write();
        })
        .catch(() => res.destroy());
    });
  }

  return {
    store,
    api,
    link,
    url: () => link.baseUrl,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server = createServer(handler);
        server.once('error', reject);
        server.listen(port, host, () => {
          link.baseUrl = `http://${host}:${(server?.address() as AddressInfo).port}`;
          resolve(link.baseUrl);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
