/** The webhook's two ways to authenticate, and everything that must be refused. */
import { describe, expect, it } from 'vitest';
import { authenticateWebhook } from '../../../functions/src/adapters/alerts/webhookAuth.js';

const SECRET = 's3cret-token';
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('authenticateWebhook', () => {
  it.each([
    ['the token in the URL', { token: SECRET, authorization: undefined }, 'token'],
    [
      'basic auth with the secret as password',
      { token: undefined, authorization: basic('monitoring', SECRET) },
      'basic',
    ],
    ['basic auth with a colon in the password', { token: undefined, authorization: basic('u', `a:${SECRET}`) }, null],
  ] as const)('%s', (_name, credentials, via) => {
    const auth = authenticateWebhook(credentials, via === null ? `a:${SECRET}` : SECRET);
    expect(auth).toEqual({ ok: true, via: via ?? 'basic' });
  });

  it.each([
    ['no credentials', { token: undefined, authorization: undefined }, /no credentials/],
    ['a wrong token', { token: 's3cret-tokem', authorization: undefined }, /wrong token/],
    ['a prefix of the token', { token: SECRET.slice(0, -1), authorization: undefined }, /wrong token/],
    ['a wrong password', { token: undefined, authorization: basic('u', 'nope') }, /wrong password/],
    ['a bearer token', { token: undefined, authorization: `Bearer ${SECRET}` }, /not HTTP basic auth/],
    [
      'basic auth without a colon',
      { token: undefined, authorization: `Basic ${Buffer.from(SECRET).toString('base64')}` },
      /not HTTP basic auth/,
    ],
  ])('refuses %s', (_name, credentials, reason) => {
    const auth = authenticateWebhook(credentials, SECRET);
    expect(auth.ok).toBe(false);
    expect(!auth.ok && auth.reason).toMatch(reason);
  });

  it('refuses everything when no secret is configured', () => {
    expect(authenticateWebhook({ token: '', authorization: undefined }, '')).toMatchObject({ ok: false });
    expect(authenticateWebhook({ token: 'x', authorization: undefined }, '')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no token configured') as string,
    });
  });
});
