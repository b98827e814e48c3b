/** In-memory timers: recorded when scheduled; a test (or its driver) decides when to fire them. */
import type { ScheduleTimer } from '../../domain/effects.js';
import type { TimerElapsed } from '../../domain/events.js';
import type { TimerPort } from '../../engine/ports.js';
import { timerElapsedEvent } from '../../engine/timers.js';
import { FaultPlan } from './faults.js';

export interface MemoryTimer {
  readonly timerId: string;
  readonly targetId: string;
  readonly rolloutId: string;
  readonly purpose: ScheduleTimer['purpose'];
  readonly dueAt: number;
  fired: boolean;
}

export class MemoryTimers implements TimerPort {
  private readonly timers = new Map<string, MemoryTimer>();
  readonly faults = new FaultPlan();

  schedule(effect: ScheduleTimer): Promise<void> {
    return Promise.resolve().then(() => {
      this.faults.apply();
      if (this.timers.has(effect.id)) return; // scheduled before: a retried effect
      const { id: timerId, targetId, rolloutId, purpose, dueAt } = effect;
      this.timers.set(effect.id, { timerId, targetId, rolloutId, purpose, dueAt, fired: false });
    });
  }

  /** Every timer scheduled, in order. */
  all(): readonly MemoryTimer[] {
    return [...this.timers.values()];
  }

  /** Unfired timers, earliest due first. */
  pending(): MemoryTimer[] {
    return this.all()
      .filter((t) => !t.fired)
      .sort((a, b) => a.dueAt - b.dueAt);
  }

  /** Marks a timer fired and returns the event to hand to the engine. */
  fire(timerId: string): TimerElapsed {
    const timer = this.timers.get(timerId);
    if (!timer) throw new Error(`no timer ${timerId}`);
    timer.fired = true;
    return timerElapsedEvent(timer);
  }
}
