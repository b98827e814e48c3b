/**
 * The callable `rolloutAction` through firebase-functions-test's wrap(), on the engine and the Firestore emulator: every
 * refusal is a clear HttpsError; a command that reaches the engine is audited, taken or refused, with the person, the
 * channel `dashboard` and the reason; roles come from the user's claims; a retried request changes nothing twice.
 */
import functionsTest from 'firebase-functions-test';
import { HttpsError } from 'firebase-functions/v2/https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logRef } from '../../../functions/src/adapters/firestore/collections.js';
import type { LogEntryDoc } from '../../../functions/src/adapters/firestore/documents.js';
import { rolloutIdOf } from '../../../functions/src/domain/rollout.js';
import {
  createRolloutActionFunction,
  type ActionResponse,
  type RolloutActionLog,
} from '../../../functions/src/triggers/rolloutAction.js';
import { drive } from '../../support/engine-driver.js';
import { buildSucceeded, CHECKOUT, createHarness, TEST_CONFIG, type Harness } from '../../support/engine-harness.js';

const fft = functionsTest();
afterAll(() => fft.cleanup());

/** The checkout target with an approval gate before promotion, approvers being approvers. */
const YAML = `${TEST_CONFIG}      approval: { required: true, stage: beforePromotion }\n`;

/** Custom claims per uid, as `runway users grant` would set them. */
const CLAIMS: Record<string, unknown> = {
  ada: { runway: { '*': ['admin'] } },
  arne: { runway: { '*': ['viewer'], production: ['approver'] } },
  vera: { runway: { '*': ['viewer'] } },
  stan: { runway: { staging: ['approver'] } },
};

let h: Harness;
const rejected: string[] = [];
const log: RolloutActionLog = {
  rejected: (reason) => rejected.push(reason),
  engineFailed: () => undefined,
};
let call: (data: unknown, uid?: string | null) => Promise<ActionResponse>;
let requests = 0;

beforeAll(async () => {
  h = createHarness('rolloutAction', { yaml: YAML });
  const wrapped = fft.wrap(
    createRolloutActionFunction(() => ({
      config: h.config,
      engine: h.engine,
      claimsOf: (uid) => Promise.resolve(CLAIMS[uid] ?? {}),
      log,
    })),
  );
  call = (data, uid = 'ada') =>
    wrapped({
      data,
      ...(uid === null ? {} : { auth: { uid, token: { email: `${uid}@acme.example`, name: uid.toUpperCase() } } }),
    } as never) as Promise<ActionResponse>;
  // A rollout that has passed its canary steps and awaits approval before promotion.
  await h.engine.handle(buildSucceeded('b1', h.clock.now()));
  for (let i = 0; i < 20 && (await h.rollout(ROLLOUT))?.phase !== 'awaiting_approval'; i++) {
    await drive(h, { fireTimers: false });
    const timer = h.ports.timers.pending()[0];
    if ((await h.rollout(ROLLOUT))?.phase === 'awaiting_approval' || !timer) break;
    h.clock.advanceTo(timer.dueAt);
    await h.engine.handle(h.ports.timers.fire(timer.timerId));
  }
});
afterAll(() => h.close());

const ROLLOUT = rolloutIdOf(CHECKOUT, 'b1');
const request = (action: string, extra: Record<string, unknown> = {}) => ({
  action,
  targetId: CHECKOUT,
  rolloutId: ROLLOUT,
  requestId: `req-${String(++requests).padStart(6, '0')}`,
  ...extra,
});

async function refusal(promise: Promise<unknown>): Promise<HttpsError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpsError);
  return error as HttpsError;
}

async function audit(uid: string, requestId: string): Promise<LogEntryDoc | undefined> {
  return (await logRef(h.db, CHECKOUT, `dashboard:${uid}:${requestId}`).get()).data() as LogEntryDoc | undefined;
}

