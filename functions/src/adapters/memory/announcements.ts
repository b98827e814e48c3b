/** In-memory notifier and event publisher: record what they were given; scriptable failures. */
import type { Notify, PublishEvent } from '../../domain/effects.js';
import type { EventPublisherPort, NotifierPort } from '../../engine/ports.js';
import { FaultPlan } from './faults.js';

export class MemoryNotifier implements NotifierPort {
  /** Delivered notifications, once each (checked by effect id, as a real notifier must). */
  readonly sent: Notify[] = [];
  readonly attempts: Notify[] = [];
  readonly faults = new FaultPlan();

  notify(effect: Notify): Promise<void> {
    this.attempts.push(effect);
    return Promise.resolve().then(() => {
      this.faults.apply();
      if (!this.sent.some((n) => n.id === effect.id)) this.sent.push(effect);
    });
  }
}

export class MemoryPublisher implements EventPublisherPort {
  readonly published: PublishEvent[] = [];
  readonly attempts: PublishEvent[] = [];
  readonly faults = new FaultPlan();

  publish(effect: PublishEvent): Promise<void> {
    this.attempts.push(effect);
    return Promise.resolve().then(() => {
      this.faults.apply();
      if (!this.published.some((p) => p.id === effect.id)) this.published.push(effect);
    });
  }
}
