/**
 * The Cloud Run Admin API v2 stand-in: a loopback HTTP server answering the REST subset Runway uses (services get and
 * patch, long-running operations, revisions get and list) the way `run.googleapis.com` answers `@google-cloud/run`'s
 * ServicesClient and RevisionsClient in REST mode. Revisions are real local processes started through the
 * {@link RevisionHost}; service and tag URLs come from the {@link Router}, which routes by the split this API serves.
 *
 * Point a client at it with `{ fallback: true, apiEndpoint: '127.0.0.1', port, protocol: 'http', authClient }` and any
 * bearer token. The paths, and the `/sandbox/...` control endpoints, are listed in http.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RevisionHost, RouteSource, Router } from '../types.js';
import { createCallCounter, createFaults, type CallCounts, type Faults } from './faults.js';
import { createHandler } from './http.js';
import type { JsonObject } from './json.js';
import type { ServiceRef } from './names.js';
import { renderRevision, renderService } from './render.js';
import { CloudRunStore, type HandSplit } from './store.js';

export type { ApiKind, ApiMethod, CallCounts, FaultRule, Faults } from './faults.js';
export type { FaultStatus } from './errors.js';
export type { ServiceRef } from './names.js';

export interface CloudRunApiOptions {
  readonly host: RevisionHost;
  readonly router: Router;
  /** The clock for timestamps. Default `Date.now`. */
  readonly now?: () => number;
}

/** A running (or ready to run) stand-in. */
export interface CloudRunApi {
  /** Starts serving on `host` (default 127.0.0.1) and `port` (default 0: any free one); resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops serving. Revision processes belong to the host and are left alone. */
  close(): Promise<void>;
  /**
   * Creates a service serving one ready revision of `image` at 100% (traffic: all to the latest revision), like a
   * production service before Runway's first rollout. Resolves once the revision is ready, with its name.
   */
  createService(ref: ServiceRef, image: string): Promise<{ revision: string }>;
  /** The live routes of each service, for the router. */
  readonly routes: RouteSource;
  /** The service as the API shows it (enums by name), or null. */
  service(ref: ServiceRef): JsonObject | null;
  /** The service's revisions as the API shows them, newest first ([] for an unknown service). */
  revisions(ref: ServiceRef): JsonObject[];
  /**
   * What a person does in the console: sets the split, and the tags if given (else the tags stay where they are).
   * Generation and etag move on, as with any write. Rejects what Cloud Run would refuse.
   */
  setTrafficByHand(ref: ServiceRef, split: HandSplit, tags?: Readonly<Record<string, string>>): Promise<void>;
  /** Faults to inject into the next API requests. */
  readonly faults: Faults;
  /** API requests served, by method and kind. */
  readonly calls: CallCounts;
}

/** Creates the stand-in; nothing listens until {@link CloudRunApi.listen}. */
export function createCloudRunApi(options: CloudRunApiOptions): CloudRunApi {
  const store = new CloudRunStore({ host: options.host, router: options.router, now: options.now ?? Date.now });
  const faults = createFaults();
  const calls = createCallCounter();
  const handler = createHandler({ store, faults, calls });
  const names = { intEnums: false };
  let server: Server | null = null;

  return {
    listen(port = 0, host = '127.0.0.1') {
      if (server) return Promise.reject(new Error('the Cloud Run stand-in is already listening'));
      const s = createServer(handler);
      server = s;
      return new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          const address = s.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      });
    },
    close() {
      const s = server;
      server = null;
      if (!s) return Promise.resolve();
      return new Promise((resolve, reject) => {
        s.close((error) => (error ? reject(error) : resolve()));
        // Clients keep connections alive (google-gax does); close() would otherwise wait for them to time out.
        s.closeAllConnections();
      });
    },
    createService: (ref, image) => store.createService(ref, image),
    routes: store,
    service(ref) {
      const record = store.find(ref);
      return record ? renderService(record, names) : null;
    },
    revisions(ref) {
      return store.find(ref) ? store.revisionsOf(ref).map((r) => renderRevision(r, names)) : [];
    },
    setTrafficByHand: (ref, split, tags) => store.setTrafficByHand(ref, split, tags),
    faults,
    calls,
  };
}
