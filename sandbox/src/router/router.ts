/**
 * The weighted router in front of the revision processes, standing in for Cloud Run's front end: one loopback port per
 * service URL and one per tag URL, allocated on first use. The routes are read from the {@link RouteSource} on every
 * request, so a traffic change takes effect at once. Every request that reaches a revision's turn is recorded in the
 * {@link RequestLog} (at the time its answer finished); a request whose client went away before that is not.
 *
 * The router's own answers: 404 for a service or tag that does not exist, 503 when the service has no revision with
 * traffic or the chosen revision has no running process, 502 when the process cannot be reached.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { RequestLog, RevisionHost, RouteSource, Router } from '../types.js';
import { pickRevision } from './pick.js';
import { forward, plain } from './proxy.js';

export interface RouterOptions {
  readonly routes: RouteSource;
  readonly host: RevisionHost;
  readonly log: RequestLog;
  /** The clock of the records' `at`. Default Date.now. */
  readonly now?: () => number;
  /** Uniform draws in [0, 1) that pick revisions by weight. Default Math.random; tests pass a seeded one. */
  readonly random?: () => number;
}

/** What a URL serves: a service, or one of its tags. */
interface Endpoint {
  readonly service: string;
  readonly tag: string | null;
}

/** Starts no server until a URL is asked for. See the module comment. */
export function createRouter(options: RouterOptions): Router {
  const { routes, host, log } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  // Keep-alive to the revisions: a new TCP connection per request would cost more than the forwarding itself.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 30_000 });
  const servers = new Map<string, Promise<{ server: http.Server; url: string }>>();

  function handle({ service, tag }: Endpoint, req: http.IncomingMessage, res: http.ServerResponse): void {
    const started = performance.now();
    const table = routes.routesOf(service);
    if (table === null) return plain(res, 404, `Not Found: there is no service '${service}'`);
    const revision = tag === null ? pickRevision(table.split, random()) : (table.tags[tag] ?? null);
    if (revision === null) {
      return tag === null
        ? plain(res, 503, `Service Unavailable: service '${service}' has no revision with traffic`)
        : plain(res, 404, `Not Found: service '${service}' has no tag '${tag}'`);
    }
    res.once('finish', () => {
      const latencyMs = performance.now() - started;
      log.record({ at: now(), service, revision, tag, status: res.statusCode, latencyMs });
    });
    const target = host.get(revision);
    if (!target) return plain(res, 503, `Service Unavailable: revision '${revision}' of '${service}' is not running`);
    forward(req, res, target.url, revision, agent);
  }

  function serve(endpoint: Endpoint): Promise<string> {
    const key = JSON.stringify([endpoint.service, endpoint.tag]);
    let entry = servers.get(key);
    if (!entry) {
      const server = http.createServer((req, res) => {
        try {
          handle(endpoint, req, res);
        } catch (error) {
          // A route source that throws is a sandbox bug: say so to the caller rather than drop the connection.
          plain(res, 500, `Internal Server Error: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
      entry = new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          const { port } = server.address() as AddressInfo;
          resolve({ server, url: `http://127.0.0.1:${port}` });
        });
      });
      servers.set(key, entry);
      entry.catch(() => servers.delete(key)); // the next call tries again
    }
    return entry.then(({ url }) => url);
  }

  return {
    serviceUrl: (service) => serve({ service, tag: null }),
    tagUrl: (service, tag) => serve({ service, tag }),
    async close() {
      const started = await Promise.allSettled([...servers.values()]);
      servers.clear();
      const listening = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value.server] : []));
      await Promise.all(
        listening.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
      agent.destroy();
    },
  };
}
