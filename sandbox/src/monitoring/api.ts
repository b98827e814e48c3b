/**
 * The Cloud Monitoring v3 stand-in: a loopback HTTP server answering `projects.timeSeries.list`
 * (`GET /v3/projects/PROJECT/timeSeries`) the way `monitoring.googleapis.com` answers `@google-cloud/monitoring`'s
 * MetricServiceClient in REST mode, with Cloud Run's request metrics computed from the router's request log
 * (timeSeries.ts). Errors are Google's error JSON; anything the stand-in does not implement is refused with
 * INVALID_ARGUMENT (or UNIMPLEMENTED) and a message that says what it supports.
 *
 * Point a client at it with `{ fallback: true, apiEndpoint: '127.0.0.1', port, protocol: 'http', authClient }` and any
 * bearer token: the stand-in checks that one is sent, not what it is.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestLog } from '../types.js';
import { ApiError, type GoogleStatus } from './errors.js';
import { parseListRequest } from './listRequest.js';
import { decodeToken, encodeToken, fingerprintOf, pageOf, type PageCursor } from './paging.js';
import { computeSeries } from './timeSeries.js';

export interface MonitoringApiOptions {
  /** Where the requests come from: the router's log. */
  readonly log: RequestLog;
  /** The project the stand-in serves (`resource.labels.project_id`); other projects are refused. */
  readonly project: string;
  /** The region of every revision (`resource.labels.location`). */
  readonly region: string;
  /** The clock that decides what is visible yet. Default `Date.now`. */
  readonly now?: () => number;
  /** A request shows once this long has passed since it was served, as Cloud Monitoring's ingestion delay. Default 0. */
  readonly reportingDelayMs?: number;
}

/** A running (or ready to run) stand-in. */
export interface MonitoringApi {
  /** Starts serving on `host` (default 127.0.0.1) and `port` (default 0: any free one); resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** How many HTTP requests it has received, refused ones included. */
  calls(): number;
  /**
   * Answers the next `times` requests (default 1) with `status` and Google's error JSON, before reading them: a way to
   * exercise a client's handling of UNAVAILABLE (503), RESOURCE_EXHAUSTED (429) and the like.
   */
  failNext(status: GoogleStatus, times?: number): void;
}

const LIST_PATH = /^\/v3\/projects\/([^/]+)\/timeSeries$/;
/**
 * The sandbox's own view of the request log, not part of Monitoring's API: `GET /sandbox/requests?service=S&revision=R`
 * → what {@link requestSummary} returns. For benchmarks and people asking "when did users first meet this revision?".
 */
const REQUESTS_PATH = '/sandbox/requests';

/** Creates the stand-in; nothing listens until {@link MonitoringApi.listen}. */
export function createMonitoringApi(options: MonitoringApiOptions): MonitoringApi {
  const now = options.now ?? Date.now;
  const delay = options.reportingDelayMs ?? 0;
  const ctx = { project: options.project, region: options.region };
  let received = 0;
  const faults: GoogleStatus[] = [];
  let server: Server | null = null;

  function list(projectInPath: string, params: URLSearchParams): unknown {
    if (projectInPath !== options.project) {
      throw new ApiError(
        'PERMISSION_DENIED',
        `Permission monitoring.timeSeries.list denied (or the resource may not exist); the sandbox serves project "${options.project}", not "${projectInPath}".`,
      );
    }
    const request = parseListRequest(params);
    const fingerprint = fingerprintOf(params);
    const cursor: PageCursor = request.pageToken
      ? decodeToken(request.pageToken, fingerprint)
      : { visibleUntil: now() - delay, series: 0, point: 0 };
    const all = computeSeries(request, options.log.all(), cursor.visibleUntil, ctx);
    const { page, next } = pageOf(all, cursor, request.pageSize, request.view);
    const body: { timeSeries?: unknown[]; nextPageToken?: string; unit?: string } = {};
    if (page.length > 0) {
      body.timeSeries = page;
      body.unit = page[0]?.unit;
    }
    if (next) body.nextPageToken = encodeToken(next, fingerprint);
    return body;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    received++;
    try {
      const fault = faults.shift();
      if (fault) throw new ApiError(fault, `${fault}: a fault injected by the sandbox (failNext).`);
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === REQUESTS_PATH) {
        send(res, 200, requestSummary(options.log, url.searchParams));
        return;
      }
      const match = LIST_PATH.exec(url.pathname);
      if (!match?.[1]) {
        throw new ApiError(
          'NOT_FOUND',
          `the sandbox's Cloud Monitoring serves GET /v3/projects/PROJECT/timeSeries only, not ${req.method} ${url.pathname}`,
        );
      }
      if (req.method !== 'GET') {
        throw new ApiError(
          'UNIMPLEMENTED',
          `the sandbox's Cloud Monitoring does not implement ${req.method} ${url.pathname}`,
        );
      }
      if (!/^Bearer \S+/i.test(req.headers.authorization ?? '')) {
        throw new ApiError(
          'UNAUTHENTICATED',
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        );
      }
      send(res, 200, list(decodeURIComponent(match[1]), url.searchParams));
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError('INTERNAL', `the sandbox failed: ${error instanceof Error ? error.message : String(error)}`);
      send(res, apiError.httpStatus, apiError.toJSON());
    }
  }

  return {
    listen(port = 0, host = '127.0.0.1') {
      if (server) return Promise.reject(new Error('the Monitoring stand-in is already listening'));
      const s = createServer((req, res) => {
        // A GET has no body, but drain whatever comes so the connection can be reused.
        req.resume();
        req.on('end', () => handle(req, res));
      });
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
    calls: () => received,
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) faults.push(status);
    },
  };
}

/** What the router served for one revision: user traffic (the service URL) and tag-URL requests (smoke checks). */
export interface RequestSummary {
  readonly service: string;
  readonly revision: string;
  /** Requests through the service URL, routed by the traffic split: what users met. */
  readonly users: {
    readonly count: number;
    readonly errors: number;
    readonly firstAt: number | null;
    readonly lastAt: number | null;
  };
  /** Requests through a tag URL. */
  readonly tagged: { readonly count: number };
}

/** Summarises the log for `service` and `revision` (both query parameters required). */
export function requestSummary(log: RequestLog, params: URLSearchParams): RequestSummary {
  const service = params.get('service');
  const revision = params.get('revision');
  if (!service || !revision)
    throw new ApiError('INVALID_ARGUMENT', 'GET /sandbox/requests needs ?service=S&revision=R');
  let count = 0;
  let errors = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  let tagged = 0;
  for (const r of log.all()) {
    if (r.service !== service || r.revision !== revision) continue;
    if (r.tag !== null) {
      tagged++;
      continue;
    }
    count++;
    if (r.status >= 500) errors++;
    firstAt ??= r.at;
    lastAt = r.at;
  }
  return { service, revision, users: { count, errors, firstAt, lastAt }, tagged: { count: tagged } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
