/**
 * The notifier against the Slack stand-in (the Web API over HTTP, form-encoded, 429s with retry-after) and the SMTP sink
 * (nodemailer, pooled), driven by real rollouts of the engine on the Firestore emulator: one message per rollout, posted
 * when it starts and updated in place, thread replies for notable events, routing by severity, the on-call mention,
 * emails with both parts, each notification sent once even when its effect runs again — and a Slack outage that delays
 * notifications and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackClient } from '../../../functions/src/adapters/slack/client.js';
import { createNotifier } from '../../../functions/src/adapters/notify/index.js';
import { silentNotifierLog } from '../../../functions/src/adapters/notify/log.js';
import { messageIdOf } from '../../../functions/src/adapters/email/notifier.js';
import { SMTP_URL_ENV } from '../../../functions/src/adapters/email/transport.js';
import type { EffectDoc } from '../../../functions/src/adapters/firestore/documents.js';
import type { Notify } from '../../../functions/src/domain/effects.js';
import { createEffectRunner } from '../../../functions/src/engine/runner.js';
import { silentLog } from '../../../functions/src/logs.js';
import { createMailSink, type MailSink } from '../../../sandbox/src/mail/sink.js';
import { createSlackStandIn, type SlackStandIn } from '../../../sandbox/src/slack/server.js';
import {
  buildSucceeded,
  CHECKOUT,
  CHECKOUT_SERVICE,
  createHarness,
  STABLE_REVISION,
  type Harness,
} from '../../support/engine-harness.js';
import { drive } from '../../support/engine-driver.js';
import { HEALTHY } from '../../../functions/src/adapters/memory/index.js';
import { BOT_TOKEN, SLACK_CONFIG, driveUntil } from './support.js';

let slack: SlackStandIn;
let mail: MailSink;

beforeAll(async () => {
  mail = createMailSink();
  const port = await mail.listen();
  process.env[SMTP_URL_ENV] = `smtp://127.0.0.1:${port}`;
  slack = createSlackStandIn({ mail });
  await slack.listen();
});
afterAll(async () => {
  delete process.env[SMTP_URL_ENV];
  await slack.close();
  await mail.close();
});

/** A harness whose runner notifies through the real notifier. */
function withNotifier(name: string, budgetMs = 20_000): Harness {
  const h = createHarness(name, { yaml: SLACK_CONFIG });
  const notifier = createNotifier({
    db: h.db,
    config: h.config,
    now: () => h.clock.now(),
    slackToken: () => BOT_TOKEN,
    smtp: () => ({ connection: '', password: '' }),
    slackClient: (token) => createSlackClient(token, `${slack.url()}/api/`),
    log: silentNotifierLog,
    budgetMs,
  });
  const ports = { ...h.runnerPorts, notifier };
  const runner = createEffectRunner({
    db: h.db,
    engine: h.engine,
    ports,
    clock: h.clock,
    log: silentLog,
    outbox: h.outbox,
  });
  return { ...h, runner, newRunner: () => runner };
}

const channelOf = (name: string) => slack.store.channelId(name);
const messagesIn = (name: string) => slack.store.messages.filter((m) => m.channel === channelOf(name));

