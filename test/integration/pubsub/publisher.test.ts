/**
 * The `runway-events` publisher against the official Pub/Sub emulator: CloudEvents in structured mode, `ce-*` attributes
 * for filters, the target as ordering key (a subscription with message ordering sees each target's events in order), and
 * a clear, permanent error for a topic that does not exist.
 */
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPubSubPublisher, EventTopicError } from '../../../functions/src/adapters/pubsub/publisher.js';
import type { PublishEvent } from '../../../functions/src/domain/effects.js';
import { uniqueProjectId } from '../../support/emulators.js';
import { pubsubRest, type PulledMessage } from '../../../scripts/lib/pubsubRest.js';

if (!process.env.PUBSUB_EMULATOR_HOST) throw new Error('set PUBSUB_EMULATOR_HOST (npm test does)');
const PUBSUB_HOST = process.env.PUBSUB_EMULATOR_HOST;

const projectId = uniqueProjectId('events publisher');
const emulator = pubsubRest(PUBSUB_HOST, projectId);
const pubsub = new PubSub({ projectId });
const publisher = createPubSubPublisher({ projectId, pubsub });

/** Pulls until `count` messages arrived (the emulator may hand them out over several pulls). */
async function pull(count: number): Promise<PulledMessage[]> {
  const got: PulledMessage[] = [];
  for (let i = 0; i < 50 && got.length < count; i++) got.push(...(await emulator.pull('runway-events-test', count)));
  return got;
}

let n = 0;
function effect(targetId: string, eventType: string, rolloutId: string | null = `${targetId}@b1`): PublishEvent {
  n += 1;
  return {
    type: 'events.publish',
    id: `${targetId}:${n}:0`,
    targetId,
    rolloutId,
    eventType,
    at: Date.UTC(2026, 11, 1, 12, 0, n),
    data: { targetId, n },
  };
}

beforeAll(async () => {
  await emulator.createTopic('runway-events');
  await emulator.createSubscription('runway-events-test', 'runway-events', { enableMessageOrdering: true });
});

afterAll(async () => {
  await publisher.close();
  await emulator.deleteSubscription('runway-events-test');
});

describe('the runway-events publisher', () => {
  it('publishes a CloudEvent with ce-* attributes and the target as ordering key', async () => {
    const e = effect('checkout.production', 'runway.rollout.rolled_back');
    await publisher.publish(e);
    const [message] = await pull(1);
    expect(message?.message.orderingKey).toBe('checkout.production');
    expect(message?.message.attributes).toEqual({
      'ce-specversion': '1.0',
      'ce-id': e.id,
      'ce-source': `//runway/projects/${projectId}/targets/checkout.production`,
      'ce-type': 'runway.rollout.rolled_back',
      'ce-time': new Date(e.at).toISOString(),
      'ce-sequence': `${(e.id.split(':')[1] ?? '').padStart(12, '0')}.0000`,
      'ce-subject': 'checkout.production@b1',
      'content-type': 'application/cloudevents+json',
    });
    expect(JSON.parse(Buffer.from(message?.message.data ?? '', 'base64').toString('utf8'))).toEqual({
      specversion: '1.0',
      id: e.id,
      source: `//runway/projects/${projectId}/targets/checkout.production`,
      type: 'runway.rollout.rolled_back',
      subject: 'checkout.production@b1',
      time: new Date(e.at).toISOString(),
      sequence: `${(e.id.split(':')[1] ?? '').padStart(12, '0')}.0000`,
      datacontenttype: 'application/json',
      data: e.data,
    });
  });

  it("keeps each target's events in order", async () => {
    const sent = [
      effect('checkout.production', 'runway.rollout.deploying'),
      effect('cart.production', 'runway.rollout.deploying'),
      effect('checkout.production', 'runway.rollout.verifying'),
      effect('checkout.production', 'runway.rollout.progressing'),
      effect('cart.production', 'runway.rollout.verifying', null),
    ];
    for (const e of sent) await publisher.publish(e);
    const got = await pull(sent.length);
    const typesOf = (key: string): string[] =>
      got.filter((m) => m.message.orderingKey === key).map((m) => m.message.attributes?.['ce-type'] ?? '');
    expect(typesOf('checkout.production')).toEqual([
      'runway.rollout.deploying',
      'runway.rollout.verifying',
      'runway.rollout.progressing',
    ]);
    expect(typesOf('cart.production')).toEqual(['runway.rollout.deploying', 'runway.rollout.verifying']);
  });

  it('fails with a permanent, explained error when the topic does not exist', async () => {
    const lost = createPubSubPublisher({ projectId, topic: 'no-such-topic', pubsub });
    const error = await lost.publish(effect('checkout.production', 'runway.rollout.queued')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventTopicError);
    expect((error as Error).message).toMatch(/no such topic: create it with gcloud pubsub topics create no-such-topic/);
    // The key is usable again afterwards.
    await expect(publisher.publish(effect('checkout.production', 'runway.rollout.queued'))).resolves.toBeUndefined();
    await pull(1);
  });
});
