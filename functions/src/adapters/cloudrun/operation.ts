/**
 * Waiting for a long-running operation (a service update) by polling it, one GetOperation per poll, with the adapter's
 * retries on each poll. A poll that finds the operation failed is an answer, not an error to retry.
 */
import type { CloudRunContext } from './context.js';
import { withRetries } from './call.js';
import { CloudRunApiError, Code, isTransientCode } from './errors.js';
import { sleep } from './tuning.js';
import { serviceFromResult, viewOfService, type ServiceView } from './view.js';

/** The part of the client library's operation object this needs. */
export interface PendingOperation {
  readonly latestResponse: {
    readonly done?: boolean | null;
    readonly error?: { readonly code?: number | null; readonly message?: string | null } | null;
  };
  readonly result: unknown;
  getOperation(): Promise<unknown>;
}

/** How an update ended: the service it left, or Cloud Run's reason it failed. */
export type UpdateOutcome =
  | { readonly ok: true; readonly service: ServiceView | null }
  | { readonly ok: false; readonly code: number; readonly message: string };

/**
 * Polls `op` until it is done. Throws DEADLINE_EXCEEDED (transient) after `operationTimeoutMs`, and a transient failure
 * the operation itself ended with (Cloud Run's INTERNAL, say): the engine retries both later.
 */
export async function waitForOperation(
  ctx: CloudRunContext,
  op: PendingOperation,
  what: string,
): Promise<UpdateOutcome> {
  const { tuning } = ctx;
  const deadline = Date.now() + tuning.operationTimeoutMs;
  let delay = tuning.pollMs;
  while (!op.latestResponse.done) {
    if (Date.now() >= deadline) {
      throw new CloudRunApiError(
        Code.DEADLINE_EXCEEDED,
        `Cloud Run had not finished ${what} after ${Math.round(tuning.operationTimeoutMs / 1000)} s`,
      );
    }
    await sleep(delay);
    delay = Math.min(delay * 1.5, tuning.maxPollMs);
    await withRetries(`waiting for ${what}`, tuning, async () => {
      try {
        await op.getOperation();
      } catch (error) {
        // The library rejects for a failed operation too; that is an answer, read below.
        if (!op.latestResponse.done) throw error;
      }
    });
  }
  const error = op.latestResponse.error;
  if (error) {
    const code = error.code ?? Code.UNKNOWN;
    const message = error.message ?? '';
    if (isTransientCode(code)) throw new CloudRunApiError(code, `Cloud Run failed ${what}: ${message}`);
    return { ok: false, code, message };
  }
  const service = serviceFromResult(op.result);
  return { ok: true, service: service ? viewOfService(service) : null };
}
