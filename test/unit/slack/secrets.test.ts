/**
 * Secrets never reach the logs (DESIGN.md rule 7): with Runway's Slack bot token, signing secret and SMTP password in
 * the environment (as a function that declares them has them), every log line Runway writes while it refuses forged
 * requests, fails to reach Slack and SMTP, and logs the errors those raise, is free of them. The logger is replaced by
 * one that records; the redaction helpers are checked on the values themselves.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const lines: string[] = [];
vi.mock('firebase-functions/logger', () => {
  const record =
    (severity: string) =>
    (...args: unknown[]) => {
      lines.push(`${severity} ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
    };
  return {
    debug: record('DEBUG'),
    info: record('INFO'),
    log: record('INFO'),
    warn: record('WARNING'),
    error: record('ERROR'),
    write: record('WRITE'),
  };
});

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx',
  SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
  SMTP_PASSWORD: 'correct horse battery staple',
  RUNWAY_ALERT_TOKEN: 'alert-token-d41d8cd98f00b204e9800998ecf8427e',
};

beforeAll(() => Object.assign(process.env, SECRETS));
afterAll(() => {
  for (const name of Object.keys(SECRETS)) delete process.env[name];
});

describe('secrets in logs', () => {
  it('the redaction helpers hide each secret, by shape and by value, in text and in fields', async () => {
    const { redact, redactText, errorMessage } = await import('../../../functions/src/logs.js');
    const text = `token ${SECRETS.SLACK_BOT_TOKEN}, secret ${SECRETS.SLACK_SIGNING_SECRET}, password ${SECRETS.SMTP_PASSWORD}`;
    expect(redactText(text)).toBe('token [redacted], secret [redacted], password [redacted]');
    expect(errorMessage(new Error(`auth failed for runway:${SECRETS.SMTP_PASSWORD}`))).toBe(
      'auth failed for runway:[redacted]',
    );
    // The alert webhook's token, in a URL and on its own.
    expect(redactText(`POST /alerts?token=${SECRETS.RUNWAY_ALERT_TOKEN} with ${SECRETS.RUNWAY_ALERT_TOKEN}`)).toBe(
      'POST /alerts?token=[redacted] with [redacted]',
    );
    expect(
      redact({ signingSecret: 'x', smtpPassword: 'y', botToken: 'z', note: SECRETS.SLACK_SIGNING_SECRET }),
    ).toEqual({
      signingSecret: '[redacted]',
      smtpPassword: '[redacted]',
      botToken: '[redacted]',
      note: '[redacted]',
    });
  });

  it('no log line of the Slack endpoint, the notifier or the effect log contains them', async () => {
    const { handleSlackHttp, slackEndpointLog } = await import('../../../functions/src/triggers/slack.js');
    const { notifierLog } = await import('../../../functions/src/adapters/notify/log.js');
    const { engineLog } = await import('../../../functions/src/logs.js');
    const { slackWorkerLog } = await import('../../../functions/src/triggers/slackRequest.js');
    const res = { status: () => res, json: () => undefined, send: () => undefined };
    const deps = {
      signingSecret: SECRETS.SLACK_SIGNING_SECRET,
      now: () => Date.now(),
      queue: () => Promise.reject(new Error(`should not queue`)),
      openModal: () => Promise.reject(new Error(`views.open failed with ${SECRETS.SLACK_BOT_TOKEN}`)),
      log: slackEndpointLog,
    };
    // Forged, unsigned and unreadable requests, each refused and logged.
    await handleSlackHttp(
      {
        method: 'POST',
        headers: { 'x-slack-signature': 'v0=00', 'x-slack-request-timestamp': '1' },
        rawBody: Buffer.from(`token=${SECRETS.SLACK_BOT_TOKEN}`),
      },
      res,
      deps,
    );
    await handleSlackHttp({ method: 'GET', headers: {} }, res, deps);
    slackEndpointLog.modalFailed(new Error(`invalid_auth: ${SECRETS.SLACK_BOT_TOKEN}`));
    slackEndpointLog.refused(401, `signature with ${SECRETS.SLACK_SIGNING_SECRET}`);
    slackWorkerLog.replyFailed('r1', `POST https://hooks.slack.com/x?token=${SECRETS.SLACK_BOT_TOKEN}`);
    // The notifier and the effect runner logging failures whose messages carry the secrets.
    const effect = {
      id: 't:1:0',
      type: 'notify' as const,
      targetId: 't',
      rolloutId: null,
      severity: 'urgent' as const,
      topic: 'failed' as const,
      text: `password ${SECRETS.SMTP_PASSWORD}`,
    };
    notifierLog.sent(effect, [`slack with ${SECRETS.SLACK_BOT_TOKEN}`]);
    notifierLog.logged(effect);
    engineLog.effectRetrying(effect, 1, new Error(`535 auth failed: ${SECRETS.SMTP_PASSWORD}`), Date.now());
    engineLog.effectFailed(effect, 5, new Error(`Slack said invalid_auth for ${SECRETS.SLACK_BOT_TOKEN}`));

    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const line of lines) {
      for (const [name, value] of Object.entries(SECRETS)) expect(line, `${name} in: ${line}`).not.toContain(value);
    }
    // Loading the trigger modules (firebase-admin and the SDKs) is slow on a busy machine: a limit, not a timing.
  }, 60_000);
});
