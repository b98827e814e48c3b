/**
 * The Cloud Tasks timer port against the official Firestore emulator and the Cloud Tasks emulator of firebase-tools (the
 * one `npm start` runs), served in-process on a loopback port: firebase-admin's `taskQueue().enqueue()` speaks to it over
 * HTTP exactly as it does under the emulator suite (CLOUD_TASKS_EMULATOR_HOST). The queue's target is a loopback server
 * that records what Cloud Tasks delivers, as the `fireTimer` function would receive it.
 *
 * The emulator ignores schedule times and dispatches every task at once (it passes `scheduleTime` on, as the
 * X-CloudTasks-TaskETA header, and uses the current time in milliseconds when there is none); the assertions rely on that
 * to see what was enqueued without waiting for it.
 */
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timerRef } from '../../../functions/src/adapters/firestore/collections.js';
import type { TimerDoc } from '../../../functions/src/adapters/firestore/documents.js';
import { dueTimers, firestoreTimerPort } from '../../../functions/src/adapters/firestore/timers.js';
import type { TimerTaskLog } from '../../../functions/src/adapters/tasks/log.js';
import { TIMER_QUEUE_FUNCTION, timerTaskId } from '../../../functions/src/adapters/tasks/payload.js';
import {
  cloudTasksTimerPort,
  MAX_SCHEDULE_AHEAD_MS,
  timerTaskQueue,
} from '../../../functions/src/adapters/tasks/timers.js';
import type { ScheduleTimer } from '../../../functions/src/domain/effects.js';
import { TIMER_RATE_LIMITS, TIMER_RETRY_CONFIG } from '../../../functions/src/triggers/fireTimer.js';
import { uniqueProjectId } from '../../support/emulators.js';

if (!process.env.FIRESTORE_EMULATOR_HOST) throw new Error('set FIRESTORE_EMULATOR_HOST (npm test does)');

/** The part of firebase-tools' Cloud Tasks emulator used here (firebase-tools ships no types). */
interface TasksEmulatorModule {
  TasksEmulator: new (args: { host: string; port: number }) => {
    createHubServer(): RequestListener;
    readonly controller: { stop(): void };
  };
}
const { TasksEmulator } = createRequire(import.meta.url)(
  'firebase-tools/lib/emulator/tasksEmulator.js',
) as TasksEmulatorModule;

/** A task as the queue's target received it. */
interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

const projectId = uniqueProjectId('tasks timer port');
const app = initializeApp({ projectId }, projectId);
const db = getFirestore(app);
const emulator = new TasksEmulator({ host: '127.0.0.1', port: 0 });
const tasksServer = createServer(emulator.createHubServer());
const deliveries: Delivery[] = [];
const target = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    deliveries.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
    res.writeHead(204).end();
  });
});
let tasksHost: string;

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

beforeAll(async () => {
  tasksHost = await listen(tasksServer);
  const targetHost = await listen(target);
  // What the functions emulator does when it loads a task queue function: create its queue, aimed at the function.
  const queueUrl = `http://${tasksHost}/projects/${projectId}/locations/us-central1/queues/${TIMER_QUEUE_FUNCTION}`;
  const response = await fetch(queueUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      retryConfig: TIMER_RETRY_CONFIG,
      rateLimits: TIMER_RATE_LIMITS,
      defaultUri: `http://${targetHost}/`,
    }),
  });
  expect(response.status).toBe(200);
  process.env.CLOUD_TASKS_EMULATOR_HOST = tasksHost;
});

afterAll(async () => {
  delete process.env.CLOUD_TASKS_EMULATOR_HOST;
  emulator.controller.stop();
  await Promise.all([close(tasksServer), close(target)]);
  await deleteApp(app);
});

type LogLine = [keyof TimerTaskLog, string, ...unknown[]];

function recordingLog(lines: LogLine[]): TimerTaskLog {
  return {
    enqueued: (effect, taskId, scheduleTime) => lines.push(['enqueued', effect.id, taskId, scheduleTime]),
    alreadyEnqueued: (effect, taskId) => lines.push(['alreadyEnqueued', effect.id, taskId]),
    leftToSweep: (effect, why) => lines.push(['leftToSweep', effect.id, why]),
    enqueueFailed: (effect, taskId, error) => lines.push(['enqueueFailed', effect.id, taskId, error]),
  };
}

/** The port on the test's queue, with a log that remembers. */
function port() {
  const lines: LogLine[] = [];
  const timers = cloudTasksTimerPort({
    db,
    now: () => Date.now(),
    queue: timerTaskQueue(app),
    log: recordingLog(lines),
  });
  return { timers, lines };
}

let count = 0;
function timerEffect(dueAt: number): ScheduleTimer {
  count++;
  return {
    type: 'timer.schedule',
    id: `checkout.production:${count}:2`,
    targetId: 'checkout.production',
    rolloutId: `checkout.production@build-${count}`,
    purpose: 'bake',
    dueAt,
  };
}

async function timerDoc(timerId: string): Promise<TimerDoc | undefined> {
  return (await timerRef(db, timerId).get()).data() as TimerDoc | undefined;
}

