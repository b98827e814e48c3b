import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { docIdOf, rawIdOf } from '../../../functions/src/adapters/firestore/ids.js';

/** What Firestore refuses as a document id. */
function isValidDocId(id: string): boolean {
  return id !== '' && !id.includes('/') && id !== '.' && id !== '..' && !/^__.*__$/.test(id);
}

describe('docIdOf', () => {
  it('keeps the usual ids readable', () => {
    expect(docIdOf('checkout.production')).toBe('checkout.production');
    expect(docIdOf('checkout.production:12:3')).toBe('checkout.production:12:3');
    expect(docIdOf('checkout.production@4f2a-b')).toBe('checkout.production@4f2a-b');
    expect(docIdOf('build:abc:SUCCESS')).toBe('build:abc:SUCCESS');
  });

  it('encodes what Firestore refuses', () => {
    expect(docIdOf('slack/T1/123')).toBe('slack%2FT1%2F123');
    expect(docIdOf('.')).toBe('%2E');
    expect(docIdOf('..')).toBe('%2E%2E');
    expect(docIdOf('__name__')).toBe('%5F_name__');
    expect(docIdOf('100%')).toBe('100%25');
  });

  it('refuses an empty id', () => {
    expect(() => docIdOf('')).toThrow(/must not be empty/);
  });

  test.prop([fc.string({ minLength: 1, unit: 'binary' })])('is valid and reversible for any id', (raw) => {
    const id = docIdOf(raw);
    expect(isValidDocId(id)).toBe(true);
    expect(rawIdOf(id)).toBe(raw);
  });

  test.prop([fc.string({ minLength: 1 }), fc.string({ minLength: 1 })])('never maps two ids to one', (a, b) => {
    fc.pre(a !== b);
    expect(docIdOf(a)).not.toBe(docIdOf(b));
  });
});
