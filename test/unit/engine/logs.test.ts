import { describe, expect, it } from 'vitest';
import { errorMessage, redact, redactText } from '../../../functions/src/logs.js';

describe('redact', () => {
  it('hides the values of secret-looking fields, however deep', () => {
    expect(
      redact({
        headers: { Authorization: 'Bearer abc.def', 'content-type': 'application/json' },
        slack: { botToken: 'xoxb-1-2', channel: '#deploys' },
        smtp: { password: 'hunter2', user: 'runway' },
        list: [{ apiKey: 'k' }, { client_secret: 's' }],
      }),
    ).toEqual({
      headers: { Authorization: '[redacted]', 'content-type': 'application/json' },
      slack: { botToken: '[redacted]', channel: '#deploys' },
      smtp: { password: '[redacted]', user: 'runway' },
      list: [{ apiKey: '[redacted]' }, { client_secret: '[redacted]' }],
    });
  });

  it('leaves ordinary data alone', () => {
    const data = { rolloutId: 'checkout.production@b1', step: 2, ok: true, none: null };
    expect(redact(data)).toEqual(data);
  });
});

describe('redactText', () => {
  it('hides tokens inside free text', () => {
    expect(redactText('call failed: Authorization: Bearer ya29.a0Af-xyz')).toBe(
      'call failed: Authorization: Bearer [redacted]',
    );
    expect(redactText('slack said invalid_auth for xoxb-123-456-abc')).toBe('slack said invalid_auth for [redacted]');
    expect(redactText('GET https://hooks.example.com/x?token=s3cr3t&x=1')).toBe(
      'GET https://hooks.example.com/x?token=[redacted]&x=1',
    );
    expect(redactText('smtp://runway:hunter2@mail.example.com')).toBe('smtp://runway:[redacted]@mail.example.com');
  });

  it('leaves ordinary messages alone', () => {
    const text = 'revision checkout-00002-dep is not ready: 503 from https://candidate---checkout.a.run.app/healthz';
    expect(redactText(text)).toBe(text);
  });
});

describe('errorMessage', () => {
  it('gives the redacted message of anything thrown', () => {
    expect(errorMessage(new Error('denied for Bearer abc'))).toBe('denied for Bearer [redacted]');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage({ code: 14 })).toBe('{"code":14}');
  });

  it('keeps it short enough for a document field', () => {
    expect(errorMessage(new Error('x'.repeat(5_000)))).toHaveLength(1_000);
  });
});
