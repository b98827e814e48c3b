/**
 * The records as the REST API sends them: proto3 JSON with camelCase names, int64 as strings, timestamps as RFC 3339,
 * enums as numbers or names (whichever the client asked for), defaults left out.
 */
import { CONDITION_STATES, SEVERITIES, TRAFFIC_TYPES, encodeEnum } from './enums.js';
import { copy, type Json, type JsonObject } from './json.js';
import type { Condition, OperationRecord, RevisionRecord, ServiceRecord } from './model.js';
import { revisionNameOf, serviceNameOf } from './names.js';
import type { TrafficStatus, TrafficTarget } from './traffic.js';

/** How the client wants enums. */
export interface Encoding {
  readonly intEnums: boolean;
}

const SERVICE_TYPE = 'type.googleapis.com/google.cloud.run.v2.Service';
const CREATOR = 'runway-sandbox@demo.iam.gserviceaccount.com';

function time(ms: number): string {
  return new Date(ms).toISOString();
}

/** Drops undefined, '' and 0 (proto3 leaves defaults out). */
function compact(value: Record<string, Json | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined && item !== '' && item !== 0) out[key] = item;
  }
  return out;
}

function renderCondition(c: Condition, enc: Encoding): JsonObject {
  return compact({
    type: c.type,
    state: encodeEnum(CONDITION_STATES, c.state, enc.intEnums),
    message: c.message,
    lastTransitionTime: time(c.at),
    severity: c.state === 'CONDITION_FAILED' ? encodeEnum(SEVERITIES, 'ERROR', enc.intEnums) : undefined,
  });
}

function renderTarget(t: TrafficTarget | TrafficStatus, enc: Encoding): JsonObject {
  const type =
    t.type === 'LATEST' ? 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' : 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
  return compact({
    type: encodeEnum(TRAFFIC_TYPES, type, enc.intEnums),
    revision: t.revision,
    percent: t.percent,
    tag: t.tag,
    uri: 'uri' in t ? t.uri : undefined,
  });
}

/** A google.cloud.run.v2.Service. */
export function renderService(s: ServiceRecord, enc: Encoding): JsonObject {
  const reconciling = s.inFlight > 0;
  const terminal: Condition = reconciling
    ? { type: 'Ready', state: 'CONDITION_RECONCILING', message: '', at: s.updateTime }
    : s.terminal;
  const latestFailed = s.latestCreatedRevision !== s.latestReadyRevision && !reconciling;
  const conditions: Condition[] = [
    {
      type: 'ConfigurationsReady',
      state: reconciling ? 'CONDITION_RECONCILING' : latestFailed ? 'CONDITION_FAILED' : 'CONDITION_SUCCEEDED',
      message: latestFailed ? s.terminal.message : '',
      at: s.terminal.at,
    },
    {
      type: 'RoutesReady',
      state: reconciling ? 'CONDITION_RECONCILING' : 'CONDITION_SUCCEEDED',
      message: '',
      at: s.updateTime,
    },
  ];
  const body: Record<string, Json | undefined> = {
    name: serviceNameOf(s.ref),
    uid: s.uid,
    generation: String(s.generation),
    createTime: time(s.createTime),
    updateTime: time(s.updateTime),
    creator: CREATOR,
    lastModifier: CREATOR,
    ...copy(s.fields),
    template: copy(s.template),
    traffic: s.traffic.map((t) => renderTarget(t, enc)),
    urls: s.uri ? [s.uri] : undefined,
    observedGeneration: String(s.observedGeneration),
    terminalCondition: renderCondition(terminal, enc),
    conditions: conditions.map((c) => renderCondition(c, enc)),
    latestReadyRevision: s.latestReadyRevision ? revisionNameOf(s.ref, s.latestReadyRevision) : undefined,
    latestCreatedRevision: s.latestCreatedRevision ? revisionNameOf(s.ref, s.latestCreatedRevision) : undefined,
    trafficStatuses: s.served.map((t) => renderTarget(t, enc)),
    uri: s.uri,
    reconciling: reconciling || undefined,
    etag: s.etag,
  };
  return compact(body);
}

/** A google.cloud.run.v2.Revision. */
export function renderRevision(r: RevisionRecord, enc: Encoding): JsonObject {
  const ready: Condition['state'] =
    r.state === 'ready' ? 'CONDITION_SUCCEEDED' : r.state === 'failed' ? 'CONDITION_FAILED' : 'CONDITION_RECONCILING';
  const conditions: Condition[] = [
    { type: 'Ready', state: ready, message: r.message, at: r.changedAt },
    { type: 'ContainerHealthy', state: ready, message: r.message, at: r.changedAt },
    { type: 'ResourcesAvailable', state: 'CONDITION_SUCCEEDED', message: '', at: r.createTime },
  ];
  const { labels, annotations, ...spec } = copy(r.template);
  return compact({
    name: revisionNameOf(r.ref, r.name),
    uid: r.uid,
    generation: '1',
    labels,
    annotations,
    createTime: time(r.createTime),
    updateTime: time(r.changedAt),
    service: serviceNameOf(r.ref),
    ...spec,
    reconciling: r.state === 'pending' || undefined,
    conditions: conditions.map((c) => renderCondition(c, enc)),
    observedGeneration: '1',
    logUri: `http://127.0.0.1/sandbox/logs/${r.name}`,
    creator: CREATOR,
    etag: `"${r.uid}"`,
  });
}

/** A google.longrunning.Operation whose metadata and response are Services. */
export function renderOperation(op: OperationRecord, enc: Encoding): JsonObject {
  const body: Record<string, Json | undefined> = {
    name: op.name,
    metadata: { '@type': SERVICE_TYPE, ...renderService(op.accepted, enc) },
    done: op.done || undefined,
  };
  if (op.done && op.error) body.error = compact({ code: op.error.code, message: op.error.message });
  else if (op.done && op.result) body.response = { '@type': SERVICE_TYPE, ...renderService(op.result, enc) };
  return compact(body);
}
