/**
 * Runway's secrets, from Secret Manager through `defineSecret` (DESIGN.md rule 7). A function may read a secret only if
 * it lists it in its options (`secrets: [...]`); a value read elsewhere is empty, which the adapters treat as "not
 * configured" (Slack or email then fall back to log lines). The emulator reads them from `functions/.secret.local`,
 * which `npm start` fills with local, non-secret values. Never log a value: logs.ts redacts them should one slip.
 */
import { defineSecret } from 'firebase-functions/params';

/** The Slack app's bot token (`xoxb-…`): chat.postMessage, chat.update, views.open, users.info, usergroups.users.list. */
export const SLACK_BOT_TOKEN = defineSecret('SLACK_BOT_TOKEN');
/** The Slack app's signing secret: every request from Slack is verified with it. */
export const SLACK_SIGNING_SECRET = defineSecret('SLACK_SIGNING_SECRET');
/** The SMTP connection, as a URL without the password: `smtps://runway@smtp.acme.example:465` or `smtp://…:587`. */
export const SMTP_CONNECTION = defineSecret('SMTP_CONNECTION');
/** The SMTP user's password. */
export const SMTP_PASSWORD = defineSecret('SMTP_PASSWORD');

/** The secrets a function that sends notifications needs. */
export const NOTIFY_SECRETS = [SLACK_BOT_TOKEN, SMTP_CONNECTION, SMTP_PASSWORD];
/** The secrets the Slack endpoint and its worker need. */
export const SLACK_SECRETS = [SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET];

/** A secret's value, or '' when this function may not read it (or it is unset). Never throws. */
export function secretValue(secret: { readonly name: string }, env: NodeJS.ProcessEnv = process.env): string {
  // Read the environment first: `value()` logs a warning for a secret the function did not declare.
  return env[secret.name] ?? '';
}

/** The bot token if it looks like one (`xox…`); '' otherwise, so that a placeholder leaves Slack off. */
export function slackBotToken(env: NodeJS.ProcessEnv = process.env): string {
  const token = secretValue(SLACK_BOT_TOKEN, env).trim();
  return token.startsWith('xox') ? token : '';
}
