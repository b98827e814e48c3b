/** Timers as events: what any timer port delivers when a timer is due. */
import type { TimerElapsed } from '../domain/events.js';

/** The part of a scheduled timer that its `timer.elapsed` event needs. */
export interface TimerRef {
  /** The ScheduleTimer effect's id. */
  readonly timerId: string;
  readonly targetId: string;
  readonly rolloutId: string;
}

/** The event a due timer becomes. Its id is derived from the timer's, so firing a timer twice changes nothing. */
export function timerElapsedEvent(timer: TimerRef): TimerElapsed {
  return {
    type: 'timer.elapsed',
    id: `timer:${timer.timerId}`,
    targetId: timer.targetId,
    rolloutId: timer.rolloutId,
    timerId: timer.timerId,
  };
}
