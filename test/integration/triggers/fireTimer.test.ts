/**
 * The `fireTimer` task queue function: a timer's task fires the timer through the engine on the Firestore emulator, never
 * before its `dueAt`, once however often it is delivered (and whoever else fires it: the sweep), and answers Cloud Tasks
 * with the status that makes it retry, or not, as intended. The handler is driven with a fake clock; the HTTP contract is
 * checked by serving the real Cloud Function on loopback and posting to it as Cloud Tasks does.
 *
 * The timers are scheduled directly through the Firestore timer port, on a target with no rollout: what a
 * `timer.elapsed` event does to a rollout is the engine's business (its own tests); here it only has to be handled, once.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { HttpsError } from 'firebase-functions/v2/https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logCollection, logRef, timerRef } from '../../../functions/src/adapters/firestore/collections.js';
import type { TimerDoc } from '../../../functions/src/adapters/firestore/documents.js';
import { firestoreTimerPort } from '../../../functions/src/adapters/firestore/timers.js';
import type { ScheduleTimer } from '../../../functions/src/domain/effects.js';
import { rolloutIdOf } from '../../../functions/src/domain/rollout.js';
import type { TimerFiringDeps } from '../../../functions/src/engine/timerFiring.js';
import type { Engine } from '../../../functions/src/engine/types.js';
import { silentLog } from '../../../functions/src/logs.js';
import {
  createFireTimerFunction,
  handleTimerTask,
  MAX_WAIT_MS,
  type FireTimerDeps,
  type FireTimerLog,
  type TimerTaskContext,
} from '../../../functions/src/triggers/fireTimer.js';
import { CHECKOUT, createHarness, type Harness } from '../../support/engine-harness.js';

const CONTEXT: TimerTaskContext = { taskId: 'task-1', retryCount: 0 };

interface Recorded {
  readonly lines: { kind: keyof FireTimerLog; timerId: string | null; detail?: unknown }[];
  readonly sleeps: number[];
}

/** The trigger's dependencies on the harness: its engine and Firestore, a fake clock that sleeping advances. */
function depsOn(h: Harness, overrides: { engine?: Engine } = {}): { deps: FireTimerDeps; recorded: Recorded } {
  const recorded: Recorded = { lines: [], sleeps: [] };
  const log: FireTimerLog = {
    rejected: (reason) => recorded.lines.push({ kind: 'rejected', timerId: null, detail: reason }),
    missing: (timerId) => recorded.lines.push({ kind: 'missing', timerId }),
    alreadyFired: (timer) => recorded.lines.push({ kind: 'alreadyFired', timerId: timer.timerId }),
    early: (timer, earlyMs) => recorded.lines.push({ kind: 'early', timerId: timer.timerId, detail: earlyMs }),
    failed: (timerId, _error, transient) => recorded.lines.push({ kind: 'failed', timerId, detail: transient }),
  };
  const firing: TimerFiringDeps = { db: h.db, engine: overrides.engine ?? h.engine, clock: h.clock, log: silentLog };
  const sleep = (ms: number): Promise<void> => {
    recorded.sleeps.push(ms);
    h.clock.advance(ms);
    return Promise.resolve();
  };
  return { deps: { firing, log, sleep }, recorded };
}

let timerCount = 0;

/** Schedules a timer due `inMs` from the harness's clock, as the effect runner does (the Firestore timer port). */
async function scheduleTimer(h: Harness, inMs: number): Promise<TimerDoc> {
  const effect: ScheduleTimer = {
    type: 'timer.schedule',
    id: `${CHECKOUT}:${++timerCount}:0`,
    targetId: CHECKOUT,
    rolloutId: rolloutIdOf(CHECKOUT, 'b1'),
    purpose: 'bake',
    dueAt: h.clock.now() + inMs,
  };
  await firestoreTimerPort(h.db, () => h.clock.now()).schedule(effect);
  return timerDoc(h, effect.id);
}

async function timerDoc(h: Harness, timerId: string): Promise<TimerDoc> {
  const data = (await timerRef(h.db, timerId).get()).data() as TimerDoc | undefined;
  if (!data) throw new Error(`no timer document ${timerId}`);
  return data;
}

/** The engine's log entry for the timer's event: present once the event was handled. */
async function logEntryOf(h: Harness, timerId: string): Promise<Record<string, unknown> | undefined> {
  return (await logRef(h.db, CHECKOUT, `timer:${timerId}`).get()).data();
}

