/**
 * The Cloud Run control plane of the sandbox: services, revisions and operations in memory. A write is checked as Cloud
 * Run checks it (etag, revision names, traffic), accepted at once with a not-done Operation, and reconciled in the
 * background: a new revision is started through the {@link RevisionHost}; the operation ends with the Service once it
 * is ready, or with an error carrying the revision's Ready message once it has failed. The store is the router's
 * {@link RouteSource}: what it serves is the reconciled split.
 */
import { randomUUID } from 'node:crypto';
import type { RevisionHost, RouteSource, RouteTable, Router } from '../types.js';
import { ApiError, GRPC_CODE_OF, etagMismatch, invalidArgument } from './errors.js';
import { copy, getPath, isObject, sameJson, setPath, type Json, type JsonObject } from './json.js';
import {
  condition,
  SERVED_HISTORY_KEPT,
  snapshotOf,
  type OperationRecord,
  type RevisionRecord,
  type ServiceRecord,
} from './model.js';
import { checkRevisionName, generatedRevisionName, keyOf, type ServiceRef } from './names.js';
import {
  ALL_TO_LATEST,
  checkTraffic,
  parseTraffic,
  resolvedRevision,
  routeTableOf,
  type TrafficTarget,
} from './traffic.js';

/** The fields of a Service a writer may set; the rest are the control plane's (and ignored when sent). */
const WRITABLE = new Set([
  'description',
  'labels',
  'annotations',
  'client',
  'clientVersion',
  'ingress',
  'launchStage',
  'binaryAuthorization',
  'template',
  'traffic',
  'scaling',
  'invokerIamDisabled',
  'defaultUriDisabled',
  'iapEnabled',
  'multiRegionSettings',
  'customAudiences',
  'buildConfig',
]);

export interface StoreOptions {
  readonly host: RevisionHost;
  readonly router: Router;
  readonly now: () => number;
}

/** A split as a person sets it in the console. */
export type HandSplit = readonly { readonly revision: string; readonly percent: number }[];

export class CloudRunStore implements RouteSource {
  private readonly services = new Map<string, ServiceRecord>();
  private readonly revisions = new Map<string, RevisionRecord>();
  private readonly operations = new Map<string, OperationRecord>();

  constructor(private readonly options: StoreOptions) {}

  /** Creates a service serving one ready revision of `image` (traffic: 100% to the latest), as `gcloud run deploy`. */
  async createService(ref: ServiceRef, image: string): Promise<{ revision: string }> {
    if (this.services.has(keyOf(ref))) throw new Error(`service ${keyOf(ref)} already exists`);
    const now = this.options.now();
    const uri = await this.options.router.serviceUrl(ref.service);
    const service: ServiceRecord = {
      ref,
      uid: randomUUID(),
      createTime: now,
      updateTime: now,
      generation: 1,
      etag: newEtag(),
      fields: {},
      template: { containers: [{ image }] },
      traffic: [...ALL_TO_LATEST],
      uri,
      tagUris: new Map(),
      revisions: [],
      observedGeneration: 0,
      latestCreatedRevision: '',
      latestReadyRevision: '',
      served: [],
      servedHistory: [],
      terminal: condition('Ready', 'CONDITION_PENDING', now),
      inFlight: 0,
    };
    this.services.set(keyOf(ref), service);
    const revision = this.addRevision(service, this.nextRevisionName(service), service.template);
    const op = this.newOperation(service);
    await this.reconcileRevision(service, revision, op);
    if (op.error) {
      this.services.delete(keyOf(ref));
      throw new Error(`service ${ref.service} could not start: ${op.error.message}`);
    }
    return { revision: revision.name };
  }

  /** The service, or NOT_FOUND as Cloud Run words it. */
  service(ref: ServiceRef): ServiceRecord {
    const service = this.services.get(keyOf(ref));
    if (!service) {
      throw new ApiError(
        'NOT_FOUND',
        `Resource '${ref.service}' of kind 'SERVICE' in region '${ref.region}' in project '${ref.project}' does not exist.`,
      );
    }
    return service;
  }

