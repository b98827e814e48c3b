/**
 * One Cloud Run API call with the adapter's own retries. The client library's retries are switched off
 * ({@link NO_LIBRARY_RETRY}): over REST it does not recognise 503 or 429 (see errors.ts), and it would otherwise wait up
 * to minutes on its own schedule. Here a transient failure is retried a few times with short exponential backoff; if it
 * persists, a {@link CloudRunApiError} with the gRPC code is thrown so the engine retries the effect later. Any other
 * failure is thrown at once, with its code, for the caller to judge.
 */
import { CloudRunApiError, codeName, failureOf, isTransientCode } from './errors.js';
import { sleep, type CloudRunTuning } from './tuning.js';

/** Call options that leave retrying to {@link withRetries}. */
export const NO_LIBRARY_RETRY = { retry: null } as const;

/** Runs `fn`, retrying transient failures; `what` names the call in errors ("reading service hello"). */
export async function withRetries<T>(what: string, tuning: CloudRunTuning, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const failure = failureOf(error);
      if (!isTransientCode(failure.code)) {
        throw new CloudRunApiError(failure.code, failure.message, { cause: error });
      }
      if (attempt >= tuning.attempts) {
        throw new CloudRunApiError(
          failure.code,
          `Cloud Run API ${codeName(failure.code)} while ${what}, ${attempt} tries: ${failure.message}`,
          { cause: error },
        );
      }
      // Full jitter on an exponential base: retries from many effects do not arrive together.
      const base = tuning.retryDelayMs * 2 ** (attempt - 1);
      await sleep(base / 2 + Math.random() * (base / 2));
    }
  }
}