async function logSize(h: Harness): Promise<number> {
  return (await logCollection(h.db, CHECKOUT).get()).size;
}

async function rejection(promise: Promise<unknown>): Promise<HttpsError> {
  const error = await promise.then(
    () => new Error('expected the task to be refused'),
    (e: unknown) => e,
  );
  if (!(error instanceof HttpsError)) throw error;
  return error;
}

describe('fireTimer: delivering a timer task', () => {
  const h = createHarness('fire timer task', { timers: 'firestore' });
  afterAll(() => h.close());

  it('refuses a task that comes more than the wait limit early, and changes nothing', async () => {
    const timer = await scheduleTimer(h, 5 * 60_000);
    const { deps, recorded } = depsOn(h);
    const entries = await logSize(h);

    const error = await rejection(handleTimerTask({ timerId: timer.timerId }, CONTEXT, deps));

    expect(error.code).toBe('failed-precondition');
    expect(error.httpErrorCode.status).toBe(400); // not 503: Cloud Tasks would slow the whole queue down
    expect(recorded.lines).toEqual([{ kind: 'early', timerId: timer.timerId, detail: 5 * 60_000 }]);
    expect(recorded.sleeps).toEqual([]);
    expect(await timerDoc(h, timer.timerId)).toMatchObject({ firedAt: null, sweepAt: timer.dueAt });
    expect(await logSize(h)).toBe(entries);
  });

  it('waits for a timer due within the wait limit, then fires it exactly at its dueAt, once', async () => {
    const timer = await scheduleTimer(h, MAX_WAIT_MS);
    const { deps, recorded } = depsOn(h);

    const report = await handleTimerTask({ timerId: timer.timerId }, CONTEXT, deps);

    expect(report).toMatchObject({ status: 'fired', timer: { timerId: timer.timerId } });
    expect(recorded.sleeps).toEqual([MAX_WAIT_MS]);
    expect(recorded.lines).toEqual([]);
    expect(await timerDoc(h, timer.timerId)).toMatchObject({ firedAt: timer.dueAt, sweepAt: null });
    expect(await logEntryOf(h, timer.timerId)).toBeDefined();

    // Redelivered (a lost acknowledgement): acknowledged, nothing handled again; the sweep no longer sees it either.
    const entries = await logSize(h);
    const again = await handleTimerTask({ timerId: timer.timerId }, { taskId: 'task-1', retryCount: 1 }, deps);
    expect(again).toMatchObject({ status: 'alreadyFired' });
    expect(recorded.lines).toEqual([{ kind: 'alreadyFired', timerId: timer.timerId }]);
    expect(await logSize(h)).toBe(entries);
    expect((await h.runner.sweep()).timers).toEqual({ fired: 0, errors: 0 });
  });

  it('acknowledges the task of a timer the sweep fired first', async () => {
    const timer = await scheduleTimer(h, 60_000);
    h.clock.advanceTo(timer.dueAt);
    expect((await h.runner.sweep()).timers).toEqual({ fired: 1, errors: 0 });
    const { deps, recorded } = depsOn(h);

    expect(await handleTimerTask({ timerId: timer.timerId }, CONTEXT, deps)).toMatchObject({ status: 'alreadyFired' });
    expect(recorded.lines).toEqual([{ kind: 'alreadyFired', timerId: timer.timerId }]);
  });

  it('fires an overdue timer without waiting', async () => {
    const timer = await scheduleTimer(h, 1_000);
    h.clock.advance(90_000);
    const { deps, recorded } = depsOn(h);

    expect(await handleTimerTask({ timerId: timer.timerId }, CONTEXT, deps)).toMatchObject({ status: 'fired' });
    expect(recorded.sleeps).toEqual([]);
    expect((await timerDoc(h, timer.timerId)).firedAt).toBe(h.clock.now());
  });

  it('acknowledges a task for a timer that has no document', async () => {
    const { deps, recorded } = depsOn(h);
    expect(await handleTimerTask({ timerId: 'no-such-timer' }, CONTEXT, deps)).toEqual({
      status: 'missing',
      timerId: 'no-such-timer',
    });
    expect(recorded.lines).toEqual([{ kind: 'missing', timerId: 'no-such-timer' }]);
  });

  it.each([
    ['no timer id', {}],
    ['an empty timer id', { timerId: '' }],
    ['a number', { timerId: 42 }],
    ['null', null],
    ['a string', 'checkout.production:3:1'],
  ])('acknowledges and logs a malformed payload (%s)', async (_name, data) => {
    const { deps, recorded } = depsOn(h);
    const report = await handleTimerTask(data, CONTEXT, deps);
    expect(report).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('not a timer task') });
    expect(recorded.lines.map((l) => l.kind)).toEqual(['rejected']);
  });

  it('asks for a retry when the engine fails, and leaves the timer due for the next delivery or the sweep', async () => {
    const timer = await scheduleTimer(h, 0);
    const failing = (error: unknown): Engine => ({ handle: () => Promise.reject(error) });

    const unavailable = depsOn(h, { engine: failing(Object.assign(new Error('unavailable'), { code: 14 })) });
    const transient = await rejection(handleTimerTask({ timerId: timer.timerId }, CONTEXT, unavailable.deps));
    expect([transient.code, transient.httpErrorCode.status]).toEqual(['unavailable', 503]);
    expect(unavailable.recorded.lines).toEqual([{ kind: 'failed', timerId: timer.timerId, detail: true }]);

    const bug = depsOn(h, { engine: failing(new TypeError('a bug')) });
    const internal = await rejection(handleTimerTask({ timerId: timer.timerId }, CONTEXT, bug.deps));
    expect([internal.code, internal.httpErrorCode.status]).toEqual(['internal', 500]);
    expect(bug.recorded.lines).toEqual([{ kind: 'failed', timerId: timer.timerId, detail: false }]);

    expect(await timerDoc(h, timer.timerId)).toMatchObject({ firedAt: null, sweepAt: timer.dueAt });
    const { deps } = depsOn(h);
    expect(await handleTimerTask({ timerId: timer.timerId }, CONTEXT, deps)).toMatchObject({ status: 'fired' });
  });
});

