/**
 * The production {@link EventPublisherPort}: every `events.publish` effect becomes one message on the `runway-events`
 * topic (RUNWAY_EVENTS_TOPIC), a CloudEvent (cloudEvent.ts) with the target as ordering key, so a subscriber with message
 * ordering sees each target's transitions in the order they happened.
 *
 * Delivery is at least once, like Pub/Sub itself: an effect retried after a crash between publishing and closing it is
 * published again, with the same CloudEvent id. A failed publish pauses its ordering key (Pub/Sub's rule, so that a
 * later message cannot overtake it); the key is resumed before the error goes to the effect runner, which retries.
 *
 * Under the emulator (PUBSUB_EMULATOR_HOST) the client needs no credentials; elsewhere they are loaded first (see
 * ../google/credentials.ts). The client is made on the first publish.
 */
import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { PublishEvent } from '../../domain/effects.js';
import type { EventPublisherPort } from '../../engine/ports.js';
import { loadedGoogleAuth } from '../google/credentials.js';
import { cloudEventAttributes, cloudEventOf } from './cloudEvent.js';

/** The topic's name when RUNWAY_EVENTS_TOPIC is not set. */
export const DEFAULT_EVENTS_TOPIC = 'runway-events';

export interface PubSubPublisherOptions {
  /** The project the topic is in, and whose Runway the events come from. */
  readonly projectId: string;
  readonly topic?: string;
  /** Default: a client of its own (credentials loaded first, unless on the emulator). */
  readonly pubsub?: PubSub;
}

/** The publisher, with a way to release its client. */
export interface PubSubPublisher extends EventPublisherPort {
  close(): Promise<void>;
}

/** A publish the topic refused for good (it does not exist, no permission): retrying the same call cannot help. */
export class EventTopicError extends Error {
  override readonly name = 'EventTopicError';
}

/** gRPC NOT_FOUND and PERMISSION_DENIED. */
const PERMANENT_CODES = new Set([5, 7]);

export function createPubSubPublisher(options: PubSubPublisherOptions): PubSubPublisher {
  const topicName = options.topic || DEFAULT_EVENTS_TOPIC;
  let client: Promise<PubSub> | null = options.pubsub ? Promise.resolve(options.pubsub) : null;
  let topic: Topic | null = null;

  const topicOf = async (): Promise<Topic> => {
    client ??= newClient(options.projectId).catch((error: unknown) => {
      client = null;
      throw error;
    });
    topic ??= (await client).topic(topicName, { messageOrdering: true });
    return topic;
  };

  return {
    async publish(effect: PublishEvent): Promise<void> {
      const event = cloudEventOf(effect, options.projectId);
      const target = await topicOf();
      try {
        await target.publishMessage({
          data: Buffer.from(JSON.stringify(event)),
          attributes: cloudEventAttributes(event),
          orderingKey: effect.targetId,
        });
      } catch (error) {
        target.resumePublishing(effect.targetId);
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'number' && PERMANENT_CODES.has(code)) {
          const why =
            code === 5
              ? `no such topic: create it with gcloud pubsub topics create ${topicName}`
              : "no permission: grant Runway's service account roles/pubsub.publisher on it";
          throw new EventTopicError(
            `cannot publish to ${topicName} in ${options.projectId} (${why}): ${(error as Error).message}`,
            { cause: error },
          );
        }
        throw error;
      }
    },
    async close() {
      const c = client;
      client = null;
      topic = null;
      if (c) await (await c.catch(() => null))?.close();
    },
  };
}

async function newClient(projectId: string): Promise<PubSub> {
  const { PubSub: Client } = await import('@google-cloud/pubsub');
  if (process.env.PUBSUB_EMULATOR_HOST) return new Client({ projectId });
  const auth = await loadedGoogleAuth('Pub/Sub');
  return new Client({
    projectId,
    auth: auth as unknown as NonNullable<ConstructorParameters<typeof Client>[0]>['auth'],
  });
}
