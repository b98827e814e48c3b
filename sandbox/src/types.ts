/**
 * The contracts between the sandbox's parts. The sandbox stands in, on loopback, for what has no emulator: the Cloud Run
 * Admin API v2 (cloudrun/), the revisions themselves (real local HTTP processes, revisions/), the weighted router in front
 * of them (router/), Cloud Monitoring v3 (monitoring/), fed from the router's request log, and a traffic generator
 * (traffic/). Runway's production adapters talk to it unchanged, over the real wire protocols.
 */

/** Milliseconds since the epoch. */
export type Millis = number;

/** A revision to start: Cloud Run's revision name, its service, and the container image (behaviour follows the image). */
export interface RevisionSpec {
  readonly service: string;
  readonly revision: string;
  readonly image: string;
}

/** A running revision: a local HTTP process. */
export interface RevisionProcess {
  readonly revision: string;
  /** `http://127.0.0.1:PORT`, where the process listens. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts revisions as local processes. `start` resolves once the process answers on its port, and rejects with an Error
 * whose message is what Cloud Run would put in the revision's Ready condition (e.g. "The user-provided container failed
 * to start and listen on the port defined provided by the PORT=8080 environment variable.") when it cannot start.
 */
export interface RevisionHost {
  start(spec: RevisionSpec): Promise<RevisionProcess>;
  /** The running process of a revision, if any. */
  get(revision: string): RevisionProcess | undefined;
  stopAll(): Promise<void>;
}

/** Percent of traffic per revision, as Cloud Run serves it now. */
export interface RouteTable {
  /** Revision name → percent; sums to 100. */
  readonly split: readonly { readonly revision: string; readonly percent: number }[];
  /** Tag → revision name. */
  readonly tags: Readonly<Record<string, string>>;
}

/** What the router asks of the Cloud Run state: the live routes of a service. */
export interface RouteSource {
  /** The service's routes now, or null for a service the sandbox does not know. */
  routesOf(service: string): RouteTable | null;
}

/**
 * The weighted router: one loopback port per service URL and one per tag URL, allocated on first use. A request to a
 * service URL goes to a revision picked by weight from the service's split; a request to a tag URL goes to the tagged
 * revision. Every request is recorded in the {@link RequestLog}.
 */
export interface Router {
  /** The service's URL, e.g. `http://127.0.0.1:41001`. */
  serviceUrl(service: string): Promise<string>;
  /** A tag's URL (Cloud Run's `https://TAG---SERVICE-HASH.run.app`), e.g. `http://127.0.0.1:41002`. */
  tagUrl(service: string, tag: string): Promise<string>;
  close(): Promise<void>;
}

/** One request the router forwarded. */
export interface RequestRecord {
  readonly at: Millis;
  readonly service: string;
  readonly revision: string;
  /** The tag URL it came in on, or null for the service URL. */
  readonly tag: string | null;
  /** HTTP status the revision answered (502 when it could not be reached). */
  readonly status: number;
  readonly latencyMs: number;
}

/** The router's request log, read by the Monitoring stand-in and by benchmarks. */
export interface RequestLog {
  record(entry: RequestRecord): void;
  /** Requests of `revision` of `service` with `start <= at < end`. */
  between(service: string, revision: string, start: Millis, end: Millis): readonly RequestRecord[];
  /** Every record, oldest first. */
  all(): readonly RequestRecord[];
}
