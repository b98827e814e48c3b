/**
 * What a timer's Cloud Task carries, shared by the producer (the timer port) and the consumer (the `fireTimer` function).
 * Only the timer's id: its document in Firestore says when it is due and whether it fired, so a task can never disagree
 * with the record.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The task queue function that fires timers; its name is its queue's name. */
export const TIMER_QUEUE_FUNCTION = 'fireTimer';

/** The data of a timer's task. */
export const timerTaskSchema = z.object({ timerId: z.string().min(1) });

export type TimerTaskData = z.infer<typeof timerTaskSchema>;

/**
 * The queue to enqueue on, as firebase-admin's `taskQueue()` takes it: the bare function name when `fireTimer` runs in
 * the default region (us-central1), else `locations/REGION/functions/fireTimer`.
 */
export function timerQueueName(region?: string): string {
  return region ? `locations/${region}/functions/${TIMER_QUEUE_FUNCTION}` : TIMER_QUEUE_FUNCTION;
}

/** Cloud Tasks' limit on task ids. */
const MAX_TASK_ID_LENGTH = 500;

/**
 * The task id of a timer, deterministic so that a re-run effect cannot enqueue the timer twice (Cloud Tasks refuses a
 * known id for about an hour after its task ran). Task ids allow only `[A-Za-z0-9_-]`, and Cloud Tasks asks for ids
 * that do not share prefixes (effect ids do: `checkout.production:12:3`), so the id is a hash of the timer id followed,
 * for people reading the queue, by the timer id with other characters replaced.
 */
export function timerTaskId(timerId: string): string {
  const hash = createHash('sha256').update(timerId).digest('hex').slice(0, 32);
  const readable = timerId.replace(/[^A-Za-z0-9_-]/g, '_');
  return `${hash}-${readable}`.slice(0, MAX_TASK_ID_LENGTH);
}
