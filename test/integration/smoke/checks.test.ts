/**
 * The production smoke adapter against a real HTTP server on loopback: what each expectation accepts and refuses, what
 * is sent, and the sentences a person reads when a check fails.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSmokeAdapter } from '../../../functions/src/adapters/smoke/index.js';
import { deadUrl, smokeEffect, startServer, virtualClock, type TestServer } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterEach(() => server.reset());
afterAll(() => server.close());

/** The adapter on the real clock; waits between attempts return at once (none of these tests is about backoff). */
function adapter() {
  return createSmokeAdapter({ sleep: () => Promise.resolve() });
}

describe('passing checks', () => {
  it('runs every check in order and summarises', async () => {
    server.route('/healthz', () => ({ body: 'ok' }));
    server.route('/api/cart/ping', () => ({ body: '{"ok":true}', headers: { 'content-type': 'application/json' } }));
    server.route('/version', () => ({ body: JSON.stringify({ build: { id: 'b7' } }) }));
    const outcome = await adapter().run(
      smokeEffect(server.url, {
        checks: [
          { path: '/healthz' },
          { name: 'cart API answers', path: '/api/cart/ping', bodyContains: '"ok":true' },
          { path: '/version', expectJson: { path: '$.build.id', equals: 'b7' } },
        ],
      }),
    );

    expect(outcome.passed).toBe(true);
    expect(outcome.reason).toMatch(/^3 checks passed in \d+\.\d s$/);
    expect(outcome.results.map((r) => [r.name, r.ok, r.status, r.attempts, r.error])).toEqual([
      ['GET /healthz', true, 200, 1, null],
      ['cart API answers', true, 200, 1, null],
      ['GET /version', true, 200, 1, null],
    ]);
    for (const r of outcome.results) expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.received.map((r) => r.path)).toEqual(['/healthz', '/api/cart/ping', '/version']);
  });

  it('passes with no checks at all, without a request (and without needing a URL)', async () => {
    const outcome = await adapter().run(smokeEffect(null, {}));
    expect(outcome).toEqual({ passed: true, results: [], reason: 'no smoke checks configured' });
  });

  it('appends the path to a URL that has a path or a trailing slash of its own', async () => {
    server.route('/svc/healthz', () => ({ body: 'ok' }));
    const withPath = await adapter().run(smokeEffect(`${server.url}/svc/`, { checks: [{ path: '/healthz' }] }));
    expect(withPath.passed).toBe(true);
    expect(server.received.map((r) => r.path)).toEqual(['/svc/healthz']);
  });

  it('a single check is "1 check"', async () => {
    server.route('/healthz', () => ({ body: 'ok' }));
    const outcome = await adapter().run(smokeEffect(server.url, { checks: [{ path: '/healthz' }] }));
    expect(outcome.reason).toMatch(/^1 check passed in \d+\.\d s$/);
  });
});

describe('status', () => {
  it('a wrong status fails the check, quoting the start of the body', async () => {
    server.route('/healthz', () => ({
      status: 503,
      body: `unhealthy: database connection pool exhausted ${'x'.repeat(200)}`,
    }));
    const outcome = await adapter().run(smokeEffect(server.url, { checks: [{ path: '/healthz', retries: 0 }] }));

    expect(outcome.passed).toBe(false);
    const [result] = outcome.results;
    expect(result).toMatchObject({ name: 'GET /healthz', ok: false, status: 503, attempts: 1 });
    expect(result?.error).toMatch(
      /^expected status 200, got 503 \(body: "unhealthy: database connection pool exhausted x+…"\)$/,
    );
    expect(outcome.reason).toBe(`smoke check "GET /healthz" failed after 1 attempt: ${result?.error}`);
  });

  it('an empty body is said to be empty', async () => {
    server.route('/healthz', () => ({ status: 500 }));
    const outcome = await adapter().run(smokeEffect(server.url, { checks: [{ path: '/healthz', retries: 0 }] }));
    expect(outcome.results[0]?.error).toBe('expected status 200, got 500 (empty body)');
  });

  it('expectStatus other than 200 is honoured', async () => {
    server.route('/missing', () => ({ status: 404 }));
    const outcome = await adapter().run(smokeEffect(server.url, { checks: [{ path: '/missing', expectStatus: 404 }] }));
    expect(outcome.passed).toBe(true);
  });

  it('does not follow redirects: the status is the candidate’s own', async () => {
    server.route('/', () => ({ status: 302, headers: { location: '/login' } }));
    server.route('/login', () => ({ body: 'please log in' }));
    const refused = await adapter().run(smokeEffect(server.url, { checks: [{ path: '/', retries: 0 }] }));
    expect(refused.results[0]).toMatchObject({ ok: false, status: 302 });
    expect(refused.results[0]?.error).toBe('expected status 200, got 302 (empty body)');
    expect(server.count('/login')).toBe(0);

    const expected = await adapter().run(smokeEffect(server.url, { checks: [{ path: '/', expectStatus: 302 }] }));
    expect(expected.passed).toBe(true);
  });
});

