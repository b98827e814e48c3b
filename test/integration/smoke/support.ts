/**
 * Shared by the smoke tests: a real HTTP server on a loopback port whose answers each test scripts per path and which
 * records every request it receives; a virtual clock whose waits return at once; and smoke effects built through the
 * real config schema, so every default is the one runway.yaml gets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { smokeSchema } from '../../../functions/src/domain/config/sections.js';
import type { SmokeSpec } from '../../../functions/src/domain/config/schema.js';
import type { RunSmokeChecks } from '../../../functions/src/domain/effects.js';

/** A request as the server received it. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** What a route answers. `hang` never answers (the client's timeout must end it). */
export type Reply =
  | {
      readonly status?: number;
      readonly body?: string;
      readonly headers?: Record<string, string>;
      readonly delayMs?: number;
    }
  | 'hang';

/** A route: the request and how many times its path was called so far (1 for the first). */
export type Route = (request: Received, count: number) => Reply | Promise<Reply>;

export interface TestServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly received: Received[];
  /** Scripts `path` (without query); unscripted paths answer 404. */
  route(path: string, route: Route): void;
  /** How many requests reached `path`. */
  count(path: string): number;
  /** Forgets routes and requests, between tests. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, port 0. */
export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const request: Received = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const count = received.filter((r) => r.path === path).length;
      const route: Route = routes.get(path) ?? (() => ({ status: 404, body: 'no such route' }));
      void Promise.resolve(route(request, count)).then(async (reply) => {
        if (reply === 'hang') return;
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    route: (path, route) => routes.set(path, route),
    count: (path) => received.filter((r) => r.path === path).length,
    reset() {
      routes.clear();
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hung requests keep their sockets open; close them so the server can stop.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The URL of a port on which nothing listens: a server is started, its port noted, and closed. */
export async function deadUrl(): Promise<string> {
  const server = await startServer();
  await server.close();
  return server.url;
}

/**
 * A clock that only moves when told: `sleep` advances it instead of waiting (and records each wait), so backoff and
 * deadlines are exercised without the test waiting for them.
 */
export interface VirtualClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Every wait asked for, in order. */
  readonly waits: number[];
  advance(ms: number): void;
}

export function virtualClock(start = Date.UTC(2026, 0, 5, 12, 0, 0)): VirtualClock {
  let time = start;
  const waits: number[] = [];
  return {
    now: () => time,
    sleep: (ms) => {
      waits.push(ms);
      time += ms;
      return Promise.resolve();
    },
    waits,
    advance(ms) {
      time += ms;
    },
  };
}

/** A smoke effect for `url`, its spec parsed from runway.yaml-shaped input (durations as text, defaults applied). */
export function smokeEffect(url: string | null, smoke: unknown): RunSmokeChecks {
  const spec: SmokeSpec = smokeSchema.parse(smoke);
  return {
    id: 'checkout.production:4:0',
    targetId: 'checkout.production',
    rolloutId: 'checkout.production@b7',
    type: 'smoke.run',
    url,
    smoke: spec,
  };
}
