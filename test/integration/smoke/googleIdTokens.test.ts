/**
 * The default identity-token source, google-auth-library's own code, against a stand-in of the GCE metadata server
 * (the one Cloud Functions and Cloud Run give Runway): `GET /computeMetadata/v1/instance/service-accounts/default/
 * identity?format=full&audience=…` with `Metadata-Flavor: Google`, answered with a JWT. google-auth-library finds the
 * stand-in through `GCE_METADATA_HOST`, as it would find the real one. The token is not signed: Google's signature is
 * the service's business, not the adapter's.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSmokeAdapter, IdentityTokenError } from '../../../functions/src/adapters/smoke/index.js';
import { smokeEffect, startServer, type Received, type TestServer } from './support.js';

interface MetadataRequest {
  readonly path: string;
  readonly audience: string | null;
  readonly flavor: string | undefined;
}

let service: TestServer;
let metadata: http.Server;
let metadataHost: string;
const asked: MetadataRequest[] = [];
/** Every token the stand-in handed out. */
const issued: string[] = [];
let metadataStatus = 200;

/** `header.payload.signature`, base64url, as Google's tokens are; exp an hour ahead so the client caches it. */
function fakeIdToken(audience: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return [
    part({ alg: 'RS256', typ: 'JWT' }),
    part({ aud: audience, iss: 'https://accounts.google.com', iat: now, exp: now + 3600 }),
    'c2lnbmF0dXJl',
  ].join('.');
}

beforeAll(async () => {
  service = await startServer();
  metadata = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metadata');
    asked.push({
      path: url.pathname,
      audience: url.searchParams.get('audience'),
      flavor: req.headers['metadata-flavor']?.toString(),
    });
    if (metadataStatus !== 200) {
      res.writeHead(metadataStatus, { 'content-type': 'text/plain', 'metadata-flavor': 'Google' });
      res.end('the service account has no permission to sign identity tokens');
      return;
    }
    const token = fakeIdToken(url.searchParams.get('audience') ?? '');
    issued.push(token);
    res.writeHead(200, { 'content-type': 'text/plain', 'metadata-flavor': 'Google' });
    res.end(token);
  });
  await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
  metadataHost = `127.0.0.1:${(metadata.address() as AddressInfo).port}`;
});

beforeEach(() => {
  // Application Default Credentials must find the metadata server and nothing before it: no key file, no gcloud login.
  vi.stubEnv('METADATA_SERVER_DETECTION', 'assume-present');
  vi.stubEnv('GCE_METADATA_HOST', metadataHost);
  vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', '');
  vi.stubEnv('CLOUDSDK_CONFIG', path.join(os.tmpdir(), 'runway-no-gcloud-config'));
  // As on Cloud Functions; without it google-auth-library asks the gcloud CLI for a project id, which takes seconds.
  vi.stubEnv('GOOGLE_CLOUD_PROJECT', 'demo-runway');
  metadataStatus = 200;
  asked.length = 0;
  issued.length = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
  service.reset();
});
afterAll(async () => {
  await service.close();
  await new Promise<void>((resolve) => metadata.close(() => resolve()));
});

describe('identity tokens from the metadata server (google-auth-library)', () => {
  it('fetches a token for the origin of the tag URL and sends it as a bearer token', async () => {
    const bearer = (request: Received) =>
      issued.length > 0 && request.headers.authorization === `Bearer ${issued[0]}` ? { body: 'ok' } : { status: 401 };
    service.route('/healthz', bearer);
    service.route('/ready', bearer);

    const outcome = await createSmokeAdapter().run(
      smokeEffect(service.url, { identityToken: true, checks: [{ path: '/healthz' }, { path: '/ready' }] }),
    );

    expect(outcome.passed).toBe(true);
    const tokenRequests = asked.filter((r) => r.path.endsWith('/identity'));
    expect(tokenRequests[0]).toEqual({
      path: '/computeMetadata/v1/instance/service-accounts/default/identity',
      audience: service.url,
      flavor: 'Google',
    });
    // The client keeps its token until shortly before it expires: one fetch serves both checks.
    expect(tokenRequests).toHaveLength(1);
    const [token] = issued;
    const payload = JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString()) as { aud: string };
    expect(payload.aud).toBe(service.url);
    expect(service.received.map((r) => r.headers.authorization)).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
  });

  it('a metadata server that refuses is an IdentityTokenError, and no request reaches the candidate', async () => {
    metadataStatus = 403;
    service.route('/healthz', () => ({ body: 'ok' }));
    const error: unknown = await createSmokeAdapter()
      .run(smokeEffect(service.url, { identityToken: true, checks: [{ path: '/healthz' }] }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdentityTokenError);
    expect((error as Error).message).toMatch(
      new RegExp(`^could not get an identity token for audience ${service.url}: .+`),
    );
    expect(service.received).toEqual([]);
  });
});
