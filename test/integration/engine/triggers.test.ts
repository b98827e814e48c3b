/**
 * The deployed wiring: `runEffect` and `sweep` as Cloud Functions (through firebase-functions-test), over the composition
 * root (runtime.ts) with the bundled-config path overridden, against the Firestore emulator and the sandbox's Cloud Run
 * Admin API (RUNWAY_CLOUD_RUN_ENDPOINT), as `npm start` runs them. Cloud Tasks points at a port nobody listens on: a timer
 * whose task cannot be enqueued is still recorded, for the sweep to fire.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import functionsTest from 'firebase-functions-test';
import * as logger from 'firebase-functions/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rolloutIdOf, type Rollout } from '../../../functions/src/domain/rollout.js';
import { docIdOf } from '../../../functions/src/adapters/firestore/ids.js';
import { rolloutRef, timerRef } from '../../../functions/src/adapters/firestore/collections.js';
import type { EffectDoc, TimerDoc } from '../../../functions/src/adapters/firestore/documents.js';
import { getRuntime } from '../../../functions/src/runtime.js';
import { runEffect } from '../../../functions/src/triggers/runEffect.js';
import { sweep } from '../../../functions/src/triggers/sweep.js';
import { startCloudRunSandbox, trafficLines, type CloudRunSandbox } from '../../support/cloudrun-sandbox.js';
import { uniqueProjectId } from '../../support/emulators.js';
import { buildSucceeded, CHECKOUT, TEST_CONFIG } from '../../support/engine-harness.js';

vi.mock('firebase-functions/logger', () => ({
  debug: vi.fn(),
  info: vi.fn(),
  log: vi.fn(),
  warn: vi.fn(),
  error: vi.fn(),
  write: vi.fn(),
}));

if (!process.env.FIRESTORE_EMULATOR_HOST) throw new Error('set FIRESTORE_EMULATOR_HOST (npm test does)');
const projectId = uniqueProjectId('engine triggers');
// The runtime initialises the default app from the environment, as it does in Cloud Functions.
process.env.GCLOUD_PROJECT = projectId;
process.env.RUNWAY_CONFIG_FILE = join(mkdtempSync(join(tmpdir(), 'runway-triggers-')), 'runway.yaml');
// No smoke checks: the stand-in's tag URLs are not served here (test/integration/smoke covers the checks).
writeFileSync(
  process.env.RUNWAY_CONFIG_FILE,
  TEST_CONFIG.replace(/ {6}smoke:\n {8}checks:\n {10}- \{ path: \/healthz \}\n/, ''),
);

const SERVICE = { project: 'acme-shop-prod', region: 'europe-west1', service: 'checkout' };
const t = functionsTest({ projectId });
let sandbox: CloudRunSandbox;
let stableRevision = '';

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  sandbox = await startCloudRunSandbox();
  ({ revision: stableRevision } = await sandbox.api.createService(
    SERVICE,
    'europe-docker.pkg.dev/acme-ci/apps/checkout:v1',
  ));
  process.env.RUNWAY_CLOUD_RUN_ENDPOINT = sandbox.url;
  process.env.CLOUD_TASKS_EMULATOR_HOST = `127.0.0.1:${await deadPort()}`;
  // The runway-events topic, as a deployment creates it (npm start does the same on its emulator).
  const topic = await fetch(
    `http://${process.env.PUBSUB_EMULATOR_HOST}/v1/projects/${projectId}/topics/runway-events`,
    {
      method: 'PUT',
    },
  );
  if (!topic.ok) throw new Error(`creating runway-events: HTTP ${topic.status}`);
});

afterAll(async () => {
  t.cleanup();
  await sandbox.close();
});

async function runTrigger(effectId: string): Promise<void> {
  const path = `effects/${docIdOf(effectId)}`;
  const data = t.firestore.makeDocumentSnapshot({}, path);
  await t.wrap(runEffect)({ data, params: { effectId: docIdOf(effectId) } });
}

/** Runs every pending effect's trigger until none is left (results decide more effects). */
async function drain(): Promise<void> {
  const { db } = getRuntime();
  for (let round = 0; round < 10; round++) {
    const pending = (await db.collection('effects').where('status', '==', 'pending').get()).docs;
    if (pending.length === 0) return;
    for (const doc of pending) await runTrigger((doc.data() as EffectDoc).id);
  }
  throw new Error('effects kept coming');
}

describe('the runEffect and sweep functions over the production wiring', () => {
  const rolloutId = rolloutIdOf(CHECKOUT, 'trig1');

  it('loads the configured runway.yaml, deploys the candidate to Cloud Run and moves 10% to it', async () => {
    const { engine, db, config } = getRuntime();
    expect(config.targets.map((target) => target.id)).toEqual([CHECKOUT]);
    await engine.handle(buildSucceeded('trig1', Date.now()));
    await drain();

    const rollout = (await rolloutRef(db, rolloutId).get()).data() as Rollout;
    expect(rollout.phase).toBe('progressing');
    expect(rollout.step).toBe(0);
    const candidate = rollout.candidate?.revision ?? '';
    expect(candidate).toMatch(/^checkout-/);
    expect(rollout.traffic.candidatePercent).toBe(10);
    expect(trafficLines(sandbox.api, SERVICE)).toEqual([`${candidate} #candidate 10%`, `${stableRevision} 90%`].sort());
    // The bake timer is on record although its Cloud Task could not be enqueued: the sweep fires it.
    const timers = (await db.collection('timers').where('rolloutId', '==', rolloutId).get()).docs;
    expect(timers.map((d) => (d.data() as TimerDoc).purpose)).toEqual(['bake']);
    expect(vi.mocked(logger.warn)).toHaveBeenCalledWith(
      expect.stringContaining('could not be enqueued'),
      expect.anything(),
    );
    const all = (await db.collection('effects').get()).docs.map((d) => d.data() as EffectDoc);
    expect(all.every((e) => e.status === 'done')).toBe(true);
  });

  it('the sweep fires a due timer as a timer.elapsed event, once', async () => {
    const { db } = getRuntime();
    const timer: TimerDoc = {
      timerId: 'stale-timer',
      dueAt: Date.now() - 1_000,
      targetId: CHECKOUT,
      rolloutId,
      purpose: 'bake',
      firedAt: null,
      sweepAt: Date.now() - 1_000,
      createdAt: Date.now() - 60_000,
    };
    await timerRef(db, timer.timerId).set(timer);

    // firebase-functions-test has no wrapper for v2 scheduled functions; `run` is what the platform calls.
    await sweep.run({ scheduleTime: new Date().toISOString() });

    const fired = (await timerRef(db, timer.timerId).get()).data() as TimerDoc;
    expect(fired.firedAt).not.toBeNull();
    expect(fired.sweepAt).toBeNull();
    const entry = await db.doc(`targets/${CHECKOUT}/log/${docIdOf('timer:stale-timer')}`).get();
    // The rollout has finished, so the timer changes nothing; it is still on the record.
    expect(entry.get('outcome')).toMatchObject({ status: 'ignored' });
  });
});