/** Waits (polling, generously) for the delivery of a task. */
async function deliveryOf(taskId: string): Promise<Delivery> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = deliveries.find((d) => d.headers['x-cloudtasks-taskname'] === taskId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`task ${taskId} was never delivered`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the Cloud Tasks timer port', () => {
  it("writes the timer's document as the Firestore port does, then enqueues its task for dueAt", async () => {
    const { timers, lines } = port();
    const effect = timerEffect(Date.now() + 3_600_000);
    const before = Date.now();

    await timers.schedule(effect);

    const doc = await timerDoc(effect.id);
    expect(doc).toEqual({
      timerId: effect.id,
      dueAt: effect.dueAt,
      targetId: effect.targetId,
      rolloutId: effect.rolloutId,
      purpose: 'bake',
      firedAt: null,
      sweepAt: effect.dueAt,
      createdAt: expect.any(Number) as number,
    });
    expect(doc?.createdAt).toBeGreaterThanOrEqual(before);
    // The same document as the Firestore port writes for the same effect.
    const plain = timerEffect(effect.dueAt);
    await firestoreTimerPort(db, () => doc?.createdAt ?? 0).schedule(plain);
    expect({ ...(await timerDoc(plain.id)), timerId: effect.id, rolloutId: effect.rolloutId }).toEqual(doc);

    const taskId = timerTaskId(effect.id);
    expect(lines).toEqual([['enqueued', effect.id, taskId, new Date(effect.dueAt)]]);
    const delivery = await deliveryOf(taskId);
    expect(delivery.body).toEqual({ data: { timerId: effect.id } });
    expect(delivery.headers['x-cloudtasks-tasketa']).toBe(new Date(effect.dueAt).toISOString());
  });

  it('enqueues a timer once however often its effect runs: "already exists" counts as success', async () => {
    const { timers, lines } = port();
    const effect = timerEffect(Date.now() + 600_000);

    await timers.schedule(effect);
    await timers.schedule(effect);
    await timers.schedule({ ...effect, dueAt: effect.dueAt + 1 }); // even changed, the first one stands

    const taskId = timerTaskId(effect.id);
    expect(lines.map(([kind]) => kind)).toEqual(['enqueued', 'alreadyEnqueued', 'alreadyEnqueued']);
    expect((await timerDoc(effect.id))?.dueAt).toBe(effect.dueAt);
    expect((await deliveryOf(taskId)).body).toEqual({ data: { timerId: effect.id } });
  });

  it('enqueues a timer due within a second, or overdue, without a schedule time', async () => {
    const { timers, lines } = port();
    const soon = timerEffect(Date.now() + 500);
    const overdue = timerEffect(Date.now() - 60_000);

    await timers.schedule(soon);
    await timers.schedule(overdue);

    expect(lines).toEqual([
      ['enqueued', soon.id, timerTaskId(soon.id), null],
      ['enqueued', overdue.id, timerTaskId(overdue.id), null],
    ]);
    for (const effect of [soon, overdue]) {
      // No schedule time: the emulator stamps the dispatch time, in milliseconds.
      expect((await deliveryOf(timerTaskId(effect.id))).headers['x-cloudtasks-tasketa']).toMatch(/^\d+$/);
    }
  });

  it('leaves a timer due beyond what Cloud Tasks accepts to the sweep', async () => {
    const { timers, lines } = port();
    const effect = timerEffect(Date.now() + MAX_SCHEDULE_AHEAD_MS + 60_000);

    await timers.schedule(effect);

    expect(lines).toEqual([['leftToSweep', effect.id, expect.stringContaining('days ahead')]]);
    expect((await timerDoc(effect.id))?.sweepAt).toBe(effect.dueAt);
  });

  it('logs a failed enqueue and resolves: the document is committed, and the sweep fires the timer when overdue', async () => {
    // fireTimer is not deployed in europe-west1: Cloud Tasks answers 404, as for any queue that does not exist.
    const lines: LogLine[] = [];
    const timers = cloudTasksTimerPort({
      db,
      now: () => Date.now(),
      queue: timerTaskQueue(app, 'europe-west1'),
      log: recordingLog(lines),
    });
    const effect = timerEffect(Date.now() + 30_000);

    await timers.schedule(effect);

    expect(lines).toEqual([['enqueueFailed', effect.id, timerTaskId(effect.id), expect.any(Error)]]);
    expect(String((lines[0]?.[3] as Error).message)).toContain('non-existent queue');
    const due = await dueTimers(db, effect.dueAt, 100);
    expect(due.map((t) => t.timerId)).toContain(effect.id);
  });

  it('logs and resolves when Cloud Tasks cannot be reached at all', async () => {
    const closed = createServer();
    const closedHost = await listen(closed);
    await close(closed);
    process.env.CLOUD_TASKS_EMULATOR_HOST = closedHost;
    try {
      const { timers, lines } = port();
      const effect = timerEffect(Date.now() + 30_000);

      await timers.schedule(effect);

      expect(lines.map(([kind]) => kind)).toEqual(['enqueueFailed']);
      expect((await timerDoc(effect.id))?.firedAt).toBeNull();
    } finally {
      process.env.CLOUD_TASKS_EMULATOR_HOST = tasksHost;
    }
  });
});
