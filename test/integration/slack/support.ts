/**
 * Shared pieces of the Slack tests: a runway.yaml with roles and notifications, Slack's signing, the stand-in, and the
 * `slack` function served by express on loopback (as Cloud Functions serves it: the raw body beside the parsed one).
 */
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { CHECKOUT, TEST_CONFIG, type Harness } from '../../support/engine-harness.js';
import { drive } from '../../support/engine-driver.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-0000-bot-token';

/** The harness's checkout target, with an approval gate before promotion, Slack and email, and roles. */
export const SLACK_CONFIG = `${TEST_CONFIG.trimEnd()}
      approval: { required: true, stage: beforePromotion, roles: [approver] }
      notifications:
        slack: { channel: '#checkout', bySeverity: { urgent: '#incidents' }, onCall: S0ONCALL }
        email: { to: [oncall@acme.example], onSuccess: true }
access:
  '*':
    viewer: [everyone]
  production:
    deployer: [U0DEMODEV]
    approver: [S0DEMOREL]
    fourEyes: true
`;

/** Slack's signature headers for `body` at `timestamp` (seconds). */
export function signedHeaders(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature,
  };
}

/** Serves an onRequest function (or any express handler) on a loopback port; resolves to its URL and a closer. */
export async function serve(
  handler: (req: express.Request & { rawBody: Buffer }, res: express.Response) => unknown,
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use(express.raw({ type: '*/*', limit: '1mb' }));
  app.all(/.*/, (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    void handler(Object.assign(req, { rawBody: raw }), res);
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits for `probe` to return a value (polls; a limit, not a timing). */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, limitMs = 10_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('not within the limit');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Drives the harness, firing timers one at a time, until the checkout target's active rollout is in `phase`. */
export async function driveUntil(h: Harness, phase: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await drive(h, { fireTimers: false });
    if ((await h.target(CHECKOUT)).active?.phase === phase) return;
    const timer = h.ports.timers.pending()[0];
    if (!timer) break;
    h.clock.advanceTo(timer.dueAt);
    await h.engine.handle(h.ports.timers.fire(timer.timerId));
  }
  throw new Error(`${CHECKOUT} never reached ${phase}`);
}
