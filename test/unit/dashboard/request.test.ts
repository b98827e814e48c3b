/** The callable's request (adapters/dashboard/request.ts) and the event it becomes (event.ts). */
import { describe, expect, it } from 'vitest';
import { eventOfRequest } from '../../../functions/src/adapters/dashboard/event.js';
import { MAX_REASON_LENGTH, parseActionRequest } from '../../../functions/src/adapters/dashboard/request.js';

const OK = {
  action: 'approve',
  targetId: 'checkout.production',
  rolloutId: 'checkout.production@b1',
  requestId: 'req-00001',
};

describe('parseActionRequest', () => {
  it.each<[string, unknown, string]>([
    ['nothing', undefined, 'action: must be one of'],
    [
      'an unknown action',
      { ...OK, action: 'deploy' },
      'action: must be one of approve, reject, pause, resume, promote, rollback, abort, rollbackTarget',
    ],
    ['a bad target id', { ...OK, targetId: 'checkout' }, 'targetId: must be a target id such as checkout.production'],
    ['a rollout action without a rollout', { ...OK, rolloutId: undefined }, 'rolloutId: is required to approve'],
    [
      'a rollout of another target',
      { ...OK, rolloutId: 'checkout.staging@b1' },
      'rolloutId: checkout.staging@b1 is not a rollout of checkout.production',
    ],
    [
      'a revision for a rollout action',
      { ...OK, toRevision: 'r1' },
      'toRevision: only rollbackTarget takes a revision',
    ],
    [
      'a rollout for the target rollback',
      { ...OK, action: 'rollbackTarget' },
      'rolloutId: rollbackTarget is about the target, not a rollout',
    ],
    ['an unknown field', { ...OK, as: 'admin' }, 'Unrecognized key'],
    ['a short request id', { ...OK, requestId: 'x' }, 'requestId: must be 8–64 letters, digits or dashes'],
    [
      'a reason too long',
      { ...OK, reason: 'x'.repeat(MAX_REASON_LENGTH + 1) },
      `reason: must be at most ${MAX_REASON_LENGTH} characters`,
    ],
  ])('refuses %s', (_name, data, message) => {
    const parsed = parseActionRequest(data);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(message);
  });

  it('accepts a rollout action and trims the reason (blank is none)', () => {
    expect(parseActionRequest({ ...OK, reason: '  looks good ' })).toEqual({
      ok: true,
      request: { ...OK, reason: 'looks good', toRevision: null },
    });
    const blank = parseActionRequest({ ...OK, reason: '   ' });
    expect(blank.ok && blank.request.reason).toBeNull();
  });
});

describe('eventOfRequest', () => {
  const actor = { kind: 'user', id: 'uid-1', name: 'Ada', via: 'dashboard', roles: ['approver'] } as const;

  it('a rollout action is a command, its id made from the user and the request', () => {
    const parsed = parseActionRequest({ ...OK, reason: 'ok' });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(eventOfRequest(parsed.request, actor)).toEqual({
      type: 'command.approve',
      id: 'dashboard:uid-1:req-00001',
      targetId: 'checkout.production',
      rolloutId: 'checkout.production@b1',
      actor,
      reason: 'ok',
    });
  });

  it('a target rollback is target.rollback', () => {
    const parsed = parseActionRequest({
      action: 'rollbackTarget',
      targetId: 'checkout.production',
      requestId: 'req-00002',
      reason: 'bad',
      toRevision: 'checkout-1',
    });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(eventOfRequest(parsed.request, actor)).toMatchObject({
      type: 'target.rollback',
      toRevision: 'checkout-1',
      reason: 'bad',
    });
  });
});
