/**
 * The API calls the adapter makes, each with its retries: read a service, update it (and wait), read or list revisions,
 * wait for a revision to settle.
 */
import { NO_LIBRARY_RETRY, withRetries } from './call.js';
import type { CloudRunContext } from './context.js';
import { CloudRunApiError, Code } from './errors.js';
import { revisionNameOf, serviceNameOf } from './names.js';
import { waitForOperation, type UpdateOutcome } from './operation.js';
import { sleep } from './tuning.js';
import { viewOfRevision, viewOfService, type RevisionView, type Service, type ServiceView } from './view.js';
import type { ServiceRef } from '../../domain/effects.js';

/** GET the service. */
export async function readService(ctx: CloudRunContext, ref: ServiceRef): Promise<ServiceView> {
  const [service] = await withRetries(`reading service ${ref.service}`, ctx.tuning, async () =>
    (await ctx.clients.services()).getService({ name: serviceNameOf(ref) }, NO_LIBRARY_RETRY),
  );
  return viewOfService(service);
}

/**
 * PATCH the service with `service` (the resource as read, with changes), only the fields in `mask`, guarded by the etag
 * it carries; then wait for the operation. A stale etag throws ABORTED (code 10) for the caller to re-read.
 */
export async function updateService(
  ctx: CloudRunContext,
  ref: ServiceRef,
  service: Service,
  mask: readonly string[],
  what: string,
): Promise<UpdateOutcome> {
  const [operation] = await withRetries(what, ctx.tuning, async () =>
    (await ctx.clients.services()).updateService({ service, updateMask: { paths: [...mask] } }, NO_LIBRARY_RETRY),
  );
  return waitForOperation(ctx, operation, `${what} (${ref.service})`);
}

/** GET a revision; null if it does not exist. */
export async function readRevision(ctx: CloudRunContext, ref: ServiceRef, name: string): Promise<RevisionView | null> {
  try {
    const [revision] = await withRetries(`reading revision ${name}`, ctx.tuning, async () =>
      (await ctx.clients.revisions()).getRevision({ name: revisionNameOf(ref, name) }, NO_LIBRARY_RETRY),
    );
    return viewOfRevision(revision);
  } catch (error) {
    if (error instanceof CloudRunApiError && error.code === Code.NOT_FOUND) return null;
    throw error;
  }
}

/** Every revision of the service (one call per page; the library follows the page tokens). */
export async function listRevisions(ctx: CloudRunContext, ref: ServiceRef): Promise<RevisionView[]> {
  const [revisions] = await withRetries(`listing the revisions of ${ref.service}`, ctx.tuning, async () =>
    (await ctx.clients.revisions()).listRevisions({ parent: serviceNameOf(ref) }, NO_LIBRARY_RETRY),
  );
  return revisions.map(viewOfRevision);
}

/** Polls a revision until it is ready or failed; DEADLINE_EXCEEDED (transient) after `operationTimeoutMs`. */
export async function settledRevision(
  ctx: CloudRunContext,
  ref: ServiceRef,
  first: RevisionView,
): Promise<RevisionView> {
  const deadline = Date.now() + ctx.tuning.operationTimeoutMs;
  let delay = ctx.tuning.pollMs;
  let revision: RevisionView | null = first;
  while (revision.readiness.state === 'pending') {
    if (Date.now() >= deadline) {
      throw new CloudRunApiError(Code.DEADLINE_EXCEEDED, `revision ${first.name} of ${ref.service} is still not ready`);
    }
    await sleep(delay);
    delay = Math.min(delay * 1.5, ctx.tuning.maxPollMs);
    revision = await readRevision(ctx, ref, first.name);
    if (!revision) throw new CloudRunApiError(Code.NOT_FOUND, `revision ${first.name} of ${ref.service} was deleted`);
  }
  return revision;
}
