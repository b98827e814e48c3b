/**
 * Names: the full resource names the API takes, and the deterministic name of the revision a rollout deploys, so a retry
 * of the same deploy finds the revision it made instead of making another.
 */
import { createHash } from 'node:crypto';
import type { ServiceRef } from '../../domain/effects.js';

/** Cloud Run's longest revision name (a DNS label). */
export const MAX_REVISION_NAME = 63;
/** How much of the hash goes into a name: 12 hex digits (48 bits) when there is room, never fewer than 6. */
const HASH_DIGITS = 12;
const MIN_HASH_DIGITS = 6;

/**
 * `${service}-rw-<hash of the rollout id>`: a valid revision name (it starts with the service's name and a hyphen, as
 * Cloud Run requires; lowercase hex never ends with a hyphen) of at most 63 characters. Service names are at most 49
 * characters, which leaves room for 10 digits at least.
 */
export function candidateRevisionName(service: string, rolloutId: string): string {
  const prefix = `${service}-rw-`;
  const digits = Math.max(MIN_HASH_DIGITS, Math.min(HASH_DIGITS, MAX_REVISION_NAME - prefix.length));
  const hash = createHash('sha256').update(rolloutId).digest('hex').slice(0, digits);
  return `${prefix}${hash}`;
}

/** `projects/P/locations/R/services/S`. */
export function serviceNameOf(ref: ServiceRef): string {
  return `projects/${ref.project}/locations/${ref.region}/services/${ref.service}`;
}

/** `projects/P/locations/R/services/S/revisions/REV`. */
export function revisionNameOf(ref: ServiceRef, revision: string): string {
  return `${serviceNameOf(ref)}/revisions/${revision}`;
}

/** The last segment of a resource name (a revision's short name); '' for none. */
export function shortName(name: string | null | undefined): string {
  if (!name) return '';
  return name.slice(name.lastIndexOf('/') + 1);
}

/** "service hello (project acme, region europe-west1)", for messages. */
export function describeService(ref: ServiceRef): string {
  return `Cloud Run service ${ref.service} (project ${ref.project}, region ${ref.region})`;
}

/**
 * True if two image references name the same image: by `@sha256:` digest when both carry one (a tag or registry
 * alias may differ), else exactly.
 */
export function sameImage(a: string, b: string): boolean {
  const digest = (image: string): string | null => {
    const at = image.indexOf('@sha256:');
    return at < 0 ? null : image.slice(at + 1);
  };
  const da = digest(a);
  const db = digest(b);
  return da !== null && db !== null ? da === db : a === b;
}