  /** Every service, in order of creation. */
  all(): ServiceRecord[] {
    return [...this.services.values()];
  }

  /** The service, or undefined. */
  find(ref: ServiceRef): ServiceRecord | undefined {
    return this.services.get(keyOf(ref));
  }

  revision(ref: ServiceRef, name: string): RevisionRecord {
    this.service(ref);
    const revision = this.revisions.get(`${keyOf(ref)}/${name}`);
    if (!revision) {
      throw new ApiError(
        'NOT_FOUND',
        `Resource '${name}' of kind 'REVISION' in region '${ref.region}' in project '${ref.project}' does not exist.`,
      );
    }
    return revision;
  }

  /** Every revision of the service, newest first (as the API lists them). */
  revisionsOf(ref: ServiceRef): RevisionRecord[] {
    const service = this.service(ref);
    return [...service.revisions].reverse().map((name) => this.revision(ref, name));
  }

  operation(project: string, region: string, id: string): OperationRecord {
    const op = this.operations.get(`projects/${project}/locations/${region}/operations/${id}`);
    if (!op) {
      throw new ApiError(
        'NOT_FOUND',
        `Operation 'projects/${project}/locations/${region}/operations/${id}' not found.`,
      );
    }
    return op;
  }

  /**
   * `services.patch`: applies `body` (the fields in `mask`, or every writable field when there is none) and answers the
   * operation that reconciles it. Throws what Cloud Run refuses before accepting a write.
   */
  patch(ref: ServiceRef, body: JsonObject, mask: readonly string[] | null): OperationRecord {
    const service = this.service(ref);
    const etag = typeof body.etag === 'string' ? body.etag : '';
    if (etag && etag !== service.etag) throw etagMismatch();
    let template = copy(service.template);
    let traffic = service.traffic;
    const fields = copy(service.fields);
    const paths = mask ?? [...WRITABLE];
    for (const path of paths) {
      const [top, ...rest] = path.split('.');
      if (!top || !WRITABLE.has(top)) throw invalidArgument(`update_mask: field '${path}' cannot be updated`);
      if (top === 'traffic') traffic = parseTraffic(body.traffic);
      else if (top === 'template' && rest.length === 0) template = isObject(body.template) ? copy(body.template) : {};
      else if (top === 'template') setPath(template, rest.join('.'), copyOf(getPath(body, path)));
      else setPath(fields, path, copyOf(getPath(body, path)));
    }
    const created = this.revisionFor(service, template);
    checkTraffic(traffic, (name) => name === created?.name || this.revisions.has(`${keyOf(ref)}/${name}`));
    service.generation++;
    service.etag = newEtag();
    service.updateTime = this.options.now();
    service.template = template;
    service.traffic = traffic;
    service.fields = fields;
    const op = this.newOperation(service);
    if (created) {
      const revision = this.addRevision(service, created.name, template);
      void this.reconcileRevision(service, revision, op);
    } else {
      void this.reconcileTraffic(service, op);
    }
    return op;
  }

  /** What a person does in the console: sets the split (and tags) by hand. Bumps generation and etag. */
  async setTrafficByHand(ref: ServiceRef, split: HandSplit, tags?: Readonly<Record<string, string>>): Promise<void> {
    const service = this.service(ref);
    const traffic: TrafficTarget[] = split.map((s) => ({
      type: 'REVISION',
      revision: s.revision,
      percent: s.percent,
      tag: '',
    }));
    const tagged: TrafficTarget[] = tags
      ? Object.entries(tags).map(([tag, revision]) => ({ type: 'REVISION', revision, percent: 0, tag }))
      : service.traffic.filter((t) => t.tag).map((t) => ({ ...t, percent: 0 }));
    for (const t of tagged) {
      // The console shows a tag on the revision's row: it shares the entry that carries the revision's percent.
      const i = traffic.findIndex((e) => e.type === t.type && e.revision === t.revision && !e.tag);
      if (i >= 0 && traffic[i]) traffic[i] = { ...traffic[i], tag: t.tag };
      else traffic.push(t);
    }
    checkTraffic(traffic, (name) => this.revisions.has(`${keyOf(ref)}/${name}`));
    const notReady = traffic.find((t) => t.percent > 0 && this.revision(ref, t.revision).state !== 'ready');
    if (notReady)
      throw new ApiError(
        'FAILED_PRECONDITION',
        `Revision '${notReady.revision}' is not ready and cannot serve traffic.`,
      );
    service.generation++;
    service.etag = newEtag();
    service.updateTime = this.options.now();
    service.traffic = traffic;
    await this.serve(service);
    service.observedGeneration = service.generation;
  }