describe('fireTimer over HTTP, as Cloud Tasks calls it', () => {
  const h = createHarness('fire timer http', { timers: 'firestore' });
  let failWith: unknown = null;
  const engine: Engine = {
    handle: (event) => (failWith === null ? h.engine.handle(event) : Promise.reject(failWith)),
  };
  const fn = createFireTimerFunction(() => depsOn(h, { engine }).deps);
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const app = express();
    // As Cloud Functions does: the parsed JSON body, and the raw bytes beside it (firebase-functions' Request has both).
    app.use(express.json({ verify: (req, _res, raw) => Object.assign(req, { rawBody: raw }) }));
    app.all(/.*/, (req, res) => void fn(req as typeof req & { rawBody: Buffer }, res));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  /** Posts a task as Cloud Tasks does: `{ data }` JSON, its headers and an OIDC token (decoded, not verified, by the SDK). */
  async function dispatch(data: unknown, retryCount = 0): Promise<number> {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${part({ alg: 'RS256' })}.${part({ sub: 'runway@example.iam.gserviceaccount.com' })}.c2ln`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-cloudtasks-queuename': 'fireTimer',
        'x-cloudtasks-taskname': 'task-http',
        'x-cloudtasks-taskretrycount': String(retryCount),
        'x-cloudtasks-taskexecutioncount': String(retryCount),
        'x-cloudtasks-tasketa': String(h.clock.now() / 1000),
      },
      body: JSON.stringify({ data }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('answers 400 to a task that came early, 503 to a transient failure, 204 once fired and to a duplicate', async () => {
    const timer = await scheduleTimer(h, 10 * 60_000);
    expect(await dispatch({ timerId: timer.timerId })).toBe(400);

    h.clock.advanceTo(timer.dueAt);
    failWith = Object.assign(new Error('contention'), { code: 10 });
    expect(await dispatch({ timerId: timer.timerId }, 1)).toBe(503);
    failWith = null;

    expect(await dispatch({ timerId: timer.timerId }, 2)).toBe(204);
    expect((await timerDoc(h, timer.timerId)).firedAt).toBe(timer.dueAt);
    expect(await dispatch({ timerId: timer.timerId }, 3)).toBe(204);
  });

  it('answers 204 to a malformed payload: redelivering it cannot help', async () => {
    expect(await dispatch({ nonsense: true })).toBe(204);
  });
});
