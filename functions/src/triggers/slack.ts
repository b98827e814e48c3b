/**
 * `slack`: the HTTPS endpoint of the Slack app — its slash command's Request URL and its Interactivity Request URL (one
 * URL for both; the body tells them apart). Thin, and fast, because Slack gives an app 3 seconds:
 *
 * 1. the signature is checked on the raw body (adapters/slack/signature.ts): a forged, replayed-too-late or
 *    expired request is answered 401 and changes nothing;
 * 2. the body is validated (adapters/slack/payloads.ts): one Runway cannot read is answered 400 with the reason;
 * 3. the request is queued in `slackRequests/` (a request Slack delivers twice is queued once) and acknowledged with an
 *    empty 200; the `slackRequest` function does the work and answers through the request's `response_url`.
 *
 * The one exception is the Reject button: its modal (asking for the reason) must be opened with the click's
 * `trigger_id` within the same 3 seconds, so that happens here; the modal's submission is queued like any request.
 */
import * as logger from 'firebase-functions/logger';
import { onRequest } from 'firebase-functions/v2/https';
import type { IncomingHttpHeaders } from 'node:http';
import { ACTIONS, rejectModal, type Block } from '../domain/messages/slackBlocks.js';
import { parseSlackBody, type ModalMetadata, type SlackPayload } from '../adapters/slack/payloads.js';
import { queueRequest } from '../adapters/slack/requests.js';
import { verifySlackSignature } from '../adapters/slack/signature.js';
import { respond } from '../adapters/slack/respond.js';
import { createSlackClient } from '../adapters/slack/client.js';
import { SLACK_SECRETS, SLACK_SIGNING_SECRET, secretValue, slackBotToken } from '../adapters/secrets/index.js';
import { errorMessage, redactText } from '../logs.js';
import { getRuntime } from '../runtime.js';

/** The parts of an HTTP request the endpoint reads (firebase-functions' Request has them all). */
export interface SlackHttpRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  /** The body's bytes as received: the signature covers exactly these. */
  readonly rawBody?: Buffer;
}

/** The parts of an HTTP response it writes (express's Response). */
export interface SlackHttpResponse {
  status(code: number): SlackHttpResponse;
  json(body: unknown): unknown;
  send(body?: unknown): unknown;
}

export interface SlackEndpointLog {
  refused(status: number, reason: string): void;
  queued(requestId: string, kind: SlackPayload['kind'], duplicate: boolean): void;
  modalFailed(error: unknown): void;
}

export interface SlackEndpointDeps {
  /** The signing secret ('' when not configured: every request is refused). */
  readonly signingSecret: string;
  readonly now: () => number;
  readonly queue: (payload: SlackPayload, receivedAt: number) => Promise<'queued' | 'duplicate'>;
  /** `views.open` with the click's trigger id. */
  readonly openModal: (triggerId: string, view: Block) => Promise<void>;
  readonly log: SlackEndpointLog;
}

/** Handles one request from Slack. */
export async function handleSlackHttp(
  req: SlackHttpRequest,
  res: SlackHttpResponse,
  deps: SlackEndpointDeps,
): Promise<void> {
  const refuse = (status: number, error: string): void => {
    deps.log.refused(status, error);
    res.status(status).json({ ok: false, error });
  };
  if (req.method !== 'POST') return refuse(405, 'only POST');
  if (!deps.signingSecret) return refuse(500, 'the Slack signing secret is not configured');
  const body = req.rawBody ?? Buffer.alloc(0);
  const check = verifySlackSignature({
    secret: deps.signingSecret,
    timestamp: header(req.headers, 'x-slack-request-timestamp'),
    signature: header(req.headers, 'x-slack-signature'),
    body,
    nowMs: deps.now(),
  });
  if (!check.ok) return refuse(401, `invalid request signature (${check.reason})`);

  const parsed = parseSlackBody(body.toString('utf8'));
  if (!parsed.ok) return refuse(400, parsed.reason);
  const payload = parsed.value;

  if (payload.kind === 'block_actions' && payload.payload.actions[0]?.action_id === ACTIONS.reject) {
    await openRejectModal(deps, payload.payload);
    res.status(200).send('');
    return;
  }
  const result = await deps.queue(payload, deps.now());
  deps.log.queued(requestKey(payload), payload.kind, result === 'duplicate');
  res.status(200).send('');
}

async function openRejectModal(
  deps: SlackEndpointDeps,
  p: Extract<SlackPayload, { kind: 'block_actions' }>['payload'],
): Promise<void> {
  const rolloutId = p.actions[0]?.value ?? '';
  const metadata: ModalMetadata = {
    rolloutId,
    channelId: p.channel?.id ?? p.container?.channel_id ?? null,
    channelName: p.channel?.name ?? null,
    responseUrl: p.response_url ?? null,
  };
  try {
    await deps.openModal(p.trigger_id, rejectModal(rolloutId, JSON.stringify(metadata)));
  } catch (error) {
    deps.log.modalFailed(error);
    if (p.response_url) {
      await respond(p.response_url, {
        text: `:warning: Runway could not open the form (${errorMessage(error)}). Use \`/runway reject ${rolloutId} REASON\`.`,
      });
    }
  }
}

function requestKey(payload: SlackPayload): string {
  if (payload.kind === 'command') return payload.command.trigger_id;
  if (payload.kind === 'block_actions') return payload.payload.trigger_id;
  return payload.payload.view.id;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The log lines as written in production. */
export const slackEndpointLog: SlackEndpointLog = {
  refused(status, reason) {
    logger.warn(`slack request refused (${status}): ${redactText(reason)}`, { status, reason: redactText(reason) });
  },
  queued(requestId, kind, duplicate) {
    logger.info(`slack ${kind} ${duplicate ? 'seen before, dropped' : 'queued'}`, { requestId, kind, duplicate });
  },
  modalFailed(error) {
    logger.warn(`slack: views.open failed: ${errorMessage(error)}`);
  },
};

/** Builds the HTTPS function around {@link handleSlackHttp}. */
export function createSlackFunction(resolveDeps: () => SlackEndpointDeps) {
  return onRequest({ secrets: SLACK_SECRETS, timeoutSeconds: 10, memory: '256MiB' }, (req, res) =>
    handleSlackHttp(req, res, resolveDeps()),
  );
}

/** The deployed endpoint. */
export const slack = createSlackFunction(() => {
  const { db, clock } = getRuntime();
  const token = slackBotToken();
  return {
    signingSecret: secretValue(SLACK_SIGNING_SECRET),
    now: () => clock.now(),
    queue: (payload, receivedAt) => queueRequest(db, payload, receivedAt),
    openModal: async (triggerId, view) => {
      if (!token) throw new Error('no SLACK_BOT_TOKEN');
      await createSlackClient(token).views.open({ trigger_id: triggerId, view: view as never });
    },
    log: slackEndpointLog,
  };
});
