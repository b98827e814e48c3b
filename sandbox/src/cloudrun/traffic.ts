/**
 * A service's `traffic`, as the API reads, checks and serves it: targets by type (LATEST or a named revision), percent
 * and tag; what is served once LATEST is resolved to the latest ready revision; and the route table the router reads.
 */
import type { RouteTable } from '../types.js';
import { TRAFFIC_TYPES, decodeEnum } from './enums.js';
import { invalidArgument } from './errors.js';
import { isObject, type Json } from './json.js';

export type TrafficType = 'LATEST' | 'REVISION';

/** One entry of `traffic`. Empty strings stand for absent fields, as in proto3. */
export interface TrafficTarget {
  readonly type: TrafficType;
  readonly revision: string;
  readonly percent: number;
  readonly tag: string;
}

/** One entry of `trafficStatuses`: a target as served, LATEST resolved, with the tag's URL. */
export interface TrafficStatus extends TrafficTarget {
  readonly uri: string;
}

/** What a service gets when it names no traffic: everything on the latest ready revision. */
export const ALL_TO_LATEST: readonly TrafficTarget[] = [{ type: 'LATEST', revision: '', percent: 100, tag: '' }];

/** Cloud Run's tag syntax: a DNS label (the tag becomes part of a host name). */
const TAG = /^[a-z]([-a-z0-9]{0,44}[a-z0-9])?$/;

/** Reads `traffic` from a request body; throws INVALID_ARGUMENT for what Cloud Run refuses on its face. */
export function parseTraffic(value: Json | undefined): TrafficTarget[] {
  if (value === undefined || value === null) return [...ALL_TO_LATEST];
  if (!Array.isArray(value)) throw invalidArgument('traffic: must be a list of traffic targets');
  if (value.length === 0) return [...ALL_TO_LATEST];
  return value.map((entry, i) => parseTarget(entry, i));
}

function parseTarget(entry: Json, i: number): TrafficTarget {
  if (!isObject(entry)) throw invalidArgument(`traffic[${i}]: must be an object`);
  const revision = typeof entry.revision === 'string' ? entry.revision : '';
  const tag = typeof entry.tag === 'string' ? entry.tag : '';
  const percent = entry.percent ?? 0;
  if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw invalidArgument(
      `traffic[${i}].percent: must be a whole number between 0 and 100, not ${JSON.stringify(percent)}`,
    );
  }
  const named = decodeEnum(TRAFFIC_TYPES, entry.type ?? 0);
  if (named === undefined) throw invalidArgument(`traffic[${i}].type: unknown value ${JSON.stringify(entry.type)}`);
  // An unspecified type means "by revision" when a revision is named, else "latest", as the console writes it.
  const type: TrafficType =
    named === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' ||
    (named === 'TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED' && !revision)
      ? 'LATEST'
      : 'REVISION';
  if (type === 'LATEST' && revision) {
    throw invalidArgument(`traffic[${i}].revision: must be empty when type is TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST`);
  }
  if (type === 'REVISION' && !revision) {
    throw invalidArgument(`traffic[${i}].revision: is required when type is TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION`);
  }
  if (tag && !TAG.test(tag)) {
    throw invalidArgument(
      `traffic[${i}].tag: '${tag}' is not a valid tag: lowercase letters, digits and hyphens, starting with a letter, at most 46 characters`,
    );
  }
  return { type, revision, percent, tag };
}

/**
 * Checks what needs the service's state: percentages add up to 100, tags are unique, every named revision exists
 * (`exists` says which do, including one the same request creates).
 */
export function checkTraffic(targets: readonly TrafficTarget[], exists: (revision: string) => boolean): void {
  const total = targets.reduce((sum, t) => sum + t.percent, 0);
  if (total !== 100) throw invalidArgument(`traffic: the percentages add up to ${total}; they must add up to 100`);
  const tags = new Set<string>();
  targets.forEach((t, i) => {
    if (t.tag) {
      if (tags.has(t.tag))
        throw invalidArgument(`traffic[${i}].tag: '${t.tag}' is used by more than one traffic target`);
      tags.add(t.tag);
    }
    if (t.type === 'REVISION' && !exists(t.revision)) {
      throw invalidArgument(`traffic[${i}].revision: Revision '${t.revision}' does not exist`);
    }
  });
}

/** The revision each target sends its traffic to: LATEST means the latest ready revision. */
export function resolvedRevision(target: TrafficTarget, latestReady: string): string {
  return target.type === 'LATEST' ? latestReady : target.revision;
}

/** The route table of what is served: percent per revision (0% left out) and each tag's revision. */
export function routeTableOf(served: readonly TrafficStatus[]): RouteTable {
  const percents = new Map<string, number>();
  const tags: Record<string, string> = {};
  for (const s of served) {
    if (!s.revision) continue;
    if (s.percent > 0) percents.set(s.revision, (percents.get(s.revision) ?? 0) + s.percent);
    if (s.tag) tags[s.tag] = s.revision;
  }
  return { split: [...percents].map(([revision, percent]) => ({ revision, percent })), tags };
}
