/**
 * The deployed wiring: `runEffect` and `sweep` as Cloud Functions (through firebase-functions-test), over the composition
 * root (runtime.ts) with the bundled-config path overridden, against the Firestore emulator. Until the Cloud Run adapter
 * exists, a rollout stops at once with an honest reason; notifications become log lines.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import functionsTest from 'firebase-functions-test';
import * as logger from 'firebase-functions/logger';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { rolloutIdOf, type Rollout } from '../../../functions/src/domain/rollout.js';
import { docIdOf } from '../../../functions/src/adapters/firestore/ids.js';
import { rolloutRef, timerRef } from '../../../functions/src/adapters/firestore/collections.js';
import type { EffectDoc, TimerDoc } from '../../../functions/src/adapters/firestore/documents.js';
import { CLOUD_RUN_UNAVAILABLE } from '../../../functions/src/adapters/unavailable/index.js';
import { getRuntime } from '../../../functions/src/runtime.js';
import { runEffect } from '../../../functions/src/triggers/runEffect.js';
import { sweep } from '../../../functions/src/triggers/sweep.js';
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
writeFileSync(process.env.RUNWAY_CONFIG_FILE, TEST_CONFIG);

const t = functionsTest({ projectId });
afterAll(() => t.cleanup());

async function runTrigger(effectId: string): Promise<void> {
  const path = `effects/${docIdOf(effectId)}`;
  const data = t.firestore.makeDocumentSnapshot({}, path);
  await t.wrap(runEffect)({ data, params: { effectId: docIdOf(effectId) } });
}

describe('the runEffect and sweep functions over the production wiring', () => {
  const rolloutId = rolloutIdOf(CHECKOUT, 'trig1');

  it('loads the configured runway.yaml and stops a rollout honestly: Cloud Run is not available yet', async () => {
    const { engine, db, config } = getRuntime();
    expect(config.targets.map((target) => target.id)).toEqual([CHECKOUT]);
    const { effectIds } = await engine.handle(buildSucceeded('trig1', Date.now()));
    for (const id of effectIds) await runTrigger(id);

    const rollout = (await rolloutRef(db, rolloutId).get()).data() as Rollout;
    expect(rollout.phase).toBe('aborted');
    expect(rollout.ending).toMatchObject({ cause: 'deploy_failed', reason: `deploy failed: ${CLOUD_RUN_UNAVAILABLE}` });

    // The deploy's failure decided more notifications; their triggers run them as log lines.
    const open = (await db.collection('effects').where('status', '==', 'pending').get()).docs.map(
      (d) => d.data() as EffectDoc,
    );
    expect(open.map((e) => e.type).sort()).toEqual(['events.publish', 'notify']);
    for (const e of open) await runTrigger(e.id);
    const all = (await db.collection('effects').get()).docs.map((d) => d.data() as EffectDoc);
    expect(all.every((e) => e.status === 'done')).toBe(true);
    expect(vi.mocked(logger.info)).toHaveBeenCalledWith(
      expect.stringContaining('was stopped before any user traffic'),
      expect.objectContaining({ effectType: 'notify', topic: 'aborted' }),
    );
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