describe('notifications in Slack and by email', () => {
  const h = withNotifier('slack notifier');
  afterAll(() => h.close());

  it('one message per rollout, updated in place; thread replies for notable events; an email for the approval and the release', async () => {
    const sentBefore = slack.api.calls.length;
    await h.engine.handle(buildSucceeded('n1', h.clock.now()));
    await driveUntil(h, 'awaiting_approval');
    const rolloutId = `${CHECKOUT}@n1`;
    const top = messagesIn('#checkout').filter((m) => m.threadTs === null);
    expect(top).toHaveLength(1);
    const message = top[0]!;
    expect(message.edits).toBeGreaterThan(2);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Awaiting approval');
    expect(text).toContain('runway.approve');
    expect(text).toContain('step 2: pass');
    expect(text).toContain('limit 1%');
    expect(text).toContain('https://console.cloud.google.com/run/detail/europe-west1/checkout/revisions');
    const thread = messagesIn('#checkout').filter((m) => m.threadTs === message.ts);
    expect(thread.map((m) => m.text)).toEqual([expect.stringMatching(/^Approval needed for checkout\.production/)]);
    // Form-encoded, as Slack's Web API takes them; blocks as JSON text inside the form.
    const calls = slack.api.calls.slice(sentBefore);
    expect(calls.every((c) => c.contentType.startsWith('application/x-www-form-urlencoded'))).toBe(true);
    expect(JSON.parse(calls.find((c) => c.method === 'chat.postMessage')!.params.blocks!)).toBeInstanceOf(Array);

    await h.engine.handle({
      id: 'approve-n1',
      type: 'command.approve',
      targetId: CHECKOUT,
      rolloutId,
      actor: { kind: 'user', id: 'U0DEMOADA', name: 'Ada', via: 'slack', roles: ['approver'] },
      reason: null,
    });
    await drive(h);
    expect(messagesIn('#checkout').filter((m) => m.threadTs === null)).toHaveLength(1);
    expect(JSON.stringify(messagesIn('#checkout')[0]!.blocks)).toContain('Succeeded');
    expect(
      messagesIn('#checkout')
        .filter((m) => m.threadTs === message.ts)
        .map((m) => m.text.split(':')[0]),
    ).toEqual(['Approval needed for checkout.production c0ffeen', 'Promoted to 100%; guard window 10m.', 'Succeeded']);
    const mails = mail.mails.filter((m) => m.subject.includes('c0ffeen'));
    expect(mails.map((m) => m.subject)).toEqual([
      '[Runway] checkout.production: c0ffeen approval needed',
      '[Runway] checkout.production: c0ffeen released',
    ]);
    for (const m of mails) {
      expect(m.to).toEqual(['oncall@acme.example']);
      expect(m.text).toContain(rolloutId);
      expect(m.html).toContain('<a href="https://console.cloud.google.com/run/detail/europe-west1/checkout/revisions');
    }
    const effects = await h.effects();
    const approvalNote = effects.find(
      (e) => e.type === 'notify' && (e.effect as Notify).topic === 'awaiting_approval',
    )!;
    expect(mails[0]?.messageId).toBe(messageIdOf(approvalNote.id));
    // One pooled connection carried them.
    expect(new Set(mails.map((m) => m.session)).size).toBe(1);
  });

  it('sends each notification once when its effect runs again', async () => {
    const effects = await h.effects();
    const approval = effects.find((e) => e.type === 'notify' && (e.effect as Notify).topic === 'awaiting_approval')!;
    const threadBefore = slack.store.messages.length;
    const mailsBefore = mail.mails.length;
    // A lease that expired mid-way, or a redelivered trigger: the effect is executed again, here twice more.
    const notifier = createNotifier({
      db: h.db,
      config: h.config,
      now: () => h.clock.now(),
      slackToken: () => BOT_TOKEN,
      smtp: () => ({ connection: '', password: '' }),
      slackClient: (token) => createSlackClient(token, `${slack.url()}/api/`),
      log: silentNotifierLog,
    });
    await notifier.notify(approval.effect as Notify);
    await notifier.notify(approval.effect as Notify);
    expect(slack.store.messages.length).toBe(threadBefore); // the message was updated, nothing posted
    expect(mail.mails.length).toBe(mailsBefore);
  });

  it('waits out a 429 with retry-after and posts once', async () => {
    slack.api.faults.push({ status: 429, retryAfterSeconds: 1, method: 'chat.postMessage', count: 1 });
    const before = messagesIn('#checkout').filter((m) => m.threadTs === null).length;
    await h.engine.handle(buildSucceeded('n2', h.clock.now()));
    await drive(h, { fireTimers: false });
    const limited = slack.api.calls.filter((c) => c.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(messagesIn('#checkout').filter((m) => m.threadTs === null)).toHaveLength(before + 1);
  });
});

describe('failures and routing by severity', () => {
  const h = withNotifier('slack failures');
  afterAll(() => h.close());

  it('a failed rollback is urgent: a thread reply broadcast, a copy in #incidents mentioning on-call, an email', async () => {
    await h.engine.handle(buildSucceeded('f1', h.clock.now()));
    await driveUntil(h, 'progressing');
    // The analysis fails the step; then Cloud Run refuses the rollback.
    const candidate = (await h.rollout(`${CHECKOUT}@f1`))!.candidate!.revision;
    h.ports.metrics.set(candidate, { ...HEALTHY, errors: 100 });
    h.ports.cloudRun.trafficFaults.failWith('permission denied on run.services.update');
    await drive(h);
    const rollout = await h.rollout(`${CHECKOUT}@f1`);
    expect(rollout?.phase).toBe('failed');
    const incidents = messagesIn('#incidents');
    expect(incidents.map((m) => m.text)).toEqual([
      expect.stringMatching(/^<!subteam\^S0ONCALL> Rollback FAILED for checkout\.production/),
    ]);
    const thread = messagesIn('#checkout').filter((m) => m.threadTs !== null);
    expect(thread.map((m) => m.text.split(' ')[0])).toEqual(expect.arrayContaining(['Rolling', '<!subteam^S0ONCALL>']));
    expect(
      mail.mails.some((m) => m.subject.startsWith('[URGENT] [Runway] checkout.production: c0ffeef ROLLBACK FAILED')),
    ).toBe(true);
  });
});

describe('a Slack outage', () => {
  const h = withNotifier('slack outage', 1_500);
  afterAll(() => h.close());

  it('never holds up a rollback: traffic returns to stable while every Slack call fails or hangs', async () => {
    await h.engine.handle(buildSucceeded('o1', h.clock.now()));
    await driveUntil(h, 'progressing');
    slack.api.faults.push({ status: 503, count: 1_000 });
    await h.engine.handle({
      id: 'rollback-o1',
      type: 'target.rollback',
      targetId: CHECKOUT,
      actor: { kind: 'user', id: 'U0DEMODEV', name: 'Dev', via: 'slack', roles: ['deployer'] },
      reason: 'errors in EU',
      toRevision: null,
    });
    const report = await drive(h, { fireTimers: false });
    slack.api.faults.length = 0;
    const rollout = await h.rollout(`${CHECKOUT}@o1`);
    expect(rollout?.phase).toBe('rolled_back');
    expect(h.ports.cloudRun.trafficOf(CHECKOUT_SERVICE)).toEqual([{ revision: STABLE_REVISION, percent: 100 }]);
    // The notifications failed (and are retried later, up to their limit); the rollback did not wait for them.
    expect(report.errors.length).toBeGreaterThan(0);
    const notes = (await h.effects()).filter((e: EffectDoc) => e.type === 'notify' && e.rolloutId === `${CHECKOUT}@o1`);
    expect(notes.some((e) => e.status === 'pending' || e.status === 'failed')).toBe(true);
  });
});
