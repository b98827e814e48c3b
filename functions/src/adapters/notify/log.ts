/** The notifier's log lines. Everything passes through the redaction of logs.ts. */
import * as logger from 'firebase-functions/logger';
import type { Notify } from '../../domain/effects.js';
import { notificationLogged, redact, redactText } from '../../logs.js';

export interface NotifierLog {
  /** Sent, to where. */
  sent(effect: Notify, where: readonly string[]): void;
  /** The target routes it somewhere Runway cannot reach (no token, no SMTP connection). */
  notConfigured(effect: Notify, channel: 'slack' | 'email', why: string): void;
  /** Nowhere to send it: written as a log line, the no-op notifier. */
  logged(effect: Notify): void;
}

export const notifierLog: NotifierLog = {
  sent(effect, where) {
    logger.info(
      `notification ${effect.topic} sent: ${redactText(where.join('; '))}`,
      redact({ effectId: effect.id, targetId: effect.targetId, rolloutId: effect.rolloutId, where }),
    );
  },
  notConfigured(effect, channel, why) {
    logger.warn(`notification ${effect.topic}: ${channel} is routed but not configured (${why}); not sent there`, {
      effectId: effect.id,
      targetId: effect.targetId,
    });
  },
  logged: notificationLogged,
};

/** A log that writes nothing, for tests. */
export const silentNotifierLog: NotifierLog = {
  sent: () => undefined,
  notConfigured: () => undefined,
  logged: () => undefined,
};