  /** Someone else writes the service (a label, say): its generation and etag move on, nothing else changes. */
  writeByOther(ref: ServiceRef): void {
    const service = this.service(ref);
    service.generation++;
    service.etag = newEtag();
    service.updateTime = this.options.now();
    service.observedGeneration = service.generation;
  }

  routesOf(serviceName: string): RouteTable | null {
    for (const service of this.services.values()) {
      if (service.ref.service === serviceName) return routeTableOf(service.served);
    }
    return null;
  }

  /** The revision a write of `template` creates, or null if it creates none; throws what Cloud Run refuses. */
  private revisionFor(service: ServiceRecord, template: JsonObject): { name: string } | null {
    if (sameJson(template, service.template)) return null;
    const containers = template.containers;
    const first = Array.isArray(containers) ? containers[0] : undefined;
    if (!isObject(first) || typeof first.image !== 'string' || !first.image) {
      throw invalidArgument('template.containers[0].image: a container image is required');
    }
    const requested = typeof template.revision === 'string' ? template.revision : '';
    if (!requested) return { name: this.nextRevisionName(service) };
    checkRevisionName(service.ref.service, requested);
    const existing = this.revisions.get(`${keyOf(service.ref)}/${requested}`);
    if (!existing) return { name: requested };
    if (sameJson(existing.template, withoutRevision(template))) return null;
    throw new ApiError('ALREADY_EXISTS', `Revision named '${requested}' with different configuration already exists.`);
  }

  private nextRevisionName(service: ServiceRecord): string {
    return generatedRevisionName(service.ref.service, service.revisions.length + 1, (name) =>
      this.revisions.has(`${keyOf(service.ref)}/${name}`),
    );
  }

  private addRevision(service: ServiceRecord, name: string, template: JsonObject): RevisionRecord {
    const now = this.options.now();
    const spec = withoutRevision(template);
    const containers = spec.containers;
    const first = Array.isArray(containers) && isObject(containers[0]) ? containers[0] : {};
    const revision: RevisionRecord = {
      name,
      ref: service.ref,
      uid: randomUUID(),
      createTime: now,
      template: spec,
      image: typeof first.image === 'string' ? first.image : '',
      state: 'pending',
      message: '',
      changedAt: now,
      process: null,
    };
    this.revisions.set(`${keyOf(service.ref)}/${name}`, revision);
    service.revisions.push(name);
    service.latestCreatedRevision = name;
    return revision;
  }

  private newOperation(service: ServiceRecord): OperationRecord {
    const { project, region } = service.ref;
    const op: OperationRecord = {
      name: `projects/${project}/locations/${region}/operations/${randomUUID()}`,
      ref: service.ref,
      accepted: snapshotOf(service),
      done: false,
      error: null,
      result: null,
    };
    this.operations.set(op.name, op);
    service.inFlight++;
    return op;
  }

