/**
 * The `cloudBuilds` trigger: Cloud Build's notifications on the `cloud-builds` topic (set RUNWAY_CLOUD_BUILD_TOPIC to
 * listen elsewhere) become `build.succeeded` / `build.failed` events for the engine.
 *
 * Thin on purpose: parsing and mapping live in adapters/cloudbuild and domain/buildEvents.ts (shared with
 * `runway events parse`). The one decision made here is about retries: a message that cannot become an event
 * (malformed, unfinished build, no matching target) is logged and acknowledged, because redelivering it can never help;
 * only a transient failure of the engine (Firestore unavailable, contention) throws, so Pub/Sub redelivers the message
 * and the engine's per-event dedupe makes the targets already done ignore it.
 */
import * as logger from 'firebase-functions/logger';
import { onMessagePublished } from 'firebase-functions/v2/pubsub';
import { describeOutcome, outcomeOfCloudBuild } from '../adapters/cloudbuild/interpret.js';
import { parseCloudBuildMessage } from '../adapters/cloudbuild/parse.js';
import type { BuildEvent, BuildEventsOutcome } from '../domain/buildEvents.js';
import type { RunwayConfig } from '../domain/config/load.js';
import type { TargetMiss } from '../domain/targeting.js';
import type { Engine, HandleResult } from '../engine/types.js';
import { errorMessage, redactText } from '../logs.js';
import { deliverAll } from '../engine/deliver.js';
import { getRuntime } from '../runtime.js';

/** Where a log line's notification came from. */
export interface NotificationContext {
  readonly messageId: string | null;
  readonly buildId: string | null;
  readonly status: string | null;
}

/** The trigger's log lines. Handled events are logged by the engine itself. */
export interface CloudBuildLog {
  /** The message becomes nothing, and that is normal (a build still running). */
  ignored(reason: string, context: NotificationContext): void;
  /** The message cannot become an event (malformed, no target matches, no image); it is acknowledged. */
  rejected(reason: string, misses: readonly TargetMiss[], context: NotificationContext): void;
  /** The engine failed on an event. A transient failure is retried through redelivery; any other is a bug to look at. */
  engineFailed(event: BuildEvent, error: unknown, transient: boolean): void;
}

/** What the trigger needs. Resolved on each invocation, so deploy-time loading of this module touches nothing. */
export interface CloudBuildDeps {
  readonly config: RunwayConfig;
  readonly engine: Engine;
  readonly log: CloudBuildLog;
}

/** What became of one message (returned for tests; Pub/Sub only cares whether the handler threw). */
export type CloudBuildReport =
  | Exclude<BuildEventsOutcome, { kind: 'events' }>
  | {
      readonly kind: 'handled';
      readonly results: readonly { readonly targetId: string; readonly result: HandleResult }[];
    };

/** Thrown when a transient engine failure should make Pub/Sub redeliver the message. */
export class RetryableCloudBuildError extends Error {
  override readonly name = 'RetryableCloudBuildError';
}

/**
 * Handles one Pub/Sub message (`{ data, attributes, messageId }`, as delivered). Resolves for every message that should
 * be acknowledged; rejects only with a {@link RetryableCloudBuildError}.
 */
export async function handleCloudBuildMessage(message: unknown, deps: CloudBuildDeps): Promise<CloudBuildReport> {
  const parsed = parseCloudBuildMessage(message);
  const outcome = outcomeOfCloudBuild(parsed, deps.config);
  const context: NotificationContext = parsed.ok
    ? { messageId: parsed.messageId, buildId: parsed.build.id, status: parsed.build.status }
    : { messageId: messageIdOf(message), buildId: null, status: null };

  switch (outcome.kind) {
    case 'ignored':
      deps.log.ignored(outcome.reason, context);
      return outcome;
    case 'rejected':
      deps.log.rejected(outcome.reason, outcome.misses, context);
      return outcome;
    case 'events':
      break;
  }

  const { results, retryable } = await deliverAll(deps.engine, outcome.events, (event, error, transient) =>
    deps.log.engineFailed(event, error, transient),
  );
  if (retryable.length > 0) {
    throw new RetryableCloudBuildError(`transient failure handling build ${context.buildId}: ${retryable.join('; ')}`);
  }
  return { kind: 'handled', results };
}

function messageIdOf(message: unknown): string | null {
  if (typeof message !== 'object' || message === null) return null;
  const id = (message as { messageId?: unknown }).messageId;
  return typeof id === 'string' ? id : null;
}

/** The log lines as written in production. */
export const cloudBuildLog: CloudBuildLog = {
  ignored(reason, context) {
    logger.info(`cloud build notification ignored: ${redactText(reason)}`, { ...context, reason: redactText(reason) });
  },
  rejected(reason, misses, context) {
    const lines = describeOutcome({ kind: 'rejected', reason, misses }).map(redactText);
    logger.warn(`cloud build notification rejected (acknowledged, not retried):\n${lines.join('\n')}`, {
      ...context,
      reason: redactText(reason),
      misses: misses.map((miss) => ({ targetId: miss.targetId, reason: redactText(miss.reason) })),
    });
  },
  engineFailed(event, error, transient) {
    const write = transient ? logger.warn : logger.error;
    write(
      `${event.type} ${event.id} for ${event.targetId} failed${transient ? ' transiently; Pub/Sub will redeliver' : ''}`,
      {
        eventId: event.id,
        targetId: event.targetId,
        transient,
        error: errorMessage(error),
      },
    );
  },
};

/** Builds the Cloud Function around {@link handleCloudBuildMessage}. Tests pass their own dependencies. */
export function createCloudBuildsFunction(resolveDeps: () => CloudBuildDeps) {
  return onMessagePublished({ topic: process.env.RUNWAY_CLOUD_BUILD_TOPIC ?? 'cloud-builds', retry: true }, (event) =>
    handleCloudBuildMessage(event.data.message, resolveDeps()),
  );
}

/** The deployed trigger, wired to the runtime's config and engine. */
export const cloudBuilds = createCloudBuildsFunction(() => {
  const { config, engine } = getRuntime();
  return { config, engine, log: cloudBuildLog };
});
