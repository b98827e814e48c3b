/**
 * Resource names: the full names the API speaks (`projects/P/locations/L/services/S`), and revision names as Cloud Run
 * makes them (`hello-00002-kuv`) or checks them when the template names one.
 */
import { randomInt } from 'node:crypto';
import { invalidArgument } from './errors.js';

/** Where a service lives. */
export interface ServiceRef {
  readonly project: string;
  readonly region: string;
  readonly service: string;
}

/** The key a service is stored under. */
export function keyOf(ref: ServiceRef): string {
  return `${ref.project}/${ref.region}/${ref.service}`;
}

/** `projects/P/locations/L/services/S`. */
export function serviceNameOf(ref: ServiceRef): string {
  return `projects/${ref.project}/locations/${ref.region}/services/${ref.service}`;
}

/** `projects/P/locations/L/services/S/revisions/R`. */
export function revisionNameOf(ref: ServiceRef, revision: string): string {
  return `${serviceNameOf(ref)}/revisions/${revision}`;
}

/** A DNS label of at most 63 characters, as Kubernetes (and so Cloud Run) names resources. */
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The name Cloud Run gives the `n`th revision of `service` when the template names none. */
export function generatedRevisionName(service: string, n: number, taken: (name: string) => boolean): string {
  for (;;) {
    const suffix = Array.from({ length: 3 }, () => String.fromCharCode(97 + randomInt(26))).join('');
    const name = `${service}-${String(n).padStart(5, '0')}-${suffix}`;
    if (!taken(name)) return name;
  }
}

/** Throws INVALID_ARGUMENT, with Cloud Run's reason, for a template revision name Cloud Run refuses. */
export function checkRevisionName(service: string, name: string): void {
  if (!name.startsWith(`${service}-`) || name.length === service.length + 1) {
    throw invalidArgument(
      `template.revision: Revision name '${name}' must be prefixed by the name of the enclosing Service with a trailing -: '${service}-'`,
    );
  }
  if (!DNS_LABEL.test(name)) {
    throw invalidArgument(
      `template.revision: Revision name '${name}' is invalid: it must be at most 63 lowercase letters, digits and hyphens, start with a letter and not end with a hyphen`,
    );
  }
}
