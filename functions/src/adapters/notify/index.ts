/**
 * The notifier: one {@link NotifierPort}, built by {@link createNotifier}, that sends each notification where its
 * target's `notifications` route it (domain/messages/routing.ts): Slack (adapters/slack), email (adapters/email), or
 * — for a target with neither, or when Runway has no Slack token or SMTP connection — a log line (the no-op notifier).
 *
 * Best effort (DESIGN.md rule 9): notifications run as effects of their own, apart from the effects that move traffic,
 * and every Slack and SMTP call has a timeout, so an outage delays only the notification. A part that fails makes the
 * effect throw, and the runner retries it; parts already sent are recorded and not sent again.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { Transporter } from 'nodemailer';
import type { WebClient } from '@slack/web-api';
import type { RunwayConfig } from '../../domain/config/load.js';
import type { Notify } from '../../domain/effects.js';
import { planNotification } from '../../domain/messages/routing.js';
import type { Rollout, TargetState } from '../../domain/rollout.js';
import type { NotifierPort } from '../../engine/ports.js';
import { rolloutRef, targetRef } from '../firestore/collections.js';
import { fromTargetDoc } from '../firestore/documents.js';
import { createSlackClient } from '../slack/client.js';
import { notifySlack } from '../slack/notifier.js';
import { createTransport, settingsFrom, type SmtpSettings } from '../email/transport.js';
import { notifyEmail } from '../email/notifier.js';
import { firestoreDeliveries, type Deliveries } from './deliveries.js';
import { notifierLog, type NotifierLog } from './log.js';

/** How long the Slack part, and the email part, of one notification may take. */
export const NOTIFY_BUDGET_MS = 20_000;

export interface NotifierDeps {
  readonly db: Firestore;
  readonly config: RunwayConfig;
  readonly now: () => number;
  /** The bot token, read when a notification is sent (a secret is only readable inside a function that declares it). */
  readonly slackToken: () => string;
  /** The SMTP connection URL and password, read likewise. */
  readonly smtp: () => { readonly connection: string; readonly password: string };
  readonly log?: NotifierLog;
  readonly deliveries?: Deliveries;
  readonly budgetMs?: number;
  /** For tests: replaces the Slack client (the stand-in's URL comes from RUNWAY_SLACK_API_URL otherwise). */
  readonly slackClient?: (token: string) => WebClient;
}

/** The notifier. Clients and the SMTP pool are made on first use and kept while their settings stay the same. */
export function createNotifier(deps: NotifierDeps): NotifierPort {
  const log = deps.log ?? notifierLog;
  const deliveries = deps.deliveries ?? firestoreDeliveries(deps.db, deps.now);
  const budget = deps.budgetMs ?? NOTIFY_BUDGET_MS;
  const policies = new Map(deps.config.targets.map((p) => [p.id, p]));
  const { dashboardUrl } = deps.config.people;
  let slack: { token: string; client: WebClient } | null = null;
  let mail: { key: string; transport: Transporter } | null = null;

  function slackClient(): WebClient | null {
    const token = deps.slackToken();
    if (!token) return null;
    if (slack?.token !== token) slack = { token, client: (deps.slackClient ?? createSlackClient)(token) };
    return slack.client;
  }

  function transport(): { transport: Transporter; settings: SmtpSettings } | null {
    const { connection, password } = deps.smtp();
    const settings = settingsFrom(connection, password);
    if (!settings) return null;
    const key = JSON.stringify(settings);
    if (mail?.key !== key) {
      mail?.transport.close();
      mail = { key, transport: createTransport(settings) };
    }
    return { transport: mail.transport, settings };
  }

  async function read(effect: Notify): Promise<{ rollout: Rollout | null; target: TargetState }> {
    const refs = [targetRef(deps.db, effect.targetId)];
    if (effect.rolloutId) refs.push(rolloutRef(deps.db, effect.rolloutId));
    const [targetSnap, rolloutSnap] = await deps.db.getAll(...refs);
    return {
      target: fromTargetDoc(effect.targetId, targetSnap?.data()),
      rollout: (rolloutSnap?.data() as Rollout | undefined) ?? null,
    };
  }

  async function readRollout(id: string): Promise<Rollout | null> {
    return ((await rolloutRef(deps.db, id).get()).data() as Rollout | undefined) ?? null;
  }

  return {
    async notify(effect) {
      const { rollout, target } = await read(effect);
      const notifications = rollout?.policy.notifications ?? policies.get(effect.targetId)?.notifications ?? {};
      const plan = planNotification(effect, notifications, rollout);
      // Only parts that are sent once need the record (the message update renders the rollout as it is now).
      const once = plan.email !== null || plan.slack?.note === true;
      const sent = once ? await deliveries.sent(effect.id) : new Set<never>();
      const parts: Promise<string>[] = [];

      const client = plan.slack ? slackClient() : null;
      if (plan.slack && client) {
        const route = plan.slack;
        parts.push(
          within(budget, 'Slack', async () => {
            await notifySlack(
              {
                db: deps.db,
                client,
                deliveries,
                now: deps.now,
                dashboardUrl,
                readRollout,
                frozenOf: () => Promise.resolve(target.frozen),
              },
              effect,
              route,
              rollout,
              sent,
            );
            return `slack ${route.channel}`;
          }),
        );
      } else if (plan.slack) log.notConfigured(effect, 'slack', 'no SLACK_BOT_TOKEN');

      const smtp = plan.email && !sent.has('email') ? transport() : null;
      if (plan.email && smtp) {
        const to = plan.email.to;
        const from = deps.config.people.email.from ?? smtp.settings.user ?? 'runway@localhost';
        parts.push(
          within(budget, 'SMTP', async () => {
            await notifyEmail({ transport: smtp.transport, from, deliveries, dashboardUrl }, effect, to, rollout);
            return `email ${to.join(', ')}`;
          }),
        );
      } else if (plan.email && !sent.has('email')) log.notConfigured(effect, 'email', 'no SMTP_CONNECTION');

      if (parts.length === 0) {
        log.logged(effect);
        return;
      }
      const settled = await Promise.allSettled(parts);
      const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      const done = settled.filter((s): s is PromiseFulfilledResult<string> => s.status === 'fulfilled');
      if (done.length > 0)
        log.sent(
          effect,
          done.map((s) => s.value),
        );
      if (failed[0]) throw failed[0].reason;
    },
  };
}

/** Runs `work`, failing with a clear error after `ms`. */
async function within<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
