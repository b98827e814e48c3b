/**
 * The Cloud Tasks timer port: a timer is first the Firestore document the scheduled sweep fires when overdue (the
 * Firestore timer port, unchanged: the record and the backstop), then a Cloud Task on the `fireTimer` queue, scheduled
 * for `dueAt`, that fires it on time (the sweep is only precise to its minute).
 *
 * Idempotent, as the effect runner requires: the document is created once (a retry keeps the first), and the task has a
 * deterministic id (payload.ts), so a re-run effect gets "already exists" from Cloud Tasks, which counts as success.
 *
 * A failed enqueue is logged and swallowed, not thrown. By then the document is committed and the sweep fires the timer
 * within a minute of `dueAt`: delivery is guaranteed, only its precision is lost. Throwing would buy precision back only
 * if Cloud Tasks recovered within the runner's backoff, at the price of an effect reported failing (and retried until it
 * gives up) for what is a misconfiguration as often as an outage: a missing queue, a missing IAM role. A Firestore failure,
 * on the other hand, is thrown: without the document nothing guarantees the timer, and the retry is harmless.
 */
import type { App } from 'firebase-admin/app';
import type { Firestore } from 'firebase-admin/firestore';
import { getFunctions, type TaskQueue } from 'firebase-admin/functions';
import type { ScheduleTimer } from '../../domain/effects.js';
import type { TimerPort } from '../../engine/ports.js';
import { firestoreTimerPort } from '../firestore/timers.js';
import { timerTaskLog, type TimerTaskLog } from './log.js';
import { timerQueueName, timerTaskId, type TimerTaskData } from './payload.js';

/** A timer due within this is enqueued without a schedule time: it runs at once and waits for the rest itself. */
export const IMMEDIATE_WITHIN_MS = 1_000;

/** Cloud Tasks refuses schedule times more than 30 days ahead; a timer beyond this margin is left to the sweep. */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600_000 - 3600_000;

/** firebase-admin's code for a task id that is taken (HTTP 409 ALREADY_EXISTS). */
const TASK_ALREADY_EXISTS = 'functions/task-already-exists';

/** What the port needs. */
export interface CloudTasksTimerDeps {
  readonly db: Firestore;
  /** The clock; stamps the document and decides between immediate and scheduled delivery. */
  readonly now: () => number;
  /** The `fireTimer` function's queue: {@link timerTaskQueue}. */
  readonly queue: Pick<TaskQueue<TimerTaskData>, 'enqueue'>;
  /** Defaults to the structured logs. */
  readonly log?: TimerTaskLog;
}

/** Creates the timer port that writes the timer's document, then enqueues its task. */
export function cloudTasksTimerPort(deps: CloudTasksTimerDeps): TimerPort {
  const { queue, now } = deps;
  const record = firestoreTimerPort(deps.db, now);
  const log = deps.log ?? timerTaskLog;
  return {
    async schedule(effect: ScheduleTimer): Promise<void> {
      await record.schedule(effect);
      const taskId = timerTaskId(effect.id);
      const options = deliveryOf(effect.dueAt, now());
      if (options === 'tooFar') {
        log.leftToSweep(effect, `due more than ${MAX_SCHEDULE_AHEAD_MS / 86_400_000} days ahead`);
        return;
      }
      try {
        await queue.enqueue({ timerId: effect.id }, { ...options, id: taskId });
        log.enqueued(effect, taskId, options.scheduleTime ?? null);
      } catch (error) {
        if (codeOf(error) === TASK_ALREADY_EXISTS) log.alreadyEnqueued(effect, taskId);
        else log.enqueueFailed(effect, taskId, error);
      }
    },
  };
}

/**
 * The queue of the `fireTimer` function, deployed in `region` (default us-central1, firebase-functions' default). Under
 * the emulator suite, firebase-admin sends to the Cloud Tasks emulator by itself (CLOUD_TASKS_EMULATOR_HOST, which the
 * functions emulator sets).
 */
export function timerTaskQueue(app: App, region?: string): TaskQueue<TimerTaskData> {
  return getFunctions(app).taskQueue<TimerTaskData>(timerQueueName(region));
}

/** The schedule of a timer's task: none when due (about) now, `dueAt` otherwise. */
function deliveryOf(dueAt: number, now: number): { readonly scheduleTime?: Date } | 'tooFar' {
  if (dueAt - now > MAX_SCHEDULE_AHEAD_MS) return 'tooFar';
  return dueAt - now <= IMMEDIATE_WITHIN_MS ? {} : { scheduleTime: new Date(dueAt) };
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}
