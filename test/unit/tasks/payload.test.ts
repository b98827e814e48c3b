import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  TIMER_QUEUE_FUNCTION,
  timerQueueName,
  timerTaskId,
  timerTaskSchema,
} from '../../../functions/src/adapters/tasks/payload.js';

/** What Cloud Tasks (and firebase-admin's validator) accept as a task id. */
const TASK_ID = /^[A-Za-z0-9_-]{1,500}$/;

describe('timerTaskId', () => {
  it('is a hash first, then the timer id made readable', () => {
    const id = timerTaskId('checkout.production:12:3');
    expect(id).toMatch(/^[0-9a-f]{32}-checkout_production_12_3$/);
    expect(timerTaskId('checkout.production:12:3')).toBe(id);
  });

  it('tells apart timer ids that read the same once made readable', () => {
    expect(timerTaskId('a.b:1:0')).not.toBe(timerTaskId('a_b:1:0'));
  });

  test.prop([fc.string({ minLength: 1, maxLength: 2_000, unit: 'binary' })])(
    'is a valid Cloud Tasks task id for any timer id',
    (timerId) => {
      expect(timerTaskId(timerId)).toMatch(TASK_ID);
    },
  );

  test.prop([fc.string({ minLength: 1 }), fc.string({ minLength: 1 })])('differs for different timer ids', (a, b) => {
    fc.pre(a !== b);
    expect(timerTaskId(a)).not.toBe(timerTaskId(b));
  });
});

describe('timerQueueName', () => {
  it('is the function name in the default region, and a qualified name elsewhere', () => {
    expect(timerQueueName()).toBe(TIMER_QUEUE_FUNCTION);
    expect(timerQueueName('europe-west1')).toBe('locations/europe-west1/functions/fireTimer');
  });
});

describe('timerTaskSchema', () => {
  it('accepts a timer id and ignores other fields', () => {
    expect(timerTaskSchema.parse({ timerId: 't:1:0', extra: 1 })).toEqual({ timerId: 't:1:0' });
  });

  it.each([[{}], [{ timerId: '' }], [{ timerId: 7 }], [null], ['t:1:0']])('refuses %j', (data) => {
    expect(timerTaskSchema.safeParse(data).success).toBe(false);
  });
});
