/**
 * `slackRequest`: does the work of each request the `slack` endpoint queued (adapters/slack/worker.ts) — who asked,
 * what they may do, the engine's answer, the reply through `response_url`, the audit record. `retry: true`: a transient
 * failure (Firestore, Slack's directory) throws and the request is worked on again; the engine's dedupe by event id
 * makes a repeat change nothing.
 */
import * as logger from 'firebase-functions/logger';
import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { createSlackClient } from '../adapters/slack/client.js';
import { createSlackDirectory, type SlackDirectory } from '../adapters/slack/directory.js';
import type { SlackRequestDoc } from '../adapters/slack/requests.js';
import { respond } from '../adapters/slack/respond.js';
import { workOnRequest, type SlackWorkerLog } from '../adapters/slack/worker.js';
import { SLACK_SECRETS, slackBotToken } from '../adapters/secrets/index.js';
import { isTransient } from '../engine/transient.js';
import { errorMessage, redactText } from '../logs.js';
import { getRuntime } from '../runtime.js';

export const slackWorkerLog: SlackWorkerLog = {
  answered(audit) {
    const write = audit.outcome.status === 'refused' || audit.outcome.status === 'error' ? logger.warn : logger.info;
    write(`slack ${audit.command} by ${audit.user.id} (${audit.user.name ?? '?'}): ${audit.outcome.status}`, {
      requestId: audit.requestId,
      user: audit.user.id,
      channel: audit.channel.id,
      command: audit.command,
      outcome: audit.outcome.status,
      message: redactText(audit.outcome.message),
    });
  },
  replyFailed(requestId, error) {
    logger.warn(`slack reply to ${requestId} failed: ${redactText(error)}`, { requestId });
  },
};

let directory: { token: string; value: SlackDirectory } | null = null;

/** The directory for the current token, kept across invocations of this instance (its cache with it). */
function directoryFor(token: string): SlackDirectory | null {
  if (!token) return null;
  if (directory?.token !== token) directory = { token, value: createSlackDirectory(createSlackClient(token)) };
  return directory.value;
}

export const slackRequest = onDocumentCreated(
  { document: 'slackRequests/{requestId}', retry: true, secrets: SLACK_SECRETS, timeoutSeconds: 60 },
  async (event) => {
    const doc = event.data?.data() as SlackRequestDoc | undefined;
    if (!doc) return;
    const { db, config, engine, clock } = getRuntime();
    try {
      await workOnRequest(
        {
          db,
          config,
          engine,
          directory: directoryFor(slackBotToken()),
          now: () => clock.now(),
          respond,
          log: slackWorkerLog,
        },
        doc,
      );
    } catch (error) {
      const transient = isTransient(error);
      logger.error(`slack request ${doc.requestId} failed${transient ? ' transiently; retrying' : ''}`, {
        requestId: doc.requestId,
        error: errorMessage(error),
      });
      if (transient) throw error;
    }
  },
);