  /** Starts the revision; the operation ends with the service once it is ready, or with the reason it is not. */
  private async reconcileRevision(
    service: ServiceRecord,
    revision: RevisionRecord,
    op: OperationRecord,
  ): Promise<void> {
    const generation = service.generation;
    try {
      const process = await this.options.host.start({
        service: service.ref.service,
        revision: revision.name,
        image: revision.image,
      });
      revision.process = process;
      revision.state = 'ready';
      revision.changedAt = this.options.now();
      if (this.isNewer(service, revision.name, service.latestReadyRevision))
        service.latestReadyRevision = revision.name;
      await this.serve(service);
      this.finish(service, op, generation, null);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      revision.state = 'failed';
      revision.message = message;
      revision.changedAt = this.options.now();
      const reason = `Revision '${revision.name}' is not ready and cannot serve traffic. ${message}`;
      this.finish(service, op, generation, { code: GRPC_CODE_OF.FAILED_PRECONDITION, message: reason });
    }
  }

  /** A write that made no revision: the new traffic is served once every revision it sends traffic to is ready. */
  private async reconcileTraffic(service: ServiceRecord, op: OperationRecord): Promise<void> {
    const generation = service.generation;
    // Accepting and serving are separate steps in Cloud Run too: the client first sees the operation not done.
    await new Promise((resolve) => setImmediate(resolve));
    const blocked = service.traffic
      .map((t) => resolvedRevision(t, service.latestReadyRevision))
      .find(
        (name, i) =>
          (service.traffic[i]?.percent ?? 0) > 0 &&
          this.revisions.get(`${keyOf(service.ref)}/${name}`)?.state !== 'ready',
      );
    if (blocked !== undefined) {
      const message = `Revision '${blocked}' is not ready and cannot serve traffic.`;
      this.finish(service, op, generation, { code: GRPC_CODE_OF.FAILED_PRECONDITION, message });
      return;
    }
    try {
      await this.serve(service);
      this.finish(service, op, generation, null);
    } catch (error) {
      this.finish(service, op, generation, { code: GRPC_CODE_OF.INTERNAL, message: String(error) });
    }
  }

  private finish(
    service: ServiceRecord,
    op: OperationRecord,
    generation: number,
    error: OperationRecord['error'],
  ): void {
    const now = this.options.now();
    service.inFlight--;
    service.observedGeneration = Math.max(service.observedGeneration, generation);
    service.terminal = error
      ? condition('Ready', 'CONDITION_FAILED', now, error.message)
      : condition('Ready', 'CONDITION_SUCCEEDED', now);
    op.error = error;
    op.result = error ? null : snapshotOf(service);
    op.done = true;
  }

  /** Makes the service's traffic what is served: LATEST resolved, each tag with its URL from the router. */
  private async serve(service: ServiceRecord): Promise<void> {
    for (;;) {
      const missing = service.traffic.map((t) => t.tag).filter((tag) => tag && !service.tagUris.has(tag));
      if (missing.length === 0) break;
      for (const tag of missing) service.tagUris.set(tag, await this.options.router.tagUrl(service.ref.service, tag));
    }
    service.served = service.traffic.map((t) => ({
      ...t,
      revision: resolvedRevision(t, service.latestReadyRevision),
      uri: t.tag ? (service.tagUris.get(t.tag) ?? '') : '',
    }));
    const split = service.served
      .filter((t) => t.percent > 0)
      .map((t) => ({ revision: t.revision, percent: t.percent }));
    const last = service.servedHistory.at(-1);
    if (!last || JSON.stringify(last.split) !== JSON.stringify(split)) {
      service.servedHistory.push({ at: this.options.now(), split });
      if (service.servedHistory.length > SERVED_HISTORY_KEPT) service.servedHistory.shift();
    }
  }

  private isNewer(service: ServiceRecord, a: string, b: string): boolean {
    return !b || service.revisions.indexOf(a) > service.revisions.indexOf(b);
  }
}

function withoutRevision(template: JsonObject): JsonObject {
  const { revision: _revision, ...rest } = copy(template);
  return rest;
}

function copyOf(value: Json | undefined): Json | undefined {
  return value === undefined ? undefined : copy(value);
}

function newEtag(): string {
  return `"${randomUUID().replace(/-/g, '').slice(0, 20)}"`;
}
