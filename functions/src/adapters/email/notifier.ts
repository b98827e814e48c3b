/**
 * Notifications by email: the content from domain/messages/email.ts, an HTML and a text part, to the target's
 * recipients. The Message-ID is derived from the effect's id, so a mail client shows a repeat as the same message; the
 * send is recorded in `deliveries/`, so a retried notification does not send it again.
 */
import type { Transporter } from 'nodemailer';
import type { Notify } from '../../domain/effects.js';
import { emailOf } from '../../domain/messages/email.js';
import type { Rollout } from '../../domain/rollout.js';
import type { Deliveries } from '../notify/deliveries.js';

export interface EmailNotifierDeps {
  readonly transport: Transporter;
  readonly from: string;
  readonly deliveries: Deliveries;
  readonly dashboardUrl: string | null;
}

/** The Message-ID of the email for notification `effectId`: stable across retries. */
export function messageIdOf(effectId: string): string {
  return `<${encodeURIComponent(effectId).replace(/%/g, '=')}@runway.invalid>`;
}

/** Sends the email of `effect` to `to`. */
export async function notifyEmail(
  deps: EmailNotifierDeps,
  effect: Notify,
  to: readonly string[],
  rollout: Rollout | null,
): Promise<void> {
  const content = emailOf(effect, rollout, deps.dashboardUrl);
  const messageId = messageIdOf(effect.id);
  const info = (await deps.transport.sendMail({
    from: deps.from,
    to: [...to],
    subject: content.subject,
    text: content.text,
    html: content.html,
    messageId,
    headers: {
      'X-Runway-Effect': effect.id,
      'X-Runway-Severity': effect.severity,
      ...(effect.severity === 'urgent' ? { Importance: 'high', 'X-Priority': '1' } : {}),
    },
  })) as { messageId?: string; accepted?: unknown[] };
  await deps.deliveries.record(effect.id, 'email', { messageId: info.messageId ?? messageId, to: [...to] });
}
