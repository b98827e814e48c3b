/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack): every request carries
 * `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=HEX`, where HEX is HMAC-SHA256 with the app's signing secret
 * over `v0:{timestamp}:{raw body}`. A request is accepted only when the signature matches (compared in constant time,
 * over the body's bytes exactly as received) and its timestamp is within five minutes of now, so a captured request
 * cannot be replayed later. Within those five minutes a replay is a duplicate, which the request's id catches.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from now. */
export const MAX_SKEW_SECONDS = 5 * 60;

export type SignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'missing headers' | 'bad timestamp' | 'expired' | 'bad signature' };

/** `v0=` + the hex HMAC-SHA256 of `v0:{timestamp}:{body}`. */
export function slackSignature(secret: string, timestamp: string, body: Buffer | string): string {
  const mac = createHmac('sha256', secret);
  mac.update(`v0:${timestamp}:`);
  mac.update(body);
  return `v0=${mac.digest('hex')}`;
}

/** Checks a request's signature headers against its raw body. `nowMs`: the clock. */
export function verifySlackSignature(input: {
  readonly secret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly body: Buffer;
  readonly nowMs: number;
}): SignatureCheck {
  const { secret, timestamp, signature, body } = input;
  if (!secret || !timestamp || !signature) return { ok: false, reason: 'missing headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad timestamp' };
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return { ok: false, reason: 'expired' };
  const expected = Buffer.from(slackSignature(secret, timestamp, body), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; the length of a well-formed signature is public anyway.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad signature' };
  return { ok: true };
}
