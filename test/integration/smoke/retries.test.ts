/**
 * Retries, backoff and the overall deadline, against a real HTTP server that counts its requests. Time is virtual: the
 * adapter's waits advance the clock instead of passing, so a minutes-long deadline takes milliseconds to test.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSmokeAdapter } from '../../../functions/src/adapters/smoke/index.js';
import { smokeEffect, startServer, virtualClock, type TestServer } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterEach(() => server.reset());
afterAll(() => server.close());

/** 503 for the first `failures` calls, then 200. */
const recoversAfter = (failures: number) => (_: unknown, count: number) =>
  count <= failures ? { status: 503, body: 'warming up' } : { body: 'ok' };

describe('retries', () => {
  it('a check that succeeds on its 3rd attempt passes, after waits of 500 ms then 1 s', async () => {
    server.route('/healthz', recoversAfter(2));
    const clock = virtualClock();
    const outcome = await createSmokeAdapter(clock).run(smokeEffect(server.url, { checks: [{ path: '/healthz' }] }));

    expect(outcome.passed).toBe(true);
    expect(outcome.results[0]).toMatchObject({ ok: true, status: 200, attempts: 3, error: null });
    expect(server.count('/healthz')).toBe(3);
    expect(clock.waits).toEqual([500, 1_000]);
  });

  it('retries exhausted: the last attempt’s failure is the check’s', async () => {
    server.route('/healthz', () => ({ status: 503, body: 'unhealthy' }));
    server.route('/ready', () => ({ body: 'ok' }));
    const clock = virtualClock();
    const outcome = await createSmokeAdapter(clock).run(
      smokeEffect(server.url, {
        checks: [
          { path: '/healthz', retries: 2 },
          { name: 'ready', path: '/ready' },
        ],
      }),
    );

    expect(outcome.passed).toBe(false);
    expect(outcome.results).toEqual([
      {
        name: 'GET /healthz',
        ok: false,
        status: 503,
        latencyMs: expect.any(Number) as number,
        attempts: 3,
        error: 'expected status 200, got 503 (body: "unhealthy")',
      },
      {
        name: 'ready',
        ok: false,
        status: null,
        latencyMs: null,
        attempts: 0,
        error: 'not run: check "GET /healthz" failed',
      },
    ]);
    expect(outcome.reason).toBe(
      'smoke check "GET /healthz" failed after 3 attempts: expected status 200, got 503 (body: "unhealthy")',
    );
    expect(server.count('/healthz')).toBe(3);
    expect(server.count('/ready')).toBe(0);
  });

  it('backoff doubles from 500 ms up to 5 s', async () => {
    server.route('/healthz', recoversAfter(7));
    const clock = virtualClock();
    const outcome = await createSmokeAdapter(clock).run(
      smokeEffect(server.url, { deadline: '8m', checks: [{ path: '/healthz', retries: 10 }] }),
    );
    expect(outcome.results[0]).toMatchObject({ ok: true, attempts: 8 });
    expect(clock.waits).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
  });

  it('retries: 0 means one attempt', async () => {
    server.route('/healthz', recoversAfter(1));
    const clock = virtualClock();
    const outcome = await createSmokeAdapter(clock).run(
      smokeEffect(server.url, { checks: [{ path: '/healthz', retries: 0 }] }),
    );
    expect(outcome.results[0]).toMatchObject({ ok: false, attempts: 1 });
    expect(clock.waits).toEqual([]);
  });

  it('a failing check ends the run; the checks before it keep their results', async () => {
    server.route('/a', () => ({ body: 'ok' }));
    server.route('/b', () => ({ status: 500, body: 'boom' }));
    server.route('/c', () => ({ body: 'ok' }));
    const outcome = await createSmokeAdapter(virtualClock()).run(
      smokeEffect(server.url, {
        checks: [
          { path: '/a', retries: 0 },
          { path: '/b', retries: 0 },
          { path: '/c', retries: 0 },
        ],
      }),
    );
    expect(outcome.results.map((r) => [r.name, r.ok, r.error])).toEqual([
      ['GET /a', true, null],
      ['GET /b', false, 'expected status 200, got 500 (body: "boom")'],
      ['GET /c', false, 'not run: check "GET /b" failed'],
    ]);
    expect(server.received.map((r) => r.path)).toEqual(['/a', '/b']);
  });
});

