/**
 * The weighted router in front of real revision processes: it honours the live split (read on every request), serves
 * tag URLs, forwards requests and answers whole, records every request, and says clearly why when it cannot route.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoImage } from '../../../sandbox/src/images.js';
import { createRequestLog } from '../../../sandbox/src/requestLog.js';
import { createRevisionHost } from '../../../sandbox/src/revisions/host.js';
import { freePort } from '../../../sandbox/src/revisions/ports.js';
import { createRouter } from '../../../sandbox/src/router/router.js';
import type { RequestLog, RevisionHost, RouteTable, Router } from '../../../sandbox/src/types.js';
import { call, callMany, seededRandom, type HelloBody } from './support.js';

const STABLE = 'hello-00001-v1';
const CANDIDATE = 'hello-00002-v2';
const ERRORS = 'hello-00003-v3';

/** The in-test route source: a mutable table per service, as the Cloud Run stand-in's live state would be. */
const tables = new Map<string, RouteTable>();
const routes = { routesOf: (service: string) => tables.get(service) ?? null };

const host = createRevisionHost();
let log: RequestLog;
let router: Router;

beforeAll(async () => {
  await Promise.all([
    host.start({ service: 'hello', revision: STABLE, image: demoImage('v1').byDigest }),
    host.start({ service: 'hello', revision: CANDIDATE, image: demoImage('v2').byDigest }),
    host.start({ service: 'hello', revision: ERRORS, image: demoImage('v3-errors').byDigest }),
  ]);
});

beforeEach(async () => {
  await router?.close();
  log = createRequestLog();
  router = createRouter({ routes, host, log, random: seededRandom(42) });
  tables.set('hello', {
    split: [
      { revision: STABLE, percent: 80 },
      { revision: CANDIDATE, percent: 20 },
    ],
    tags: { candidate: CANDIDATE },
  });
});

afterAll(async () => {
  await router?.close();
  await host.stopAll();
});

const revisionOf = (text: string): string => (JSON.parse(text) as HelloBody).revision;

