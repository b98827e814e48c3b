/**
 * The traffic generator: steady GETs at about the rate asked for (counts checked with wide bounds, never timings), a URL
 * found lazily, a bound on requests in flight, and failures counted rather than thrown.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoImage } from '../../../sandbox/src/images.js';
import { createRequestLog } from '../../../sandbox/src/requestLog.js';
import { createRevisionHost } from '../../../sandbox/src/revisions/host.js';
import { freePort } from '../../../sandbox/src/revisions/ports.js';
import { createRouter } from '../../../sandbox/src/router/router.js';
import { startTraffic } from '../../../sandbox/src/traffic/generator.js';
import type { RouteTable } from '../../../sandbox/src/types.js';
import { until } from './support.js';

const host = createRevisionHost();
const log = createRequestLog();
const table: RouteTable = { split: [{ revision: 'hello-00001-v1', percent: 100 }], tags: {} };
const router = createRouter({ routes: { routesOf: () => table }, host, log });

beforeAll(async () => {
  await host.start({ service: 'hello', revision: 'hello-00001-v1', image: demoImage('v1').byDigest });
});

afterAll(async () => {
  await router.close();
  await host.stopAll();
});

describe('traffic generator', () => {
  it('sends steady requests the router serves and records, at no more than the rate', async () => {
    const rate = 50;
    const startedAt = Date.now();
    const traffic = startTraffic({ url: () => router.serviceUrl('hello'), ratePerSecond: rate, path: '/healthz' });
    await until('60 requests recorded', () => log.all().length >= 60);
    await traffic.stop();
    const elapsedS = (Date.now() - startedAt) / 1000;
    const sent = traffic.sent();
    // Evenly spaced slots: never more than one per interval (plus the first at once); and, even on a loaded machine,
    // a good share of them.
    expect(sent).toBeLessThanOrEqual(Math.ceil(rate * elapsedS) + 1);
    expect(sent).toBeGreaterThanOrEqual(Math.floor(rate * elapsedS * 0.25));
    expect(traffic.errors()).toBe(0);
    // stop() waited for the requests in flight: every one sent was answered and recorded.
    expect(log.all()).toHaveLength(sent);
    expect(log.all().every((r) => r.status === 200 && r.revision === 'hello-00001-v1')).toBe(true);
  });

  it('counts requests that get no answer, and never throws', async () => {
    const traffic = startTraffic({ url: `http://127.0.0.1:${await freePort()}`, ratePerSecond: 100 });
    await until('10 failures counted', () => traffic.errors() >= 10);
    await traffic.stop();
    expect(traffic.errors()).toBe(traffic.sent());
  });

  it('keeps trying to find the URL until it can', async () => {
    let lookups = 0;
    const url = (): Promise<string> =>
      ++lookups < 3 ? Promise.reject(new Error('not yet')) : router.serviceUrl('hello');
    const traffic = startTraffic({ url, ratePerSecond: 100 });
    await until('requests sent once the URL was found', () => traffic.sent() >= 5);
    await traffic.stop();
    expect(lookups).toBe(3);
    expect(traffic.errors()).toBe(0);
  });

  it('never has more than maxInFlight requests in flight; the slots beyond are skipped', async () => {
    let open = 0;
    let mostOpen = 0;
    const held: http.ServerResponse[] = [];
    const stuck = http.createServer((_req, res) => {
      open++;
      mostOpen = Math.max(mostOpen, open);
      res.once('close', () => open--);
      held.push(res); // answered only when the test says so
    });
    await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(stuck.address() as AddressInfo).port}`;
    const traffic = startTraffic({ url, ratePerSecond: 100, maxInFlight: 3 });
    await until('3 requests held and slots skipped', () => open === 3 && traffic.skipped() >= 5);
    await until('more slots skipped', () => traffic.skipped() >= 10);
    expect(mostOpen).toBe(3);
    expect(traffic.sent()).toBe(3);
    const stopped = traffic.stop();
    for (const res of held) res.end('late');
    await stopped;
    expect(traffic.errors()).toBe(0);
    await new Promise((resolve) => stuck.close(resolve));
  });

  it('sends nothing at rate 0', async () => {
    const traffic = startTraffic({ url: await router.serviceUrl('hello'), ratePerSecond: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await traffic.stop();
    expect(traffic.sent()).toBe(0);
  });
});