describe('body contains', () => {
  it('passes when the text is there, fails with an excerpt when not', async () => {
    server.route('/ping', () => ({ body: '{"ok":false,"db":"down"}' }));
    const pass = await adapter().run(smokeEffect(server.url, { checks: [{ path: '/ping', bodyContains: '"db"' }] }));
    expect(pass.passed).toBe(true);

    const fail = await adapter().run(
      smokeEffect(server.url, { checks: [{ path: '/ping', bodyContains: '"ok":true', retries: 0 }] }),
    );
    expect(fail.passed).toBe(false);
    expect(fail.results[0]?.error).toBe(
      'expected the body to contain "\\"ok\\":true" (body: "{\\"ok\\":false,\\"db\\":\\"down\\"}")',
    );
  });

  it('the status is checked first', async () => {
    server.route('/ping', () => ({ status: 500, body: 'ok' }));
    const outcome = await adapter().run(
      smokeEffect(server.url, { checks: [{ path: '/ping', bodyContains: 'ok', retries: 0 }] }),
    );
    expect(outcome.results[0]?.error).toBe('expected status 200, got 500 (body: "ok")');
  });
});

describe('JSON path equals', () => {
  const health = {
    status: 'ok',
    checks: [
      { name: 'db', up: true },
      { name: 'cache', up: false },
    ],
    version: 3,
  };
  const check = (path: string, equals: unknown) =>
    smokeEffect(server.url, { checks: [{ path: '/health', expectJson: { path, equals }, retries: 0 }] });

  it.each([
    ['$.status', 'ok'],
    ['$.checks[0].up', true],
    ['$.checks[1].name', 'cache'],
    ['$.version', 3],
  ])('%s equals %j', async (path, equals) => {
    server.route('/health', () => ({ body: JSON.stringify(health) }));
    expect((await adapter().run(check(path, equals))).passed).toBe(true);
  });

  it.each([
    ['$.status', 'degraded', 'expected $.status to be "degraded", got "ok"'],
    ['$.version', '3', 'expected $.version to be "3", got 3'],
    ['$.checks[1].up', true, 'expected $.checks[1].up to be true, got false'],
    ['$.checks', null, 'expected $.checks to be null, got [{"name":"db","up":true},{"name":"cache","up":false}]'],
  ])('%s is not %j', async (path, equals, error) => {
    server.route('/health', () => ({ body: JSON.stringify(health) }));
    const outcome = await adapter().run(check(path, equals));
    expect(outcome.passed).toBe(false);
    expect(outcome.results[0]?.error).toBe(error);
  });

  it('a path that leads nowhere says where it stopped', async () => {
    server.route('/health', () => ({ body: JSON.stringify(health) }));
    const outcome = await adapter().run(check('$.checks[5].up', true));
    expect(outcome.results[0]?.error).toMatch(
      /^expected \$\.checks\[5\]\.up to be true, but it is not there: \$\.checks has 2 items \(body: "\{.*"\)$/,
    );
  });

  it('a body that is not JSON is a clear failure, not a crash', async () => {
    server.route('/health', () => ({ body: '<html><body>Service Unavailable</body></html>' }));
    const outcome = await adapter().run(check('$.status', 'ok'));
    expect(outcome.passed).toBe(false);
    expect(outcome.results[0]?.status).toBe(200);
    expect(outcome.results[0]?.error).toMatch(
      /^expected \$\.status to be "ok", but the body is not JSON \(.+; body: "<html><body>Service Unavailable<\/body><\/html>"\)$/,
    );
  });

  it('an empty body is not JSON either', async () => {
    server.route('/health', () => ({}));
    const outcome = await adapter().run(check('$', null));
    expect(outcome.results[0]?.error).toMatch(/^expected \$ to be null, but the body is not JSON \(.+; empty body\)$/);
  });
});

