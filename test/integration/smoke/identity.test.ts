/**
 * Identity tokens for private services, with a fake token source: which audience is asked for, which header carries
 * the token, what happens when none can be had. The server checks what a Cloud Run front end would: the bearer token
 * in the right header. google-auth-library's own source is exercised in googleIdTokens.test.ts against a stand-in of
 * the metadata server; a token Google really signed, and Cloud Run's check of it, cannot run on this machine.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createSmokeAdapter,
  IdentityTokenError,
  type IdTokenSource,
} from '../../../functions/src/adapters/smoke/index.js';
import { isTransient } from '../../../functions/src/engine/transient.js';
import { smokeEffect, startServer, virtualClock, type TestServer } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterEach(() => server.reset());
afterAll(() => server.close());

/** Hands out `token-for:<audience>` and remembers each audience asked for. */
function fakeTokens(): IdTokenSource & { audiences: string[] } {
  const audiences: string[] = [];
  return {
    audiences,
    tokenFor(audience) {
      audiences.push(audience);
      return Promise.resolve(`secret-token-for:${audience}`);
    },
  };
}

/** Answers 200 only to the expected bearer token, 401 otherwise, as Cloud Run's IAM check does (403 for a wrong one). */
function requireToken(token: string, header = 'authorization') {
  return (request: { headers: Record<string, string | string[] | undefined> }) => {
    const sent = request.headers[header];
    if (sent === undefined) return { status: 401, body: 'Unauthorized' };
    return sent === `Bearer ${token}` ? { body: 'ok' } : { status: 403, body: 'Forbidden' };
  };
}

describe('identity tokens', () => {
  it('sends Authorization: Bearer with the origin of the URL called as the audience', async () => {
    const tokens = fakeTokens();
    // A tag URL with a path, to show the audience is the origin, not the URL the check calls.
    server.route('/svc/healthz', requireToken(`secret-token-for:${server.url}`));
    server.route('/svc/ready', requireToken(`secret-token-for:${server.url}`));
    const outcome = await createSmokeAdapter({ idTokens: tokens }).run(
      smokeEffect(`${server.url}/svc`, {
        identityToken: true,
        checks: [{ path: '/healthz' }, { path: '/ready' }],
      }),
    );

    expect(outcome.passed).toBe(true);
    expect(tokens.audiences.every((a) => a === server.url)).toBe(true);
    expect(server.received.map((r) => r.headers.authorization)).toEqual([
      `Bearer secret-token-for:${server.url}`,
      `Bearer secret-token-for:${server.url}`,
    ]);
  });

  it('uses the configured audience instead', async () => {
    const tokens = fakeTokens();
    const audience = 'https://checkout.internal.example.com';
    server.route('/healthz', requireToken(`secret-token-for:${audience}`));
    const outcome = await createSmokeAdapter({ idTokens: tokens }).run(
      smokeEffect(server.url, { identityToken: true, audience, checks: [{ path: '/healthz' }] }),
    );
    expect(outcome.passed).toBe(true);
    expect(tokens.audiences).toEqual([audience]);
  });

  it('moves to X-Serverless-Authorization when the check sends an Authorization header of its own', async () => {
    const tokens = fakeTokens();
    server.route('/api', requireToken(`secret-token-for:${server.url}`, 'x-serverless-authorization'));
    const outcome = await createSmokeAdapter({ idTokens: tokens }).run(
      smokeEffect(server.url, {
        identityToken: true,
        checks: [{ path: '/api', headers: { authorization: 'ApiKey app-level-key' } }],
      }),
    );
    expect(outcome.passed).toBe(true);
    expect(server.received[0]?.headers.authorization).toBe('ApiKey app-level-key');
  });

  it('asks for no token when identityToken is off', async () => {
    const tokens = fakeTokens();
    server.route('/healthz', () => ({ body: 'ok' }));
    await createSmokeAdapter({ idTokens: tokens }).run(smokeEffect(server.url, { checks: [{ path: '/healthz' }] }));
    expect(tokens.audiences).toEqual([]);
    expect(server.received[0]?.headers.authorization).toBeUndefined();
  });

  it('a refused token is a failed check (401/403 from the service), and the token is in no result', async () => {
    const tokens = fakeTokens();
    server.route('/healthz', requireToken('some-other-token'));
    const outcome = await createSmokeAdapter({ idTokens: tokens, ...virtualClock() }).run(
      smokeEffect(server.url, { identityToken: true, checks: [{ path: '/healthz' }] }),
    );
    expect(outcome.passed).toBe(false);
    expect(outcome.results[0]?.error).toBe('expected status 200, got 403 (body: "Forbidden")');
    expect(JSON.stringify(outcome)).not.toContain('secret-token');
  });

  it('no token to be had is thrown as a transient error, before any request', async () => {
    const failing: IdTokenSource = {
      tokenFor: () => Promise.reject(new Error('Could not load the default credentials')),
    };
    server.route('/healthz', () => ({ body: 'ok' }));
    const run = createSmokeAdapter({ idTokens: failing }).run(
      smokeEffect(server.url, { identityToken: true, checks: [{ path: '/healthz' }] }),
    );

    const error: unknown = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityTokenError);
    expect((error as Error).message).toBe(
      `could not get an identity token for audience ${server.url}: Could not load the default credentials`,
    );
    expect(isTransient(error)).toBe(true);
    expect(server.received).toEqual([]);
  });
});
