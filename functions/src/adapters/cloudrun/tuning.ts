/** How patient the adapter is. Production defaults; tests shorten them. */
export interface CloudRunTuning {
  /** Tries of one API call when it fails transiently (429, 503, …), the first included. */
  readonly attempts: number;
  /** Wait before the first retry; doubles each time (with jitter). */
  readonly retryDelayMs: number;
  /** First wait between two polls of an operation or a revision; grows by half each time up to `maxPollMs`. */
  readonly pollMs: number;
  readonly maxPollMs: number;
  /**
   * How long to wait for a revision to become ready before giving up for now (DEADLINE_EXCEEDED, which the engine
   * retries; the retry finds the same revision by its name). Below the runner's lease and the function's timeout.
   */
  readonly operationTimeoutMs: number;
  /** Read-modify-write rounds when the service's etag keeps changing under us. */
  readonly conflictAttempts: number;
}

export const DEFAULT_TUNING: CloudRunTuning = {
  attempts: 4,
  retryDelayMs: 250,
  pollMs: 250,
  maxPollMs: 3_000,
  operationTimeoutMs: 4 * 60_000,
  conflictAttempts: 4,
};

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
