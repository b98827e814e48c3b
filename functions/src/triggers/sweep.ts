/**
 * `sweep`: every minute, the backstop of the outbox. Re-drives effects left pending past their grace period or held by
 * a runner whose lease expired (a crash between commit and execution must not leave a rollout stuck), and fires the due
 * timers of the Firestore timer port. Bounded per run; the next minute picks up the rest.
 */
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { getRuntime } from '../runtime.js';
import { NOTIFY_SECRETS } from '../adapters/secrets/index.js';

// It re-drives notifications too, so it reads the same secrets as runEffect.
export const sweep = onSchedule(
  { schedule: 'every 1 minutes', timeoutSeconds: 540, retryCount: 0, secrets: NOTIFY_SECRETS },
  async () => {
    await getRuntime().runner.sweep();
  },
);