describe('rolloutAction', () => {
  it('has a rollout waiting for approval to act on', async () => {
    expect((await h.rollout(ROLLOUT))?.phase).toBe('awaiting_approval');
  });

  it('refuses a caller who is not signed in, and records nothing', async () => {
    const r = request('approve');
    const error = await refusal(call(r, null));
    expect([error.code, error.message]).toEqual(['unauthenticated', 'sign in to act on rollouts']);
    expect(rejected).toContain('not signed in');
  });

  it('refuses an unknown action or a malformed request with the reason, and records nothing', async () => {
    const unknown = await refusal(call(request('deploy')));
    expect(unknown.code).toBe('invalid-argument');
    expect(unknown.message).toMatch(/^not a valid request: action: must be one of approve, reject/);
    const noRollout = await refusal(call({ ...request('pause'), rolloutId: undefined }));
    expect(noRollout.message).toBe('not a valid request: rolloutId: is required to pause');
  });

  it('refuses a target that is not in runway.yaml', async () => {
    const error = await refusal(
      call({ ...request('approve'), targetId: 'billing.production', rolloutId: 'billing.production@b1' }),
    );
    expect([error.code, error.message]).toEqual(['not-found', 'no target billing.production in runway.yaml']);
  });

  it('refuses a caller without the role — and the engine audits the attempt', async () => {
    const r = request('approve');
    const viewer = await refusal(call(r, 'vera'));
    expect(viewer.code).toBe('permission-denied');
    expect(viewer.message).toBe('VERA (dashboard) may not approve in production: needs one of approver, admin');
    const entry = await audit('vera', r.requestId);
    expect(entry).toMatchObject({
      type: 'command.approve',
      actor: {
        kind: 'user',
        id: 'vera',
        name: 'VERA',
        email: 'vera@acme.example',
        via: 'dashboard',
        roles: ['viewer'],
      },
      outcome: { status: 'refused' },
    });
    // Roles in another environment count for nothing here.
    expect((await refusal(call(request('approve'), 'stan'))).code).toBe('permission-denied');
  });

  it('refuses a destructive action without a reason — audited', async () => {
    const r = request('reject');
    const error = await refusal(call(r, 'arne'));
    expect([error.code, error.message]).toEqual(['invalid-argument', 'a reason is required to reject']);
    expect((await audit('arne', r.requestId))?.outcome.status).toBe('refused');
  });

  it('refuses a command that makes no sense in the phase — audited', async () => {
    const r = request('resume', { reason: 'go on' });
    const error = await refusal(call(r, 'arne'));
    expect(error.code).toBe('failed-precondition');
    expect(error.message).toMatch(/only a paused rollout can be resumed/);
    expect((await audit('arne', r.requestId))?.reason).toBe('go on');
  });

  it('takes an approval from an approver in that environment, audited with the reason; a retry changes nothing', async () => {
    const r = request('approve', { reason: 'numbers look fine' });
    const response = await call(r, 'arne');
    expect(response).toMatchObject({ status: 'applied', eventId: `dashboard:arne:${r.requestId}` });
    expect(response.message).toBe(`${ROLLOUT} approved by ARNE (dashboard)`);
    expect(await audit('arne', r.requestId)).toMatchObject({
      actor: { id: 'arne', via: 'dashboard', roles: ['viewer', 'approver'] },
      reason: 'numbers look fine',
      outcome: { status: 'applied' },
    });
    const again = await call(r, 'arne');
    expect(again.status).toBe('duplicate');
    expect((await h.rollout(ROLLOUT))?.phase).toBe('promoted');
  });

  it('rolls the target back for an admin, with the reason', async () => {
    const r = { action: 'rollbackTarget', targetId: CHECKOUT, requestId: 'req-rollback-1', reason: 'checkout errors' };
    const response = await call(r, 'ada');
    expect(response.status).toBe('applied');
    expect(response.message).toMatch(
      new RegExp(`^${ROLLOUT.replace(/[.@]/g, '\\$&')}: rolled back by ADA \\(dashboard\\)`),
    );
    expect((await h.rollout(ROLLOUT))?.ending?.reason).toBe('checkout errors (by ADA (dashboard))');
  });

  it('freezes the target for an approver; unfreezing takes an approver too, a viewer is refused and audited', async () => {
    const freeze = { action: 'freeze', targetId: CHECKOUT, requestId: 'req-freeze-1', reason: 'holiday freeze' };
    expect((await call(freeze, 'arne')).status).toBe('applied');
    expect((await h.target()).frozen).toMatchObject({ reason: 'holiday freeze' });

    const byViewer = { action: 'unfreeze', targetId: CHECKOUT, requestId: 'req-unfreeze-1' };
    expect((await refusal(call(byViewer, 'vera'))).code).toBe('permission-denied');
    expect((await audit('vera', 'req-unfreeze-1'))?.outcome.status).toBe('refused');
    expect((await h.target()).frozen).not.toBeNull();

    const unfreeze = { action: 'unfreeze', targetId: CHECKOUT, requestId: 'req-unfreeze-2' };
    expect((await call(unfreeze, 'arne')).status).toBe('applied');
    expect((await h.target()).frozen).toBeNull();
  });

  it('refuses a freeze without a reason, or with a revision, before the engine', async () => {
    const noReason = await refusal(call({ action: 'freeze', targetId: CHECKOUT, requestId: 'req-freeze-2' }, 'arne'));
    expect(noReason.code).toBe('invalid-argument');
    const withRevision = await refusal(
      call({ action: 'freeze', targetId: CHECKOUT, requestId: 'req-freeze-3', reason: 'x', toRevision: 'r1' }, 'arne'),
    );
    expect(withRevision.message).toMatch(/toRevision: only rollbackTarget takes a revision/);
  });
});
