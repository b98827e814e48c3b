/**
 * The HTTP face of the stand-in: the Cloud Run Admin API v2 paths `@google-cloud/run` calls in REST mode, and the
 * sandbox's own control endpoints.
 *
 * API (bearer token required, any value; enums as numbers when the query has `$alt=json;enum-encoding=int`):
 *   GET   /v2/projects/P/locations/L/services/S
 *   PATCH /v2/projects/P/locations/L/services/S[?updateMask=traffic,template]   body: the Service  → an Operation
 *   GET   /v2/projects/P/locations/L/operations/ID
 *   GET   /v2/projects/P/locations/L/services/S/revisions[?pageSize=N&pageToken=T]
 *   GET   /v2/projects/P/locations/L/services/S/revisions/R
 *
 * Control (no token, JSON in and out, enums by name) — for tests and people driving a sandbox in another process:
 *   GET    /sandbox/services                      every service as the API shows it
 *   POST   /sandbox/traffic                       {project, region, service, split: [{revision, percent}], tags?: {TAG: REVISION}}
 *                                                 sets the split by hand, as in the console (generation and etag move)
 *   GET    /sandbox/served?service=S              {history: [{at, split: [{revision, percent}]}]}: when each split began
 *                                                 to be served (routed), oldest first
 *   GET    /sandbox/calls                         {counts: {"GET services": n, …}, total}: API requests served
 *   POST   /sandbox/calls/reset
 *   GET    /sandbox/faults                        faults still waiting
 *   POST   /sandbox/faults                        {status: 429|503|409|500, method?: GET|PATCH, kind?: services|operations|revisions, count?}
 *   POST   /sandbox/faults/conflict               {service?}: the next PATCH meets a concurrent write (ABORTED, 409)
 *   DELETE /sandbox/faults                        clears them
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, faultError, invalidArgument, type FaultStatus } from './errors.js';
import type { ApiKind, CallCounter, FaultPlan } from './faults.js';
import { isObject, type Json, type JsonObject } from './json.js';
import type { ServiceRef } from './names.js';
import { renderOperation, renderRevision, renderService, type Encoding } from './render.js';
import type { CloudRunStore, HandSplit } from './store.js';

const SEGMENT = '([^/]+)';
const SERVICE = new RegExp(`^/v2/projects/${SEGMENT}/locations/${SEGMENT}/services/${SEGMENT}$`);
const REVISIONS = new RegExp(`^/v2/projects/${SEGMENT}/locations/${SEGMENT}/services/${SEGMENT}/revisions$`);
const REVISION = new RegExp(`^/v2/projects/${SEGMENT}/locations/${SEGMENT}/services/${SEGMENT}/revisions/${SEGMENT}$`);
const OPERATION = new RegExp(`^/v2/projects/${SEGMENT}/locations/${SEGMENT}/operations/${SEGMENT}$`);
const MAX_BODY = 1 << 20;
const DEFAULT_PAGE = 100;

export interface HandlerDeps {
  readonly store: CloudRunStore;
  readonly faults: FaultPlan;
  readonly calls: CallCounter;
}

/** A request as read off the wire. */
interface Request {
  readonly method: string;
  readonly url: URL;
  readonly authorization: string;
  readonly body: string;
}

/** Handles one HTTP request. */
export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    readBody(req)
      .then((body) => {
        const request: Request = {
          method: req.method ?? 'GET',
          url: new URL(req.url ?? '/', 'http://localhost'),
          authorization: req.headers.authorization ?? '',
          body,
        };
        return request.url.pathname.startsWith('/sandbox/') ? control(deps, request) : api(deps, request);
      })
      .then(
        (answer) => send(res, 200, answer),
        (error: unknown) => {
          const apiError =
            error instanceof ApiError
              ? error
              : new ApiError(
                  'INTERNAL',
                  `the sandbox failed: ${error instanceof Error ? error.message : String(error)}`,
                );
          send(res, apiError.httpStatus, apiError.toJSON());
        },
      );
  };
}

function api(deps: HandlerDeps, request: Request): Json {
  const { method, url } = request;
  const path = url.pathname;
  const enc: Encoding = { intEnums: /enum-encoding=int/.test(url.searchParams.get('$alt') ?? '') };
  const route = matchApi(path);
  if (!route) throw new ApiError('NOT_FOUND', `The sandbox's Cloud Run Admin API does not serve ${method} ${path}.`);
  deps.calls.record(method, route.kind);
  const fault: FaultStatus | null = deps.faults.take(method, route.kind);
  if (fault) throw faultError(fault);
  if (!/^Bearer \S+/i.test(request.authorization)) {
    throw new ApiError(
      'UNAUTHENTICATED',
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    );
  }
  const [project = '', region = '', name = '', revision = ''] = route.params;
  const ref: ServiceRef = { project, region, service: name };
  switch (`${method} ${route.kind}${route.list ? ' list' : ''}`) {
    case 'GET services':
      return renderService(deps.store.service(ref), enc);
    case 'PATCH services': {
      if (deps.faults.takeConflict(name) && deps.store.find(ref)) deps.store.writeByOther(ref);
      const body = parseJson(request.body);
      const maskParam = url.searchParams.get('updateMask');
      const mask = maskParam
        ? maskParam
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean)
        : null;
      return renderOperation(deps.store.patch(ref, body, mask), enc);
    }
    case 'GET operations':
      return renderOperation(deps.store.operation(project, region, name), enc);
    case 'GET revisions':
      return renderRevision(deps.store.revision(ref, revision), enc);
    case 'GET revisions list':
      return listRevisions(deps, ref, url.searchParams, enc);
    default:
      throw new ApiError('UNIMPLEMENTED', `The sandbox's Cloud Run Admin API does not implement ${method} ${path}.`);
  }
}

