/** How the adapter reads Cloud Monitoring failures and retries the transient ones (errors.ts). */
import { describe, expect, it } from 'vitest';
import { describeFailure, MonitoringError, withRetry } from '../../../functions/src/adapters/monitoring/errors.js';
import { isTransient } from '../../../functions/src/engine/transient.js';

/** What google-gax's REST transport throws for an HTTP error: the HTTP status as code, Google's JSON as message. */
function restError(http: number, status: string, message: string): Error {
  return Object.assign(new Error(JSON.stringify({ error: { code: http, message, status } })), {
    code: http,
    status: http,
  });
}

describe('describeFailure', () => {
  it.each<[string, unknown, string, boolean]>([
    ['REST 503', restError(503, 'UNAVAILABLE', 'down'), 'UNAVAILABLE', true],
    ['REST 429', restError(429, 'RESOURCE_EXHAUSTED', 'quota'), 'RESOURCE_EXHAUSTED', true],
    ['REST 504', restError(504, 'DEADLINE_EXCEEDED', 'slow'), 'DEADLINE_EXCEEDED', true],
    ['REST 500', restError(500, 'INTERNAL', 'oops'), 'INTERNAL', true],
    ['REST 400', restError(400, 'INVALID_ARGUMENT', 'bad filter'), 'INVALID_ARGUMENT', false],
    ['REST 403', restError(403, 'PERMISSION_DENIED', 'no'), 'PERMISSION_DENIED', false],
    ['a bare HTTP 502', Object.assign(new Error('Bad Gateway'), { status: 502 }), 'INTERNAL', true],
    ['a gRPC UNAVAILABLE', Object.assign(new Error('14 UNAVAILABLE: down'), { code: 14 }), 'UNAVAILABLE', true],
    ['a gRPC DEADLINE_EXCEEDED', Object.assign(new Error('timeout'), { code: 4 }), 'DEADLINE_EXCEEDED', true],
    ['a gRPC PERMISSION_DENIED', Object.assign(new Error('denied'), { code: 7 }), 'PERMISSION_DENIED', false],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'UNAVAILABLE',
      true,
    ],
    ['something unexpected', new TypeError('x is undefined'), 'UNKNOWN', true],
  ])('%s is %s (transient: %s)', (_name, error, status, transient) => {
    expect(describeFailure(error)).toMatchObject({ status, transient });
  });

  it('keeps Google’s message, not the JSON around it', () => {
    expect(describeFailure(restError(400, 'INVALID_ARGUMENT', 'Field filter had an invalid value')).message).toBe(
      'Field filter had an invalid value',
    );
  });
});

describe('withRetry', () => {
  const noSleep = (delays: number[]) => (ms: number) => {
    delays.push(ms);
    return Promise.resolve();
  };

  it('retries a transient failure with growing waits, then succeeds', async () => {
    const delays: number[] = [];
    let attempts = 0;
    const result = await withRetry(
      'the query',
      () => (++attempts < 3 ? Promise.reject(restError(503, 'UNAVAILABLE', 'down')) : Promise.resolve('ok')),
      { attempts: 3, baseDelayMs: 250 },
      noSleep(delays),
    );
    expect(result).toBe('ok');
    expect(delays).toEqual([250, 1000]);
  });

  it('gives up after the last attempt with a transient error the engine retries', async () => {
    let attempts = 0;
    const error = await withRetry(
      'the query',
      () => {
        attempts++;
        return Promise.reject(restError(503, 'UNAVAILABLE', 'down'));
      },
      { attempts: 3, baseDelayMs: 1 },
      noSleep([]),
    ).catch((e: unknown) => e);
    expect(attempts).toBe(3);
    expect(error).toBeInstanceOf(MonitoringError);
    expect((error as MonitoringError).message).toBe('Cloud Monitoring failed the query 3 times (UNAVAILABLE): down');
    expect((error as MonitoringError).code).toBe(14);
    expect(isTransient(error)).toBe(true);
  });

  it('throws a permanent failure at once', async () => {
    let attempts = 0;
    const error = await withRetry(
      'the query',
      () => {
        attempts++;
        return Promise.reject(restError(400, 'INVALID_ARGUMENT', 'bad filter'));
      },
      { attempts: 3, baseDelayMs: 1 },
      noSleep([]),
    ).catch((e: unknown) => e);
    expect(attempts).toBe(1);
    expect((error as MonitoringError).message).toBe(
      'Cloud Monitoring refused the query (INVALID_ARGUMENT): bad filter',
    );
    expect((error as MonitoringError).code).toBe(3);
    expect(isTransient(error)).toBe(false);
  });
});