describe('large bodies', () => {
  // 2 MiB of padding, then the text: beyond what the adapter reads (1 MiB), so a streaming candidate cannot exhaust it.
  const huge = `${'a'.repeat(2 * 1024 * 1024)}"status":"ok"`;

  it('bodyContains looks at the first 1 MiB and says so', async () => {
    server.route('/big', () => ({ body: huge }));
    const outcome = await adapter().run(
      smokeEffect(server.url, { checks: [{ path: '/big', bodyContains: '"status":"ok"', retries: 0 }] }),
    );
    expect(outcome.results[0]?.error).toMatch(
      /^expected the body to contain "\\"status\\":\\"ok\\"", in its first 1 MiB \(body: "a+…"\)$/,
    );
  });

  it('expectJson does not parse a body it could not read whole', async () => {
    server.route('/big', () => ({ body: huge }));
    const outcome = await adapter().run(
      smokeEffect(server.url, {
        checks: [{ path: '/big', expectJson: { path: '$.status', equals: 'ok' }, retries: 0 }],
      }),
    );
    expect(outcome.results[0]?.error).toBe(
      'expected $.status to be "ok", but the body is larger than 1 MiB and was not parsed',
    );
  });
});

describe('latency and timeouts', () => {
  it('an answer slower than maxLatency fails the attempt even though it is right', async () => {
    // The server waits 300 ms before answering; the limit is 50 ms: the answer is late whatever the machine's load.
    server.route('/slow', () => ({ body: 'ok', delayMs: 300 }));
    const outcome = await adapter().run(
      smokeEffect(server.url, { checks: [{ path: '/slow', maxLatency: '50ms', retries: 0 }] }),
    );
    const [result] = outcome.results;
    expect(result).toMatchObject({ ok: false, status: 200, attempts: 1 });
    expect(result?.latencyMs).toBeGreaterThan(50);
    expect(result?.error).toMatch(/^answered in \d+ ms, over the maxLatency of 50 ms$/);
  });

  it('an answer within maxLatency passes', async () => {
    server.route('/fast', () => ({ body: 'ok' }));
    const outcome = await adapter().run(smokeEffect(server.url, { checks: [{ path: '/fast', maxLatency: '1m' }] }));
    expect(outcome.passed).toBe(true);
  });

  it('a candidate that never answers times out', async () => {
    server.route('/hang', () => 'hang');
    const outcome = await adapter().run(
      smokeEffect(server.url, { checks: [{ path: '/hang', timeout: '200ms', retries: 1 }] }),
    );
    expect(outcome.results[0]).toEqual({
      name: 'GET /hang',
      ok: false,
      status: null,
      latencyMs: null,
      attempts: 2,
      error: 'no answer within 200 ms',
    });
    expect(server.count('/hang')).toBe(2);
  });
});

