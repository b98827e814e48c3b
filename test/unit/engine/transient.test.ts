import { describe, expect, it } from 'vitest';
import { isTransient } from '../../../functions/src/engine/transient.js';

describe('isTransient', () => {
  it.each<[string, unknown, boolean]>([
    ['UNAVAILABLE', { code: 14 }, true],
    ['DEADLINE_EXCEEDED', { code: 4 }, true],
    ['RESOURCE_EXHAUSTED', { code: 8 }, true],
    ['ABORTED (contention)', { code: 10 }, true],
    ['INTERNAL', { code: 13 }, true],
    ['a refused connection', { code: 'ECONNREFUSED' }, true],
    ['firebase-style unavailable', { code: 'unavailable' }, true],
    ['INVALID_ARGUMENT', { code: 3 }, false],
    ['PERMISSION_DENIED', { code: 7 }, false],
    ['FAILED_PRECONDITION', { code: 9 }, false],
    ['a plain bug', new TypeError('x is undefined'), false],
    ['a thrown string', 'boom', false],
  ])('%s → %s', (_name, error, transient) => {
    expect(isTransient(error)).toBe(transient);
  });
});
