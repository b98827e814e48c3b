/**
 * The parts of the API's resources the adapter works with, read from the client library's objects. Enums may come as
 * names (`TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST`, the library's default) or numbers (a decoded message), int64 and
 * timestamps as strings or numbers; both are read.
 */
import type { protos } from '@google-cloud/run';
import { shortName } from './names.js';
import type { Target } from './traffic.js';

export type Service = protos.google.cloud.run.v2.IService;
export type Revision = protos.google.cloud.run.v2.IRevision;
type TrafficTarget = protos.google.cloud.run.v2.ITrafficTarget;

/** A service as the adapter sees it, with the resource as read (to write back with changes). */
export interface ServiceView {
  readonly raw: Service;
  readonly etag: string;
  readonly targets: Target[];
  /** Short name of the latest ready revision ('' if none). */
  readonly latestReady: string;
  /** Short name of the revision the template names ('' when Cloud Run names them). */
  readonly templateRevision: string;
  /** Tag → its URL, from `trafficStatuses`. */
  readonly tagUris: ReadonlyMap<string, string>;
}

export type Readiness =
  { readonly state: 'ready' } | { readonly state: 'failed'; readonly message: string } | { readonly state: 'pending' };

export interface RevisionView {
  /** Short name. */
  readonly name: string;
  readonly image: string;
  /** Milliseconds since the epoch (0 if unknown). */
  readonly createdAt: number;
  readonly readiness: Readiness;
}

const LATEST = new Set<unknown>(['TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', 1]);
const REVISION = new Set<unknown>(['TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', 2]);
const SUCCEEDED = new Set<unknown>(['CONDITION_SUCCEEDED', 4]);
const FAILED = new Set<unknown>(['CONDITION_FAILED', 3]);

/** Reads `traffic`; an unspecified type means a named revision if one is named, else the latest. */
export function targetsOf(traffic: readonly TrafficTarget[] | null | undefined): Target[] {
  return (traffic ?? []).map((t) => {
    const revision = t.revision ?? '';
    const type = LATEST.has(t.type) ? 'LATEST' : REVISION.has(t.type) || revision ? 'REVISION' : 'LATEST';
    return { type, revision: type === 'LATEST' ? '' : revision, percent: t.percent ?? 0, tag: t.tag ?? '' };
  });
}

/** Targets as the client library takes them. */
export function trafficOf(targets: readonly Target[]): TrafficTarget[] {
  return targets.map((t) =>
    t.type === 'LATEST'
      ? { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: t.percent, tag: t.tag }
      : { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: t.revision, percent: t.percent, tag: t.tag },
  );
}

export function viewOfService(raw: Service): ServiceView {
  const tagUris = new Map<string, string>();
  for (const s of raw.trafficStatuses ?? []) if (s.tag && s.uri) tagUris.set(s.tag, s.uri);
  return {
    raw,
    etag: raw.etag ?? '',
    targets: targetsOf(raw.traffic),
    latestReady: shortName(raw.latestReadyRevision),
    templateRevision: raw.template?.revision ?? '',
    tagUris,
  };
}

export function viewOfRevision(raw: Revision): RevisionView {
  const ready = (raw.conditions ?? []).find((c) => c.type === 'Ready');
  const readiness: Readiness = SUCCEEDED.has(ready?.state)
    ? { state: 'ready' }
    : FAILED.has(ready?.state)
      ? { state: 'failed', message: ready?.message ?? '' }
      : { state: 'pending' };
  const seconds = Number(raw.createTime?.seconds ?? 0);
  const nanos = raw.createTime?.nanos ?? 0;
  return {
    name: shortName(raw.name),
    image: raw.containers?.[0]?.image ?? '',
    createdAt: seconds * 1000 + Math.floor(nanos / 1e6),
    readiness,
  };
}

/**
 * The Service an operation answered with. The library decodes it into a protobuf message (enums as numbers, int64 as
 * Long); its `toJSON()` gives the same plain shape `getService` returns.
 */
export function serviceFromResult(result: unknown): Service | null {
  if (typeof result !== 'object' || result === null) return null;
  const toJSON = (result as { toJSON?: unknown }).toJSON;
  const plain: unknown = typeof toJSON === 'function' ? toJSON.call(result) : result;
  return typeof plain === 'object' && plain !== null ? plain : null;
}
