/**
 * Notifications and published events as structured log lines: what Runway does until the Slack, email (issue 5) and
 * Pub/Sub `runway-events` (issue 4) adapters replace them. A legitimate no-op, since both are best effort and never hold
 * up a rollout.
 */
import type { Notify, PublishEvent } from '../../domain/effects.js';
import type { EventPublisherPort, NotifierPort } from '../../engine/ports.js';
import { eventLoggedNotPublished, notificationLogged } from '../../logs.js';

/** Writes each notification as a log line. */
export const logNotifier: NotifierPort = {
  notify: (effect: Notify): Promise<void> => {
    notificationLogged(effect);
    return Promise.resolve();
  },
};

/** Writes each event as a log line. */
export const logPublisher: EventPublisherPort = {
  publish: (effect: PublishEvent): Promise<void> => {
    eventLoggedNotPublished(effect);
    return Promise.resolve();
  },
};
