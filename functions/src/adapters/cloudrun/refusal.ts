/**
 * Permanent failures as answers: a Cloud Run refusal that retrying cannot fix (no such service, no permission, an
 * invalid request) becomes `{ ok: false, reason }` with a sentence naming the service, which the state machine turns into
 * a failed event. Everything else is rethrown for the engine to retry.
 */
import type { ServiceRef } from '../../domain/effects.js';
import { CloudRunApiError, Code, codeName, isPermanentCode } from './errors.js';
import { describeService } from './names.js';

/** The sentence for a permanent failure while trying to `action` (e.g. "deploy a candidate revision of"). */
export function refusalReason(ref: ServiceRef, action: string, error: CloudRunApiError): string {
  const service = describeService(ref);
  switch (error.code) {
    case Code.NOT_FOUND:
      return `Could not ${action} ${service}: it was not found (${error.message}). Check the project, region and service name in runway.yaml.`;
    case Code.PERMISSION_DENIED:
    case Code.UNAUTHENTICATED:
      return (
        `Runway is not allowed to ${action} ${service}: ${error.message}. Grant Runway's service account the Cloud Run ` +
        'Developer role (roles/run.developer) on the service, and Service Account User on its runtime service account.'
      );
    default:
      return `Cloud Run refused to ${action} ${service} (${codeName(error.code)}): ${error.message}`;
  }
}

/** Runs `fn`; a permanent Cloud Run failure becomes `{ ok: false, reason }`, anything else is rethrown. */
export async function answeringRefusals<T>(
  ref: ServiceRef,
  action: string,
  fn: () => Promise<T>,
): Promise<T | { readonly ok: false; readonly reason: string }> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CloudRunApiError && isPermanentCode(error.code)) {
      return { ok: false, reason: refusalReason(ref, action, error) };
    }
    throw error;
  }
}

/** True if `error` is a Cloud Run failure with `code`. */
export function hasCode(error: unknown, code: number): error is CloudRunApiError {
  return error instanceof CloudRunApiError && error.code === code;
}
