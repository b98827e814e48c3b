/**
 * `fireTimer`: the task queue function behind the Cloud Tasks timer port (adapters/tasks). Each task names a timer; the
 * function reads the timer's document and fires it through the same path as the sweep (engine/timerFiring.ts).
 *
 * A timer never fires before its `dueAt`. A task that arrives early by at most {@link MAX_WAIT_MS} (clock skew, a timer
 * enqueued without delay because it was due within a second, or the emulator, which ignores schedule times and
 * dispatches every task at once) waits for the rest here. One that arrives earlier is refused so that Cloud Tasks delivers
 * it again: the retry backoff is capped at that same wait, so a later attempt always lands within a wait of `dueAt` and the
 * timer fires on time. The refusal is an HTTP 400, not a 503: Cloud Tasks reads 503 and 429 as overload and slows the
 * whole queue.
 *
 * Acknowledged without retry: a malformed payload (redelivery cannot help), a timer with no document, a timer fired
 * already. Retried: any failure to read or fire (Firestore unavailable, contention, or a bug — retries are bounded, and
 * the timer stays due, so the sweep keeps trying too).
 */
import * as logger from 'firebase-functions/logger';
import { HttpsError } from 'firebase-functions/v2/https';
import { onTaskDispatched, type RateLimits, type RetryConfig } from 'firebase-functions/v2/tasks';
import { z } from 'zod';
import { timerTaskSchema } from '../adapters/tasks/payload.js';
import type { TimerDoc } from '../adapters/firestore/documents.js';
import { assertNever } from '../domain/phase.js';
import { deliverTimer, type TimerDelivery, type TimerFiringDeps } from '../engine/timerFiring.js';
import { isTransient } from '../engine/transient.js';
import { engineLog, errorMessage, redact, redactText } from '../logs.js';
import { getRuntime } from '../runtime.js';

/** The longest a delivery waits in-process for its timer to come due. */
export const MAX_WAIT_MS = 30_000;

/**
 * Cloud Tasks retries until both limits are reached: at least 20 attempts and an hour. Backoff 1 s, doubling, capped
 * at {@link MAX_WAIT_MS} (see the file comment). In production a task is retried only when firing failed (the sweep
 * fires the timer meanwhile, and then the next attempt finds it fired) or when it came early. Under the emulator every
 * task comes early, so these limits also bound the longest timer the local stack fires without a sweep: about an hour.
 * Not `maxAttempts: -1` (unlimited): the emulator (firebase-tools 14.27) reads -1 as "never retry".
 */
export const TIMER_RETRY_CONFIG = {
  maxAttempts: 20,
  maxRetrySeconds: 3600,
  minBackoffSeconds: 1,
  maxBackoffSeconds: MAX_WAIT_MS / 1000,
  maxDoublings: 5,
} as const satisfies RetryConfig;

/**
 * Timers are few (a handful per rollout); these limits only keep a burst (many timers due at once after an outage) from
 * hammering Firestore, where every event on a target contends on one document.
 */
export const TIMER_RATE_LIMITS = {
  maxConcurrentDispatches: 50,
  maxDispatchesPerSecond: 20,
} as const satisfies RateLimits;

/** Room for the longest wait plus the engine's transaction (contended, it retries up to 30 times). */
const TIMEOUT_SECONDS = 120;

/** Which task a log line is about (Cloud Tasks' headers, null where absent). */
export interface TimerTaskContext {
  readonly taskId: string | null;
  readonly retryCount: number | null;
}

/** The trigger's log lines. A fired timer is logged by the engine (`timerFired`). */
export interface FireTimerLog {
  /** The payload is not a timer task; acknowledged. */
  rejected(reason: string, context: TimerTaskContext): void;
  /** No document for the timer; acknowledged. */
  missing(timerId: string, context: TimerTaskContext): void;
  /** Fired before (the sweep, or an earlier delivery); acknowledged. */
  alreadyFired(timer: TimerDoc, context: TimerTaskContext): void;
  /** Too early to wait for; Cloud Tasks delivers it again. */
  early(timer: TimerDoc, earlyMs: number, context: TimerTaskContext): void;
  /** Reading or firing the timer failed; Cloud Tasks delivers it again. */
  failed(timerId: string, error: unknown, transient: boolean, context: TimerTaskContext): void;
}

