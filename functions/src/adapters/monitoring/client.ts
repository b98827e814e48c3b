/**
 * The MetricServiceClient (`@google-cloud/monitoring` v5) the adapter talks through.
 *
 * Both for Google and for the sandbox it speaks REST (`fallback: true`): the wire protocol the sandbox's stand-in
 * verifies is then exactly the one production uses, and a cold start does not load gRPC. Without an endpoint it calls
 * monitoring.googleapis.com with Application Default Credentials (the function's service account needs
 * `roles/monitoring.viewer`). With `http://HOST:PORT` it calls that stand-in over plain HTTP with a dummy access token:
 * the client needs credentials to send and would otherwise look for real ones.
 *
 * The SDK is imported on first use, so functions that never measure do not pay for loading it.
 */
import type { MetricServiceClient } from '@google-cloud/monitoring';
import { loadedGoogleAuth } from '../google/credentials.js';

type ClientOptions = NonNullable<ConstructorParameters<typeof MetricServiceClient>[0]>;

/** Where the client goes: Google (null) or a stand-in's address. */
export type Endpoint = { readonly host: string; readonly port: number } | null;

/** Reads `http://host:port` (the only form a stand-in has); throws a clear error for anything else. */
export function parseEndpoint(endpoint: string | undefined): Endpoint {
  if (endpoint === undefined || endpoint === '') return null;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`the Monitoring endpoint must be http://HOST:PORT, not ${JSON.stringify(endpoint)}`);
  }
  if (url.protocol !== 'http:' || !url.port || (url.pathname !== '/' && url.pathname !== '')) {
    throw new Error(`the Monitoring endpoint must be http://HOST:PORT, not ${JSON.stringify(endpoint)}`);
  }
  // URL keeps IPv6 hosts bracketed; the client wants the bare address.
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) };
}

/** A client for Google (ADC) or for the stand-in at `endpoint`. */
export async function createMetricClient(endpoint: Endpoint): Promise<MetricServiceClient> {
  const { MetricServiceClient: Client } = await import('@google-cloud/monitoring');
  if (endpoint === null) {
    // Credentials first (../google/credentials.ts says why); the adapter builds the client again after a failure.
    const auth = await loadedGoogleAuth('Cloud Monitoring');
    return new Client({ fallback: true, auth: auth as unknown as ClientOptions['auth'] });
  }
  const { OAuth2Client } = await import('google-auth-library');
  const authClient = new OAuth2Client();
  // Far in the future, so the client never tries to refresh it.
  authClient.setCredentials({ access_token: 'sandbox', expiry_date: Date.now() + 365 * 86_400_000 });
  return new Client({
    fallback: true,
    apiEndpoint: endpoint.host,
    port: endpoint.port,
    // Without it the REST transport speaks HTTPS to the stand-in and the call hangs.
    protocol: 'http',
    // google-gax types its option with its own copy of google-auth-library (another minor version): the classes are
    // the same at run time but differ nominally (private members), hence the cast.
    authClient: authClient as unknown as ClientOptions['authClient'],
  });
}