describe('router', () => {
  it('gives one URL per service and one per tag, the same on every call', async () => {
    const service = await router.serviceUrl('hello');
    const tag = await router.tagUrl('hello', 'candidate');
    expect(service).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(tag).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(tag).not.toBe(service);
    expect(await router.serviceUrl('hello')).toBe(service);
    expect(await router.tagUrl('hello', 'candidate')).toBe(tag);
    expect(await router.tagUrl('hello', 'other')).not.toBe(tag);
  });

  it('honours a 80/20 split over 500 requests', async () => {
    const answers = await callMany(await router.serviceUrl('hello'), 500);
    const toCandidate = answers.filter((a) => revisionOf(a.text) === CANDIDATE).length;
    // Binomial(500, 0.2): mean 100, σ ≈ 9; ±3.5σ. The router's draws are seeded, so the count is reproducible.
    expect(toCandidate).toBeGreaterThanOrEqual(70);
    expect(toCandidate).toBeLessThanOrEqual(130);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // What each client saw is what the log says.
    expect(log.all().filter((r) => r.revision === CANDIDATE)).toHaveLength(toCandidate);
  });

  it('sends tag URL requests to the tagged revision, even at 0%', async () => {
    tables.set('hello', { split: [{ revision: STABLE, percent: 100 }], tags: { candidate: CANDIDATE } });
    const answers = await callMany(await router.tagUrl('hello', 'candidate'), 20);
    expect(answers.map((a) => revisionOf(a.text))).toEqual(new Array(20).fill(CANDIDATE));
    expect(log.all().every((r) => r.tag === 'candidate' && r.revision === CANDIDATE)).toBe(true);
  });

  it('applies a route change to the very next request', async () => {
    const url = await router.serviceUrl('hello');
    tables.set('hello', { split: [{ revision: STABLE, percent: 100 }], tags: {} });
    expect(revisionOf((await call(url)).text)).toBe(STABLE);
    tables.set('hello', { split: [{ revision: CANDIDATE, percent: 100 }], tags: {} });
    expect(revisionOf((await call(url)).text)).toBe(CANDIDATE);
    tables.set('hello', { split: [{ revision: STABLE, percent: 100 }], tags: { candidate: STABLE } });
    expect(revisionOf((await call(await router.tagUrl('hello', 'candidate'))).text)).toBe(STABLE);
  });

  it('records every request with its revision, tag, status, time and latency', async () => {
    const before = Date.now();
    await call(await router.serviceUrl('hello'));
    await call(`${await router.tagUrl('hello', 'candidate')}/healthz`);
    const after = Date.now();
    const records = log.all();
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ service: 'hello', tag: null, status: 200 });
    expect(records[1]).toMatchObject({ service: 'hello', revision: CANDIDATE, tag: 'candidate', status: 200 });
    for (const record of records) {
      expect(record.at).toBeGreaterThanOrEqual(before);
      expect(record.at).toBeLessThanOrEqual(after);
      expect(record.latencyMs).toBeGreaterThan(0);
    }
    expect(log.between('hello', CANDIDATE, before, after + 1)).toHaveLength(records[0]?.revision === CANDIDATE ? 2 : 1);
  });

  it('passes on the 500s of v3-errors: about 8% of its requests', async () => {
    tables.set('hello', { split: [{ revision: ERRORS, percent: 100 }], tags: {} });
    const answers = await callMany(await router.serviceUrl('hello'), 500);
    const errors = answers.filter((a) => a.status === 500).length;
    expect(errors).toBeGreaterThanOrEqual(20);
    expect(errors).toBeLessThanOrEqual(60);
    expect(log.all().filter((r) => r.revision === ERRORS && r.status === 500)).toHaveLength(errors);
  });

  it('answers 503 when the service has no revision with traffic, 404 for an unknown service or tag', async () => {
    tables.set('hello', { split: [{ revision: STABLE, percent: 0 }], tags: {} });
    const none = await call(await router.serviceUrl('hello'));
    expect(none.status).toBe(503);
    expect(none.text).toContain("service 'hello' has no revision with traffic");
    const unknown = await call(await router.serviceUrl('nope'));
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain("no service 'nope'");
    const tag = await call(await router.tagUrl('hello', 'gone'));
    expect(tag.status).toBe(404);
    expect(tag.text).toContain("no tag 'gone'");
    expect(log.all()).toEqual([]);
  });

  it('answers 503 for a revision with no running process, and records it', async () => {
    tables.set('hello', { split: [{ revision: 'hello-never-started', percent: 100 }], tags: {} });
    const answer = await call(await router.serviceUrl('hello'));
    expect(answer.status).toBe(503);
    expect(answer.text).toContain("revision 'hello-never-started' of 'hello' is not running");
    expect(log.all()).toMatchObject([{ revision: 'hello-never-started', status: 503 }]);
  });
});

describe('router forwarding', () => {
  /** A revision whose process echoes what it received. */
  let echo: http.Server;
  let echoUrl: string;
  let deadUrl: string;
  let fakeLog: RequestLog;
  let fakeRouter: Router;

  beforeAll(async () => {
    echo = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(201, { 'content-type': 'application/json', 'x-echo': 'yes' });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    deadUrl = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    const fakeHost: RevisionHost = {
      start: () => Promise.reject(new Error('not used')),
      get: (revision) => ({ revision, url: revision === 'echo' ? echoUrl : deadUrl, stop: () => Promise.resolve() }),
      stopAll: () => Promise.resolve(),
    };
    fakeLog = createRequestLog();
    fakeRouter = createRouter({
      routes: { routesOf: () => ({ split: [{ revision: 'echo', percent: 100 }], tags: { dead: 'dead' } }) },
      host: fakeHost,
      log: fakeLog,
    });
  });

  afterAll(async () => {
    await fakeRouter.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('forwards method, path, query, headers and body, and the answer whole', async () => {
    const answer = await call(`${await fakeRouter.serviceUrl('echo')}/orders/7?verbose=1`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-custom': 'kept' },
      body: 'hello body',
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-echo')).toBe('yes');
    const seen = JSON.parse(answer.text) as {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(seen).toMatchObject({ method: 'POST', url: '/orders/7?verbose=1', body: 'hello body' });
    expect(seen.headers).toMatchObject({
      'x-custom': 'kept',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
    });
    expect(fakeLog.all().at(-1)).toMatchObject({ revision: 'echo', status: 201, tag: null });
  });

  it('answers 502 when the revision process cannot be reached, and records it', async () => {
    const answer = await call(await fakeRouter.tagUrl('echo', 'dead'));
    expect(answer.status).toBe(502);
    expect(answer.text).toContain("revision 'dead' could not be reached");
    expect(fakeLog.all().at(-1)).toMatchObject({ revision: 'dead', status: 502, tag: 'dead' });
  });
});