describe('the overall deadline', () => {
  it('stops retries that could not start in time, and marks later checks not run', async () => {
    server.route('/healthz', () => ({ status: 503, body: 'unhealthy' }));
    server.route('/ready', () => ({ body: 'ok' }));
    const clock = virtualClock();
    // Attempts at 0, 0.5 s, 1.5 s and 3.5 s; the next would start at 7.5 s, past the 5.5 s deadline.
    const outcome = await createSmokeAdapter(clock).run(
      smokeEffect(server.url, {
        deadline: '5s500ms',
        checks: [{ path: '/healthz', retries: 10 }, { path: '/ready' }],
      }),
    );

    expect(outcome.passed).toBe(false);
    expect(outcome.results[0]).toMatchObject({ ok: false, status: 503, attempts: 4 });
    expect(outcome.results[0]?.error).toBe(
      'expected status 200, got 503 (body: "unhealthy"); no time left for another attempt within the smoke deadline of 5s500ms',
    );
    expect(outcome.results[1]).toEqual({
      name: 'GET /ready',
      ok: false,
      status: null,
      latencyMs: null,
      attempts: 0,
      error: 'not run: deadline passed',
    });
    expect(outcome.reason).toMatch(/^smoke check "GET \/healthz" failed after 4 attempts: expected status 200/);
    expect(clock.waits).toEqual([500, 1_000, 2_000]);
    expect(server.count('/healthz')).toBe(4);
    expect(server.count('/ready')).toBe(0);
  });

  it('a check not reached before the deadline fails as not run, and so does every check after it', async () => {
    const clock = virtualClock();
    // The first check takes (virtually) 2 minutes and 1 second: it passes, but the deadline is gone.
    server.route('/slow-but-fine', () => {
      clock.advance(121_000);
      return { body: 'ok' };
    });
    server.route('/healthz', () => ({ body: 'ok' }));
    const outcome = await createSmokeAdapter(clock).run(
      smokeEffect(server.url, {
        checks: [{ path: '/slow-but-fine' }, { name: 'health', path: '/healthz' }, { path: '/ready' }],
      }),
    );

    expect(outcome.passed).toBe(false);
    expect(outcome.results.map((r) => [r.name, r.ok, r.attempts, r.error])).toEqual([
      ['GET /slow-but-fine', true, 1, null],
      ['health', false, 0, 'not run: deadline passed'],
      ['GET /ready', false, 0, 'not run: deadline passed'],
    ]);
    expect(outcome.results[0]?.latencyMs).toBeGreaterThanOrEqual(121_000);
    expect(outcome.reason).toBe('smoke check "health" was not run: the smoke deadline of 2m passed first');
    expect(server.count('/healthz')).toBe(0);
  });

  it('cuts an attempt’s timeout to what is left of the deadline', async () => {
    server.route('/hang', () => 'hang');
    server.route('/ready', () => ({ body: 'ok' }));
    // Real clock here: the attempt really must be cut short. The check's own timeout (1 minute) would hold the test up.
    const outcome = await createSmokeAdapter({ sleep: () => Promise.resolve() }).run(
      smokeEffect(server.url, {
        deadline: '1s',
        checks: [{ path: '/hang', timeout: '1m', retries: 5 }, { path: '/ready' }],
      }),
    );

    expect(outcome.results[0]).toMatchObject({ ok: false, status: null, attempts: 1 });
    expect(outcome.results[0]?.error).toMatch(/^no answer within [\d.]+ m?s, when the smoke deadline of 1s passed$/);
    expect(outcome.results[1]?.error).toBe('not run: deadline passed');
    expect(server.count('/hang')).toBe(1);
  });
});