describe('what is sent', () => {
  it('method, headers and body as configured, and a User-Agent that names Runway', async () => {
    server.route('/api/orders', () => ({ status: 201, body: '{"id":"o-1"}' }));
    const outcome = await adapter().run(
      smokeEffect(server.url, {
        checks: [
          {
            path: '/api/orders?dryRun=true',
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-smoke': 'yes' },
            body: '{"sku":"TEST-1","qty":1}',
            expectStatus: 201,
            expectJson: { path: '$.id', equals: 'o-1' },
          },
          { path: '/api/orders', method: 'DELETE', headers: { 'User-Agent': 'my-agent' }, expectStatus: 201 },
        ],
      }),
    );

    expect(outcome.passed).toBe(true);
    const [post, del] = server.received;
    expect(post).toMatchObject({ method: 'POST', path: '/api/orders', body: '{"sku":"TEST-1","qty":1}' });
    expect(post?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-smoke': 'yes',
      'user-agent': 'Runway-Smoke-Check',
    });
    expect(post?.headers.authorization).toBeUndefined();
    expect(del).toMatchObject({ method: 'DELETE', body: '' });
    expect(del?.headers['user-agent']).toBe('my-agent');
    expect(outcome.results.map((r) => r.name)).toEqual(['POST /api/orders?dryRun=true', 'DELETE /api/orders']);
  });

  it('HEAD checks need no body', async () => {
    server.route('/healthz', () => ({ body: 'ignored' }));
    const outcome = await adapter().run(smokeEffect(server.url, { checks: [{ path: '/healthz', method: 'HEAD' }] }));
    expect(outcome.passed).toBe(true);
    expect(server.received[0]?.method).toBe('HEAD');
  });

  it('a body on a GET is refused before any request, without retries', async () => {
    // runway.yaml refuses this; a policy snapshot taken before that rule still reaches the adapter, which holds the line.
    const valid = smokeEffect(server.url, { checks: [{ path: '/healthz', method: 'POST', body: '{}' }] });
    const check = { ...valid.smoke.checks[0]!, method: 'GET' as const };
    const outcome = await adapter().run({ ...valid, smoke: { ...valid.smoke, checks: [check] } });
    expect(outcome.results[0]).toMatchObject({
      ok: false,
      attempts: 0,
      error: 'a GET request cannot have a body: remove body or use POST, PUT or PATCH',
    });
    expect(server.received).toEqual([]);
  });
});

describe('a candidate that cannot be reached', () => {
  it('connection refused is a failed check, not a thrown error', async () => {
    const url = await deadUrl();
    const clock = virtualClock();
    const outcome = await createSmokeAdapter(clock).run(smokeEffect(url, { checks: [{ path: '/healthz' }] }));

    expect(outcome.passed).toBe(false);
    expect(outcome.results[0]).toEqual({
      name: 'GET /healthz',
      ok: false,
      status: null,
      latencyMs: null,
      attempts: 3,
      error: `could not reach ${url}/healthz: connection refused (ECONNREFUSED)`,
    });
    expect(outcome.reason).toBe(
      `smoke check "GET /healthz" failed after 3 attempts: could not reach ${url}/healthz: connection refused (ECONNREFUSED)`,
    );
  });

  it('no tag URL fails at once, every check not run', async () => {
    const outcome = await adapter().run(smokeEffect(null, { checks: [{ path: '/healthz' }, { path: '/ready' }] }));
    expect(outcome).toEqual({
      passed: false,
      reason: 'the candidate has no tag URL to run smoke checks on',
      results: [
        {
          name: 'GET /healthz',
          ok: false,
          status: null,
          latencyMs: null,
          attempts: 0,
          error: 'not run: the candidate has no tag URL',
        },
        {
          name: 'GET /ready',
          ok: false,
          status: null,
          latencyMs: null,
          attempts: 0,
          error: 'not run: the candidate has no tag URL',
        },
      ],
    });
  });

  it('a URL that is not one fails at once', async () => {
    const outcome = await adapter().run(smokeEffect('candidate---hello', { checks: [{ path: '/healthz' }] }));
    expect(outcome.passed).toBe(false);
    expect(outcome.reason).toBe(`the candidate's URL "candidate---hello" is not a URL`);
  });
});
