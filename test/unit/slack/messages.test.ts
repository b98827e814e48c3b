/** What Runway says, and where: Block Kit messages, thread notes, routing by topic and severity, and emails. */
import { describe, expect, it } from 'vitest';
import { planNotification } from '../../../functions/src/domain/messages/routing.js';
import { eventNote, rolloutMessage, isNotable } from '../../../functions/src/domain/messages/slackBlocks.js';
import { emailOf } from '../../../functions/src/domain/messages/email.js';
import type { Notify, NotifyTopic } from '../../../functions/src/domain/effects.js';
import type { Rollout } from '../../../functions/src/domain/rollout.js';
import { canaryPolicy, driveTo, FAILING } from '../../support/domain-fixtures.js';

const notify = (topic: NotifyTopic, severity: Notify['severity'] = 'info', rolloutId: string | null = 'r'): Notify => ({
  id: 't:1:0',
  type: 'notify',
  targetId: 'checkout.production',
  rolloutId,
  severity,
  topic,
  text: `${topic} happened`,
});

const buttons = (r: Rollout) =>
  JSON.stringify(rolloutMessage(r, { dashboardUrl: null }).blocks).match(/runway\.\w+/g) ?? [];

describe('the rollout message', () => {
  it('shows the phase, the weights, the verdict against its limits, the links, and the buttons that make sense now', () => {
    const sim = driveTo('progressing:analysing', { step: 1 });
    const r = sim.active;
    const message = rolloutMessage(r, { dashboardUrl: 'https://runway.acme.example' });
    const text = JSON.stringify(message.blocks);
    expect(message.text).toMatch(/^checkout\.production: [0-9a-f]{7} — Progressing$/);
    expect(text).toContain('step 2 of 2: 50% on the candidate');
    expect(text).toContain('10% → [50%] → 100%');
    expect(text).toMatch(
      /step 1: pass — errors 0% \(limit 1%; stable 0.1%\), p99 120 ms \(limit 500 ms; stable 90 ms\), 200 requests \(min 20\)/,
    );
    expect(text).toContain(
      'https://console.cloud.google.com/run/detail/europe-west1/checkout/revisions?project=acme-prod&revision=',
    );
    expect(text).toContain(`https://runway.acme.example/rollouts/${encodeURIComponent(r.id)}`);
    expect(buttons(r)).toEqual(['runway.actions', 'runway.promote', 'runway.rollback']);
    expect(text).toContain('"confirm":{"title"'); // Roll back asks first
  });

  it('asks for approval with Approve and Reject', () => {
    const r = driveTo('approval:beforePromotion', {
      policy: canaryPolicy({ approval: { required: true, timeout: '1h' } }),
    }).active;
    expect(buttons(r)).toEqual(['runway.actions', 'runway.approve', 'runway.reject', 'runway.rollback']);
    const note = eventNote('awaiting_approval', r, '', { onCall: null });
    expect(JSON.stringify(note.blocks)).toContain('runway.approve');
    expect(note.text).toMatch(/^Approval needed for checkout\.production [0-9a-f]{7}: approver or admin\.$/);
  });

  it('says why it rolled back, with the failed verdict, and offers nothing more to click', () => {
    const sim = driveTo('progressing:analysing');
    sim.answer(true, { metrics: FAILING });
    const r = sim.active;
    expect(r.phase).toBe('rolling_back');
    expect(eventNote('rolling_back', r, '', { onCall: null }).text).toMatch(/^Rolling back \(analysis failed\): /);
    expect(buttons(r)).toEqual([]);
  });

  it('mentions on-call in the note of a failed rollback', () => {
    const r = { ...driveTo('progressing:baking').active, phase: 'failed' as const };
    expect(eventNote('failed', r, '', { onCall: 'S0ONCALL' }).text).toMatch(/^<!subteam\^S0ONCALL> Rollback FAILED/);
    expect(eventNote('failed', r, '', { onCall: 'U0BOB' }).text).toMatch(/^<@U0BOB> /);
  });
});

describe('routing', () => {
  const notifications = {
    slack: { channel: '#checkout', bySeverity: { urgent: '#incidents' }, onCall: 'S0ONCALL' },
    email: { to: ['oncall@acme.example'] },
  };
  const r = driveTo('progressing:baking').active;

  it.each([
    // topic, severity, thread note?, copy to, email?
    ['progressing', 'info', false, null, false],
    ['awaiting_approval', 'info', true, null, true],
    ['promoted', 'info', true, null, false],
    ['rolled_back', 'warning', true, null, true],
    ['failed', 'urgent', true, '#incidents', true],
    ['succeeded', 'info', true, null, false],
    ['approval.timeout', 'warning', true, null, true],
  ] as const)('%s (%s): note %s, copy %s, email %s', (topic, severity, note, also, email) => {
    const plan = planNotification(notify(topic, severity), notifications, r);
    expect(plan.slack).toEqual({ channel: '#checkout', message: true, note, alsoTo: also, onCall: 'S0ONCALL' });
    expect(plan.email !== null).toBe(email);
  });

  it('emails successes only with onSuccess, and drops what is below minSeverity', () => {
    expect(planNotification(notify('succeeded'), { email: { to: ['a@b.c'], onSuccess: true } }, r).email).toEqual({
      to: ['a@b.c'],
    });
    expect(
      planNotification(notify('awaiting_approval'), { email: { to: ['a@b.c'], minSeverity: 'warning' } }, r).email,
    ).toBeNull();
    expect(
      planNotification(notify('rolled_back', 'warning'), { email: { to: ['a@b.c'], minSeverity: 'warning' } }, r).email,
    ).not.toBeNull();
  });

  it('posts target-level events as messages of their own, and routes nothing for a target with no notifications', () => {
    expect(planNotification(notify('build.failed', 'warning', null), notifications, null).slack).toMatchObject({
      message: false,
      note: true,
    });
    expect(planNotification(notify('failed', 'urgent'), {}, r)).toEqual({ slack: null, email: null });
  });

  it('treats every topic as notable or not, explicitly', () => {
    expect(['queued', 'deploying', 'verifying', 'progressing'].filter((t) => isNotable(t as NotifyTopic))).toEqual([]);
  });
});

describe('email', () => {
  it('has a subject, a text part and an HTML part with the same facts and links', () => {
    const r = driveTo('approval:beforePromotion', {
      policy: canaryPolicy({ approval: { required: true, timeout: '1h' } }),
    }).active;
    const mail = emailOf(notify('awaiting_approval'), r, 'https://runway.acme.example');
    expect(mail.subject).toMatch(/^\[Runway\] checkout\.production: [0-9a-f]{7} approval needed$/);
    expect(mail.text).toContain(`Rollout:   ${r.id}`);
    expect(mail.text).toContain('Approve or reject it in Slack (approver or admin).');
    expect(mail.html).toContain('<a href="https://runway.acme.example/rollouts/');
    expect(emailOf(notify('failed', 'urgent'), r, null).subject).toMatch(/^\[URGENT\] \[Runway\]/);
  });
});