/** What the handler needs. */
export interface FireTimerDeps {
  readonly firing: TimerFiringDeps;
  readonly log: FireTimerLog;
  /** Defaults to {@link MAX_WAIT_MS}. */
  readonly maxWaitMs?: number;
  /** Defaults to a real timer; tests pass one that advances their fake clock. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What became of one task (for tests; Cloud Tasks only sees success or an error status). */
export type FireTimerReport =
  { readonly kind: 'rejected'; readonly reason: string } | Exclude<TimerDelivery, { status: 'early' }>;

/**
 * Handles one task's data. Resolves when the task should be acknowledged; rejects with an {@link HttpsError} when Cloud
 * Tasks should deliver it again (`failed-precondition`: early; `unavailable`: a transient failure; `internal`: another).
 */
export async function handleTimerTask(
  data: unknown,
  context: TimerTaskContext,
  deps: FireTimerDeps,
): Promise<FireTimerReport> {
  const parsed = timerTaskSchema.safeParse(data);
  if (!parsed.success) {
    const reason = `not a timer task: ${z.prettifyError(parsed.error)}`;
    deps.log.rejected(reason, context);
    return { kind: 'rejected', reason };
  }
  const { timerId } = parsed.data;
  let delivery: TimerDelivery;
  try {
    delivery = await deliverTimer(deps.firing, timerId, {
      maxWaitMs: deps.maxWaitMs ?? MAX_WAIT_MS,
      sleep: deps.sleep ?? sleep,
    });
  } catch (error) {
    const transient = isTransient(error);
    deps.log.failed(timerId, error, transient, context);
    throw new HttpsError(transient ? 'unavailable' : 'internal', `timer ${timerId} failed: ${errorMessage(error)}`);
  }
  switch (delivery.status) {
    case 'fired':
      return delivery;
    case 'alreadyFired':
      deps.log.alreadyFired(delivery.timer, context);
      return delivery;
    case 'missing':
      deps.log.missing(timerId, context);
      return delivery;
    case 'early':
      deps.log.early(delivery.timer, delivery.earlyMs, context);
      throw new HttpsError(
        'failed-precondition',
        `timer ${timerId} is due in ${delivery.earlyMs} ms: deliver it later`,
      );
    default:
      return assertNever(delivery, 'timer delivery');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function timerFields(timerId: string, context: TimerTaskContext): Record<string, unknown> {
  return redact({ timerId, ...context }) as Record<string, unknown>;
}

/** The log lines as written in production. */
export const fireTimerLog: FireTimerLog = {
  rejected(reason, context) {
    logger.warn(`timer task rejected (acknowledged, not retried): ${redactText(reason)}`, {
      ...context,
      reason: redactText(reason),
    });
  },
  missing(timerId, context) {
    logger.warn(`timer ${timerId} has no document: task acknowledged`, timerFields(timerId, context));
  },
  alreadyFired(timer, context) {
    logger.info(`timer ${timer.timerId} fired already: task acknowledged`, {
      ...timerFields(timer.timerId, context),
      firedAt: timer.firedAt === null ? null : new Date(timer.firedAt).toISOString(),
    });
  },
  early(timer, earlyMs, context) {
    logger.info(`timer ${timer.timerId} is due in ${earlyMs} ms: Cloud Tasks will deliver it again`, {
      ...timerFields(timer.timerId, context),
      dueAt: new Date(timer.dueAt).toISOString(),
      earlyMs,
    });
  },
  failed(timerId, error, transient, context) {
    (transient ? logger.warn : logger.error)(`timer ${timerId} failed${transient ? ' transiently' : ''}; will retry`, {
      ...timerFields(timerId, context),
      transient,
      error: errorMessage(error),
    });
  },
};

/** Builds the task queue function around {@link handleTimerTask}. Tests pass their own dependencies. */
export function createFireTimerFunction(resolveDeps: () => FireTimerDeps) {
  return onTaskDispatched(
    { retryConfig: TIMER_RETRY_CONFIG, rateLimits: TIMER_RATE_LIMITS, timeoutSeconds: TIMEOUT_SECONDS },
    async (request) => {
      await handleTimerTask(
        request.data,
        { taskId: request.id ?? null, retryCount: request.retryCount ?? null },
        resolveDeps(),
      );
    },
  );
}

/** The deployed function, wired to the runtime's engine. Export it from index.ts as `fireTimer` (its queue's name). */
export const fireTimer = createFireTimerFunction(() => {
  const { db, engine, clock } = getRuntime();
  return { firing: { db, engine, clock, log: engineLog }, log: fireTimerLog };
});