function matchApi(path: string): { kind: ApiKind; list: boolean; params: string[] } | null {
  const decode = (m: RegExpExecArray): string[] => m.slice(1).map((p) => decodeURIComponent(p));
  let m = SERVICE.exec(path);
  if (m) return { kind: 'services', list: false, params: decode(m) };
  m = REVISIONS.exec(path);
  if (m) return { kind: 'revisions', list: true, params: decode(m) };
  m = REVISION.exec(path);
  if (m) return { kind: 'revisions', list: false, params: decode(m) };
  m = OPERATION.exec(path);
  if (m) return { kind: 'operations', list: false, params: decode(m) };
  return null;
}

function listRevisions(deps: HandlerDeps, ref: ServiceRef, params: URLSearchParams, enc: Encoding): Json {
  const all = deps.store.revisionsOf(ref);
  const size = Number(params.get('pageSize') ?? 0) || DEFAULT_PAGE;
  const token = params.get('pageToken') ?? '';
  const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidArgument(`page_token: '${token}' is not a valid page token`);
  const page = all.slice(start, start + size);
  const body: JsonObject = { revisions: page.map((r) => renderRevision(r, enc)) };
  if (start + size < all.length) body.nextPageToken = Buffer.from(String(start + size)).toString('base64url');
  return body;
}

async function control(deps: HandlerDeps, request: Request): Promise<Json> {
  const { method, url } = request;
  const enc: Encoding = { intEnums: false };
  switch (`${method} ${url.pathname}`) {
    case 'GET /sandbox/services':
      return { services: deps.store.all().map((s) => renderService(s, enc)) };
    case 'POST /sandbox/traffic': {
      const body = parseJson(request.body);
      const ref = refOf(body);
      await deps.store.setTrafficByHand(ref, splitOf(body.split), tagsOf(body.tags));
      return renderService(deps.store.service(ref), enc);
    }
    case 'GET /sandbox/served': {
      const name = url.searchParams.get('service');
      const service = deps.store.all().find((s) => s.ref.service === name);
      if (!service) throw new ApiError('NOT_FOUND', `The sandbox has no service ${JSON.stringify(name)}.`);
      return { history: service.servedHistory.map((h) => ({ at: h.at, split: h.split.map((s) => ({ ...s })) })) };
    }
    case 'GET /sandbox/calls': {
      return { counts: deps.calls.snapshot(), total: deps.calls.count() };
    }
    case 'POST /sandbox/calls/reset':
      deps.calls.reset();
      return {};
    case 'GET /sandbox/faults':
      return pendingFaults(deps);
    case 'POST /sandbox/faults': {
      const body = parseJson(request.body);
      const status = body.status;
      if (status !== 429 && status !== 503 && status !== 409 && status !== 500) {
        throw invalidArgument('status: must be 429, 503, 409 or 500');
      }
      const method = body.method === 'GET' || body.method === 'PATCH' ? body.method : undefined;
      const kind =
        body.kind === 'services' || body.kind === 'operations' || body.kind === 'revisions' ? body.kind : undefined;
      const count = typeof body.count === 'number' ? body.count : 1;
      deps.faults.inject({ status, count, ...(method && { method }), ...(kind && { kind }) });
      return pendingFaults(deps);
    }
    case 'POST /sandbox/faults/conflict': {
      const body = request.body ? parseJson(request.body) : {};
      deps.faults.conflictNextPatch(typeof body.service === 'string' ? body.service : undefined);
      return pendingFaults(deps);
    }
    case 'DELETE /sandbox/faults':
      deps.faults.clear();
      return {};
    default:
      throw new ApiError('NOT_FOUND', `The sandbox has no control endpoint ${method} ${url.pathname}.`);
  }
}

function pendingFaults(deps: HandlerDeps): Json {
  const { rules, conflicts } = deps.faults.pending();
  return { faults: rules.map((r) => ({ ...r })), conflicts: [...conflicts] };
}

function refOf(body: JsonObject): ServiceRef {
  const { project, region, service } = body;
  if (typeof project !== 'string' || typeof region !== 'string' || typeof service !== 'string') {
    throw invalidArgument('project, region and service are required strings');
  }
  return { project, region, service };
}

function splitOf(value: Json | undefined): HandSplit {
  if (!Array.isArray(value)) throw invalidArgument('split: must be a list of {revision, percent}');
  return value.map((entry, i) => {
    if (!isObject(entry) || typeof entry.revision !== 'string' || typeof entry.percent !== 'number') {
      throw invalidArgument(`split[${i}]: must be {revision: string, percent: number}`);
    }
    return { revision: entry.revision, percent: entry.percent };
  });
}

function tagsOf(value: Json | undefined): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidArgument('tags: must be an object {TAG: REVISION}');
  const tags: Record<string, string> = {};
  for (const [tag, revision] of Object.entries(value)) {
    if (typeof revision !== 'string') throw invalidArgument(`tags.${tag}: must be a revision name`);
    tags[tag] = revision;
  }
  return tags;
}

function parseJson(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text || '{}');
  } catch {
    throw invalidArgument('Invalid JSON payload received.');
  }
  if (!isObject(value)) throw invalidArgument('Invalid JSON payload received: expected an object.');
  return value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) reject(invalidArgument('Request payload size exceeds the limit: 1048576 bytes.'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
