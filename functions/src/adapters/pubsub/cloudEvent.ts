/**
 * The envelope every `runway-events` message carries: a CloudEvent 1.0 in structured mode (the JSON below is the
 * message's data), with its context attributes copied into the message's attributes as `ce-*` too, so subscribers can
 * filter (`attributes.ce-type = "runway.rollout.rolled_back"`) without decoding. docs/events.md lists the types.
 *
 * The target is the ordering key, but Pub/Sub orders only what one publisher sends, and Runway publishes from whichever
 * function instance runs the effect. So every event also carries the CloudEvents `sequence` extension: the target's
 * version and the effect's place in it, zero-padded, so that sorting a target's events by it as text gives the order
 * they were decided in.
 */
import type { PublishEvent } from '../../domain/effects.js';

/** A CloudEvent as Runway publishes it. */
export interface RunwayCloudEvent {
  readonly specversion: '1.0';
  /** The effect's id: the same on every retry, so a subscriber can drop repeats. */
  readonly id: string;
  /** `//runway/projects/PROJECT/targets/TARGET`. */
  readonly source: string;
  readonly type: string;
  /** The rollout, when the event is about one. */
  readonly subject?: string;
  /** RFC 3339. */
  readonly time: string;
  /** `VVVVVVVVVVVV.NNNN`: the target's version and the effect's index in it; orders a target's events as text. */
  readonly sequence: string;
  readonly datacontenttype: 'application/json';
  readonly data: Readonly<Record<string, unknown>>;
}

/** The envelope of `effect`, published by the Runway installed in `projectId`. */
export function cloudEventOf(effect: PublishEvent, projectId: string): RunwayCloudEvent {
  return {
    specversion: '1.0',
    id: effect.id,
    source: `//runway/projects/${projectId}/targets/${effect.targetId}`,
    type: effect.eventType,
    ...(effect.rolloutId === null ? {} : { subject: effect.rolloutId }),
    time: new Date(effect.at).toISOString(),
    sequence: sequenceOf(effect.id),
    datacontenttype: 'application/json',
    data: effect.data,
  };
}

/** The `ce-*` message attributes of an envelope. */
export function cloudEventAttributes(event: RunwayCloudEvent): Record<string, string> {
  return {
    'ce-specversion': event.specversion,
    'ce-id': event.id,
    'ce-source': event.source,
    'ce-type': event.type,
    'ce-time': event.time,
    'ce-sequence': event.sequence,
    ...(event.subject === undefined ? {} : { 'ce-subject': event.subject }),
    'content-type': 'application/cloudevents+json',
  };
}

/** The sequence of effect `TARGET:VERSION:N`. */
function sequenceOf(effectId: string): string {
  const [version = '0', n = '0'] = effectId.split(':').slice(-2);
  return `${version.padStart(12, '0')}.${n.padStart(4, '0')}`;
}
