/**
 * The Cloud Run Admin API v2 clients. Always the REST transport (`fallback: true`): it is what the sandbox speaks, so the
 * code tested locally is the code that runs in production, and it spares a cold start the gRPC stack.
 *
 * - No endpoint: `run.googleapis.com` with Application Default Credentials (the function's service account).
 * - `http://HOST:PORT`: the sandbox (sandbox/src/cloudrun) over plain HTTP, with a dummy access token.
 * - `https://HOST[:PORT]`: another endpoint of the real API (a regional one, say) with ADC.
 *
 * The clients are built on first use, after the credentials are loaded (../google/credentials.ts says why); a failure
 * to load them fails that call only, and the next call tries again.
 */
import { RevisionsClient, ServicesClient } from '@google-cloud/run';
import { OAuth2Client } from 'google-auth-library';
import { loadedGoogleAuth } from '../google/credentials.js';

/** Both clients, built on first use. */
export interface CloudRunClients {
  services(): Promise<ServicesClient>;
  revisions(): Promise<RevisionsClient>;
  close(): Promise<void>;
}

type ClientOptions = NonNullable<ConstructorParameters<typeof ServicesClient>[0]>;
interface Pair {
  readonly services: ServicesClient;
  readonly revisions: RevisionsClient;
}

/** The clients for `endpoint` (see the file comment). Throws at once for an endpoint that is not a URL. */
export function createClients(endpoint?: string): CloudRunClients {
  const target = targetOf(endpoint);
  let pair: Promise<Pair> | null = null;
  const get = (): Promise<Pair> => {
    pair ??= build(target).catch((error: unknown) => {
      pair = null;
      throw error;
    });
    return pair;
  };
  return {
    services: async () => (await get()).services,
    revisions: async () => (await get()).revisions,
    close: async () => {
      const built = pair;
      pair = null;
      const clients = built ? await built.catch(() => null) : null;
      if (clients) await Promise.all([clients.services.close(), clients.revisions.close()]);
    },
  };
}

type Target =
  | { readonly kind: 'google'; readonly apiEndpoint?: string; readonly port?: number }
  | { readonly kind: 'sandbox'; readonly apiEndpoint: string; readonly port: number };

function targetOf(endpoint: string | undefined): Target {
  if (!endpoint) return { kind: 'google' };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(
      `The Cloud Run endpoint must be a URL such as http://127.0.0.1:8090, not ${JSON.stringify(endpoint)}`,
    );
  }
  if (url.protocol === 'https:') return { kind: 'google', apiEndpoint: url.hostname, port: Number(url.port || 443) };
  if (url.protocol !== 'http:') throw new Error(`The Cloud Run endpoint must be http:// or https://, not ${endpoint}`);
  return { kind: 'sandbox', apiEndpoint: url.hostname, port: Number(url.port || 80) };
}

async function build(target: Target): Promise<Pair> {
  const options = await optionsFor(target);
  return { services: new ServicesClient(options), revisions: new RevisionsClient(options) };
}

// google-gax pins its own copy of google-auth-library, so the types of ours are nominally different; at run time gax
// only calls getClient / getRequestHeaders, which both have. Hence the casts.
async function optionsFor(target: Target): Promise<ClientOptions> {
  if (target.kind === 'google') {
    const auth = await loadedGoogleAuth('Cloud Run Admin');
    const { apiEndpoint, port } = target;
    return {
      fallback: true,
      ...(apiEndpoint ? { apiEndpoint, port } : {}),
      auth: auth as unknown as ClientOptions['auth'],
    };
  }
  // The sandbox checks that a bearer token is sent, not what it is. No expiry: the client never tries to refresh it.
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'sandbox' });
  return {
    fallback: true,
    apiEndpoint: target.apiEndpoint,
    port: target.port,
    protocol: 'http',
    authClient: authClient as unknown as ClientOptions['authClient'],
  };
}
