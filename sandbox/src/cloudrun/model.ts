/**
 * The stand-in's records: services, revisions and long-running operations, in the terms of the Cloud Run Admin API v2.
 * A service keeps what writers set (template, traffic, other fields) apart from what the control plane reports (status):
 * `served` only changes when a change has been reconciled, as `trafficStatuses` in Cloud Run.
 */
import type { RevisionProcess } from '../types.js';
import type { JsonObject } from './json.js';
import type { ServiceRef } from './names.js';
import type { TrafficStatus, TrafficTarget } from './traffic.js';

export type ConditionState = 'CONDITION_PENDING' | 'CONDITION_RECONCILING' | 'CONDITION_FAILED' | 'CONDITION_SUCCEEDED';

/** A google.cloud.run.v2.Condition. */
export interface Condition {
  readonly type: string;
  readonly state: ConditionState;
  readonly message: string;
  readonly at: number;
}

export interface RevisionRecord {
  readonly name: string;
  readonly ref: ServiceRef;
  readonly uid: string;
  readonly createTime: number;
  /** The template it was made from, without `revision`. */
  readonly template: JsonObject;
  readonly image: string;
  state: 'pending' | 'ready' | 'failed';
  /** Why it failed (Cloud Run's Ready condition message). */
  message: string;
  changedAt: number;
  process: RevisionProcess | null;
}

export interface ServiceRecord {
  readonly ref: ServiceRef;
  readonly uid: string;
  readonly createTime: number;
  updateTime: number;
  generation: number;
  etag: string;
  /** Every writable field other than template and traffic (labels, annotations, ingress, scaling, …), as sent. */
  fields: JsonObject;
  template: JsonObject;
  traffic: TrafficTarget[];
  /** The service URL (from the router). */
  uri: string;
  /** Tag → URL, from the router, cached. */
  readonly tagUris: Map<string, string>;
  /** Revision names in order of creation. */
  readonly revisions: string[];
  observedGeneration: number;
  latestCreatedRevision: string;
  latestReadyRevision: string;
  served: TrafficStatus[];
  /**
   * When each served split began, newest last (at most {@link SERVED_HISTORY_KEPT}): the moment the router started
   * routing by it. For benchmarks: "when were users back on stable?".
   */
  readonly servedHistory: { readonly at: number; readonly split: readonly { revision: string; percent: number }[] }[];
  /** The outcome of the last reconciliation (type Ready). */
  terminal: Condition;
  /** Operations not done yet: while any is, the service is reconciling. */
  inFlight: number;
}

/** A google.rpc.Status inside a failed operation. */
export interface OperationError {
  readonly code: number;
  readonly message: string;
}

export interface OperationRecord {
  /** `projects/P/locations/L/operations/ID`. */
  readonly name: string;
  readonly ref: ServiceRef;
  /** The service as it was when the write was accepted (the operation's metadata). */
  readonly accepted: ServiceRecord;
  done: boolean;
  error: OperationError | null;
  /** The service when the operation finished (its response). */
  result: ServiceRecord | null;
}

/** A copy of a service's record, frozen in time (for operations). */
export function snapshotOf(service: ServiceRecord): ServiceRecord {
  return {
    ...structuredClone({ ...service, tagUris: undefined }),
    tagUris: new Map(service.tagUris),
    revisions: [...service.revisions],
  };
}

/** A condition of `type` now. */
export function condition(type: string, state: ConditionState, at: number, message = ''): Condition {
  return { type, state, message, at };
}

/** How many served splits a service remembers. */
export const SERVED_HISTORY_KEPT = 500;
