/**
 * The timer port's log lines (Cloud Tasks half). Every line names the timer, its rollout and its task, so a timer can be
 * followed from its effect to its firing.
 */
import * as logger from 'firebase-functions/logger';
import type { ScheduleTimer } from '../../domain/effects.js';
import { errorMessage, redact } from '../../logs.js';

/** What the Cloud Tasks timer port reports. */
export interface TimerTaskLog {
  /** The task was created; `scheduleTime` null means "at once". */
  enqueued(effect: ScheduleTimer, taskId: string, scheduleTime: Date | null): void;
  /** The task existed already: the effect ran before (a retry). */
  alreadyEnqueued(effect: ScheduleTimer, taskId: string): void;
  /** No task is enqueued on purpose; the sweep fires the timer when due. */
  leftToSweep(effect: ScheduleTimer, why: string): void;
  /** Enqueueing failed; the sweep fires the timer when overdue, up to a minute late. */
  enqueueFailed(effect: ScheduleTimer, taskId: string, error: unknown): void;
}

function fields(effect: ScheduleTimer, taskId?: string): Record<string, unknown> {
  return redact({
    timerId: effect.id,
    taskId,
    targetId: effect.targetId,
    rolloutId: effect.rolloutId,
    purpose: effect.purpose,
    dueAt: new Date(effect.dueAt).toISOString(),
  }) as Record<string, unknown>;
}

/** The log lines as written in production. */
export const timerTaskLog: TimerTaskLog = {
  enqueued(effect, taskId, scheduleTime) {
    logger.debug(`timer ${effect.id} enqueued${scheduleTime ? ` for ${scheduleTime.toISOString()}` : ' to run now'}`, {
      ...fields(effect, taskId),
      scheduleTime: scheduleTime?.toISOString() ?? null,
    });
  },
  alreadyEnqueued(effect, taskId) {
    logger.info(`timer ${effect.id} was enqueued before (a retried effect): kept`, fields(effect, taskId));
  },
  leftToSweep(effect, why) {
    logger.info(`timer ${effect.id} not enqueued (${why}): the sweep fires it when due`, fields(effect));
  },
  enqueueFailed(effect, taskId, error) {
    logger.warn(`timer ${effect.id} could not be enqueued; the sweep fires it when overdue, up to a minute late`, {
      ...fields(effect, taskId),
      error: errorMessage(error),
    });
  },
};
