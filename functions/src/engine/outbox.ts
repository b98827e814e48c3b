/**
 * The outbox's timing rules, shared by the engine (which writes effects) and the runner (which leases, retries and
 * sweeps them). Defaults suit production; tests pass their own.
 */

export interface OutboxOptions {
  /** A pending effect younger than this is left to its Firestore trigger; the sweep re-drives it after. */
  readonly graceMs: number;
  /** How long a runner holds an effect. Longer than the effect function's timeout, so a lease only expires on a crash. */
  readonly leaseMs: number;
  /** First retry delay after a transient failure; doubles with each attempt… */
  readonly backoffBaseMs: number;
  /** …up to this. */
  readonly backoffCapMs: number;
  /** Best-effort effects (notify, publish) are marked failed after this many attempts. */
  readonly bestEffortMaxAttempts: number;
  /**
   * Effects with a failure result (deploy, traffic, smoke) turn a transient failure that persists for this many attempts
   * into that failure, so the rollout moves on (rolls back, or fails and asks for a person) instead of hanging.
   */
  readonly giveUpAfterAttempts: number;
  /** At most this many effects and this many timers per sweep. */
  readonly sweepBatch: number;
}

export const DEFAULT_OUTBOX: OutboxOptions = {
  graceMs: 30_000,
  leaseMs: 10 * 60_000,
  backoffBaseMs: 10_000,
  backoffCapMs: 10 * 60_000,
  bestEffortMaxAttempts: 5,
  giveUpAfterAttempts: 8,
  sweepBatch: 100,
};

/** Delay before the retry that follows attempt number `attempts` (1-based): base · 2^(attempts−1), capped. */
export function backoffMs(attempts: number, options: Pick<OutboxOptions, 'backoffBaseMs' | 'backoffCapMs'>): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(options.backoffCapMs, options.backoffBaseMs * 2 ** exponent);
}
