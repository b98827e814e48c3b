/**
 * Slack's request signing: Slack's own published example, and forged, tampered, replayed-late and expired requests.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_SKEW_SECONDS,
  slackSignature,
  verifySlackSignature,
} from '../../../functions/src/adapters/slack/signature.js';

// From https://api.slack.com/authentication/verifying-requests-from-slack (public documentation values).
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
  '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
  '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const AT = Number(TIMESTAMP) * 1000;

const check = (over: Partial<Parameters<typeof verifySlackSignature>[0]> = {}) =>
  verifySlackSignature({
    secret: SECRET,
    timestamp: TIMESTAMP,
    signature: SIGNATURE,
    body: Buffer.from(BODY),
    nowMs: AT,
    ...over,
  });

describe('Slack request signatures', () => {
  it("reproduces Slack's published example", () => {
    expect(slackSignature(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
    expect(check()).toEqual({ ok: true });
  });

  it('accepts a request up to five minutes old or early (clock skew), and no more', () => {
    expect(check({ nowMs: AT + MAX_SKEW_SECONDS * 1000 })).toEqual({ ok: true });
    expect(check({ nowMs: AT - MAX_SKEW_SECONDS * 1000 })).toEqual({ ok: true });
    expect(check({ nowMs: AT + (MAX_SKEW_SECONDS + 1) * 1000 })).toEqual({ ok: false, reason: 'expired' });
    expect(check({ nowMs: AT - (MAX_SKEW_SECONDS + 1) * 1000 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a replay later than five minutes: the same request, signature and all', () => {
    expect(check({ nowMs: AT + 3_600_000 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a forged signature: another secret, a tampered body, a moved timestamp', () => {
    const forged = slackSignature('not-the-secret', TIMESTAMP, BODY);
    expect(check({ signature: forged })).toEqual({ ok: false, reason: 'bad signature' });
    expect(check({ body: Buffer.from(BODY.replace('roadrunner', 'coyote')) })).toEqual({
      ok: false,
      reason: 'bad signature',
    });
    // A fresh timestamp with the old signature: the timestamp is part of what is signed.
    expect(check({ timestamp: String(Number(TIMESTAMP) + 10), nowMs: AT + 10_000 })).toEqual({
      ok: false,
      reason: 'bad signature',
    });
  });

  it('checks the bytes as received: the same form re-encoded is different bytes', () => {
    const reencoded = BODY.replace(/%2F/g, '%2f'); // the same values, percent-encoded in lower case: other bytes
    expect(reencoded).not.toBe(BODY);
    expect(check({ body: Buffer.from(reencoded) })).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses missing or malformed headers and an unset secret, whatever the signature', () => {
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'missing headers' });
    expect(check({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing headers' });
    expect(check({ secret: '' })).toEqual({ ok: false, reason: 'missing headers' });
    expect(check({ timestamp: '1531420618.5' })).toEqual({ ok: false, reason: 'bad timestamp' });
    expect(check({ signature: 'v0=abc' })).toEqual({ ok: false, reason: 'bad signature' });
    expect(check({ signature: SIGNATURE.replace('v0=', 'v1=') })).toEqual({ ok: false, reason: 'bad signature' });
  });
});
