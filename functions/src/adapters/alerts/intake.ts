/**
 * What both alert triggers do with a parsed notification: map it to targets and events, hand them to the engine, and say
 * what became of it. The Pub/Sub trigger and the webhook differ only in how a notification arrives and how they answer.
 */
import * as logger from 'firebase-functions/logger';
import type { RunwayConfig } from '../../domain/config/load.js';
import type { AlertEvent, IncidentEventsOutcome } from '../../domain/incidentEvents.js';
import type { Millis } from '../../domain/rollout.js';
import type { TargetMiss } from '../../domain/targeting.js';
import { deliverAll, type Delivery } from '../../engine/deliver.js';
import type { Engine } from '../../engine/types.js';
import { errorMessage, redactText } from '../../logs.js';
import { describeRejection, outcomeOfIncident } from './interpret.js';
import type { IncidentParseResult } from './parse.js';

/** Where a notification came from, for its log lines. */
export interface AlertContext {
  readonly channel: 'pubsub' | 'webhook';
  readonly messageId: string | null;
  readonly incidentId: string | null;
  readonly state: string | null;
}

/** The alert triggers' log lines. Handled events are logged by the engine itself. */
export interface AlertLog {
  /** The notification is for no target, or malformed; acknowledged. */
  rejected(reason: string, misses: readonly TargetMiss[], context: AlertContext): void;
  /** Timings of one notification, for the benchmark and for people asking "why did that take so long?". */
  handled(context: AlertContext, timing: AlertTiming): void;
  engineFailed(event: AlertEvent, error: unknown, transient: boolean): void;
}

/** Milliseconds spent on one notification, by stage. */
export interface AlertTiming {
  readonly receivedAt: Millis;
  /** When Pub/Sub accepted the message (Pub/Sub channel only). */
  readonly publishedAt: Millis | null;
  readonly parseMs: number;
  readonly engineMs: number;
}

export interface AlertDeps {
  readonly config: RunwayConfig;
  readonly engine: Engine;
  readonly log: AlertLog;
  /** Milliseconds since the epoch. */
  readonly now: () => Millis;
}

/** What became of one notification. */
export type AlertReport =
  Extract<IncidentEventsOutcome, { kind: 'rejected' }> | ({ readonly kind: 'handled' } & Delivery);

/** Maps, delivers and logs one parsed notification. Never throws: the caller decides about retries from `retryable`. */
export async function takeIncident(
  parsed: IncidentParseResult,
  context: AlertContext,
  deps: AlertDeps,
  timing: { readonly receivedAt: Millis; readonly publishedAt: Millis | null; readonly parsedAt: Millis },
): Promise<AlertReport> {
  const outcome = outcomeOfIncident(parsed, deps.config, timing.receivedAt);
  if (outcome.kind === 'rejected') {
    deps.log.rejected(outcome.reason, outcome.misses, context);
    return outcome;
  }
  const delivery = await deliverAll(deps.engine, outcome.events, (event, error, transient) =>
    deps.log.engineFailed(event, error, transient),
  );
  deps.log.handled(context, {
    receivedAt: timing.receivedAt,
    publishedAt: timing.publishedAt,
    parseMs: timing.parsedAt - timing.receivedAt,
    engineMs: deps.now() - timing.parsedAt,
  });
  return { kind: 'handled', ...delivery };
}

/** The context of a parse result. */
export function contextOf(
  parsed: IncidentParseResult,
  channel: AlertContext['channel'],
  messageId: string | null,
): AlertContext {
  return parsed.ok
    ? {
        channel,
        messageId: parsed.messageId ?? messageId,
        incidentId: parsed.incident.incidentId,
        state: parsed.incident.state,
      }
    : { channel, messageId, incidentId: null, state: null };
}

/** The log lines as written in production. */
export const alertLog: AlertLog = {
  rejected(reason, misses, context) {
    const lines = describeRejection({ kind: 'rejected', reason, misses }).map(redactText);
    logger.warn(`monitoring notification rejected (acknowledged, not retried):\n${lines.join('\n')}`, {
      ...context,
      reason: redactText(reason),
      misses: misses.map((miss) => ({ targetId: miss.targetId, reason: redactText(miss.reason) })),
    });
  },
  handled(context, timing) {
    logger.info(`monitoring notification ${context.incidentId ?? '?'} (${context.state ?? '?'}) handled`, {
      ...context,
      alertTiming: timing,
    });
  },
  engineFailed(event, error, transient) {
    (transient ? logger.warn : logger.error)(
      `${event.type} ${event.id} for ${event.targetId} failed${transient ? ' transiently; it will be redelivered' : ''}`,
      { eventId: event.id, targetId: event.targetId, transient, error: errorMessage(error) },
    );
  },
};
