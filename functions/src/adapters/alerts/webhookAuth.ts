/**
 * Authenticating Cloud Monitoring's webhook channel. Monitoring cannot sign its requests or send custom headers; what it
 * can do is call a URL that carries a secret (`https://…/alerts?token=SECRET`) or send HTTP basic auth (any user name,
 * the secret as the password). Either is accepted; the secret is compared in constant time, over SHA-256 digests so that
 * its length does not leak either.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** What the check reads off a request. */
export interface WebhookCredentials {
  /** The `token` query parameter, if any. */
  readonly token: string | undefined;
  /** The `Authorization` header, if any. */
  readonly authorization: string | undefined;
}

export type WebhookAuth =
  { readonly ok: true; readonly via: 'token' | 'basic' } | { readonly ok: false; readonly reason: string };

/** Checks the request's credentials against `secret`. An empty secret refuses everything: misconfigured means closed. */
export function authenticateWebhook(credentials: WebhookCredentials, secret: string): WebhookAuth {
  if (secret === '') return { ok: false, reason: 'the webhook has no token configured (secret RUNWAY_ALERT_TOKEN)' };
  const { token, authorization } = credentials;
  if (token !== undefined && token !== '') {
    return sameSecret(token, secret) ? { ok: true, via: 'token' } : { ok: false, reason: 'wrong token' };
  }
  if (authorization !== undefined) {
    const password = basicPassword(authorization);
    if (password === null) return { ok: false, reason: 'the Authorization header is not HTTP basic auth' };
    return sameSecret(password, secret) ? { ok: true, via: 'basic' } : { ok: false, reason: 'wrong password' };
  }
  return { ok: false, reason: 'no credentials: add ?token=… to the channel URL, or basic auth' };
}

/** The password of `Basic base64(user:password)`, or null. */
function basicPassword(header: string): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

function sameSecret(given: string, secret: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}
