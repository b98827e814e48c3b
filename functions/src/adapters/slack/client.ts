/**
 * The Slack Web API client: `@slack/web-api`'s WebClient with limits that suit a best-effort notifier. Each HTTP call
 * times out after {@link SLACK_TIMEOUT_MS}; failures are retried twice, quickly; a 429 waits for its `retry-after`
 * (the client does that) within those retries. Whatever still fails throws, and the effect runner retries the
 * notification later — a Slack outage never holds up anything else.
 *
 * `RUNWAY_SLACK_API_URL` points the client at a stand-in (the sandbox's); unset, it talks to slack.com.
 */
import * as logger from 'firebase-functions/logger';
import { LogLevel, WebClient, type ChatPostMessageArguments, type Logger } from '@slack/web-api';
import { redactText } from '../../logs.js';

/** The environment variable with the base URL of a Slack Web API stand-in, e.g. `http://127.0.0.1:8092/api/`. */
export const SLACK_API_URL_ENV = 'RUNWAY_SLACK_API_URL';

/** One HTTP call's limit. */
export const SLACK_TIMEOUT_MS = 5_000;

/** A Web API client for `token`. */
export function createSlackClient(token: string, apiUrl: string | undefined = slackApiUrl()): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
    timeout: SLACK_TIMEOUT_MS,
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2_000, randomize: true },
    rejectRateLimitedCalls: false,
    logLevel: LogLevel.WARN,
    logger: slackLogger,
  });
}

/** The stand-in's URL from the environment, if any. */
export function slackApiUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[SLACK_API_URL_ENV] || undefined;
}

/** The client's own log lines, redacted, through the Cloud Functions logger. */
const slackLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (...msgs: unknown[]) => logger.warn(`slack web api: ${redactText(msgs.map(String).join(' '))}`),
  error: (...msgs: unknown[]) => logger.error(`slack web api: ${redactText(msgs.map(String).join(' '))}`),
  setLevel: () => undefined,
  getLevel: () => LogLevel.WARN,
  setName: () => undefined,
};

/** The blocks as the client's types name them (the domain renders the same Block Kit JSON, typed loosely). */
export type SlackBlocks = Extract<ChatPostMessageArguments, { blocks: unknown }>['blocks'];

/** The domain's blocks for the client. */
export function blocksOf(blocks: readonly Readonly<Record<string, unknown>>[]): SlackBlocks {
  return blocks as unknown as SlackBlocks;
}
