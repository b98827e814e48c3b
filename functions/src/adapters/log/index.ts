/**
 * Notifications as structured log lines: what Runway does until the Slack and email adapters replace them. A legitimate
 * no-op, since notifications are best effort and never hold up a rollout.
 */
import type { Notify } from '../../domain/effects.js';
import type { NotifierPort } from '../../engine/ports.js';
import { notificationLogged } from '../../logs.js';

/** Writes each notification as a log line. */
export const logNotifier: NotifierPort = {
  notify: (effect: Notify): Promise<void> => {
    notificationLogged(effect);
    return Promise.resolve();
  },
};
