/**
 * Google-signed identity tokens for smoke checks of services that do not allow unauthenticated calls (Cloud Run's IAM
 * invoker check). The token is a bearer credential: it only ever goes into the request's `Authorization` header, never
 * into a result, an error message or a log.
 */
import { GoogleAuth, type IdTokenClient } from 'google-auth-library';
import { messageOf } from './text.js';

/** Where identity tokens come from. Tests pass a fake; production uses {@link googleIdTokens}. */
export interface IdTokenSource {
  /** A current identity token whose `aud` claim is `audience`. Throws if none can be had. */
  tokenFor(audience: string): Promise<string>;
}

/**
 * Identity tokens from Application Default Credentials through google-auth-library: on Cloud Functions and Cloud Run
 * the metadata server signs them for Runway's service account; elsewhere a service-account key or impersonated
 * credentials do (user credentials from `gcloud auth application-default login` cannot mint them).
 *
 * One `IdTokenClient` per audience, kept: it caches its token and fetches a new one shortly before expiry, so a run of
 * many checks asks Google once an hour, not once per request.
 */
export function googleIdTokens(auth: GoogleAuth = new GoogleAuth()): IdTokenSource {
  const clients = new Map<string, Promise<IdTokenClient>>();
  return {
    async tokenFor(audience) {
      let client = clients.get(audience);
      if (client === undefined) {
        client = auth.getIdTokenClient(audience);
        clients.set(audience, client);
        // A failed client (no credentials yet) is not remembered: the engine's retry asks again.
        client.catch(() => clients.delete(audience));
      }
      const headers = await (await client).getRequestHeaders();
      const authorization = headers.get('authorization') ?? '';
      if (!authorization.startsWith('Bearer ')) throw new Error('google-auth-library returned no bearer token');
      return authorization.slice('Bearer '.length);
    },
  };
}

/**
 * No identity token could be had: a transient failure (the metadata server hiccupped, IAM is catching up on a new
 * grant), thrown for the effect runner to retry. Its `code` is `unavailable`, which the engine's `isTransient` retries.
 */
export class IdentityTokenError extends Error {
  readonly code = 'unavailable';

  constructor(audience: string, cause: unknown) {
    super(`could not get an identity token for audience ${audience}: ${messageOf(cause)}`, { cause });
    this.name = 'IdentityTokenError';
  }
}
