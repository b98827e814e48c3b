/**
 * `alertsTopic`: Cloud Monitoring's Pub/Sub notification channel. Incidents published to `runway-alerts` (set
 * RUNWAY_ALERTS_TOPIC to listen elsewhere) become `alert.opened` / `alert.closed` events for the targets they are for.
 *
 * Thin: parsing and mapping live in adapters/alerts and domain/incidentEvents.ts. A notification that cannot become an
 * event (malformed, for no target) is logged and acknowledged; only a transient engine failure throws, so Pub/Sub
 * redelivers and the engine's dedupe (event id `alert:INCIDENT:STATE`) makes the targets already done ignore it.
 */
import { onMessagePublished } from 'firebase-functions/v2/pubsub';
import { alertLog, contextOf, takeIncident, type AlertDeps, type AlertReport } from '../adapters/alerts/intake.js';
import { parseIncidentMessage } from '../adapters/alerts/parse.js';
import { getRuntime } from '../runtime.js';

/** The topic Monitoring's Pub/Sub channel publishes to. */
export const ALERTS_TOPIC = process.env.RUNWAY_ALERTS_TOPIC ?? 'runway-alerts';

/** Thrown when a transient engine failure should make Pub/Sub redeliver the message. */
export class RetryableAlertError extends Error {
  override readonly name = 'RetryableAlertError';
}

/** Handles one Pub/Sub message; rejects only with a {@link RetryableAlertError}. */
export async function handleAlertMessage(
  message: unknown,
  deps: AlertDeps,
  publishTime: string | null = null,
): Promise<AlertReport> {
  const receivedAt = deps.now();
  const parsed = parseIncidentMessage(message);
  const parsedAt = deps.now();
  const publishedAt = publishTime ? Date.parse(publishTime) : null;
  const report = await takeIncident(parsed, contextOf(parsed, 'pubsub', null), deps, {
    receivedAt,
    publishedAt: Number.isFinite(publishedAt) ? publishedAt : null,
    parsedAt,
  });
  if (report.kind === 'handled' && report.retryable.length > 0) {
    throw new RetryableAlertError(`transient failure handling an incident: ${report.retryable.join('; ')}`);
  }
  return report;
}

/** Builds the Cloud Function around {@link handleAlertMessage}. Tests pass their own dependencies. */
export function createAlertsTopicFunction(resolveDeps: () => AlertDeps) {
  return onMessagePublished({ topic: ALERTS_TOPIC, retry: true }, (event) =>
    handleAlertMessage(event.data.message, resolveDeps(), event.data.message.publishTime ?? null),
  );
}

/** The deployed trigger, wired to the runtime. */
export const alertsTopic = createAlertsTopicFunction(() => {
  const { config, engine, clock } = getRuntime();
  return { config, engine, log: alertLog, now: () => clock.now() };
});
