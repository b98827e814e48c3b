/**
 * The README's local stack, end to end: `npm start`'s emulator suite runs Runway's real functions; a Cloud Build
 * notification published to the emulated `cloud-builds` topic goes through `cloudBuilds`, the engine, the outbox and
 * `runEffect` into Firestore. Cloud Run is not available in this version (functions/src/adapters/unavailable), so the
 * deploy fails at once and the rollout ends `aborted`, saying why.
 *
 * Waits are polls with a deadline, not timed assertions: a deadline that passes fails with the end of the suite's log.
 */
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startLocalStack, STACK_PROJECT_ID, type LocalStack } from './localStack.js';

const POLL_MS = 250;
const DEADLINE_MS = 60_000;

/** The Pub/Sub push envelope of a successful Cloud Build, and the Build JSON inside it. */
const envelopeSchema = z.object({
  message: z.object({ data: z.string(), attributes: z.record(z.string(), z.string()) }),
});
const buildSchema = z.object({
  id: z.string(),
  results: z.object({ images: z.array(z.object({ digest: z.string() })).min(1) }),
  substitutions: z.object({ COMMIT_SHA: z.string() }),
});
const fixturePath = new URL('../fixtures/cloudbuild/push-success.json', import.meta.url);
const { message } = envelopeSchema.parse(JSON.parse(fs.readFileSync(fixturePath, 'utf8')));
const build = buildSchema.parse(JSON.parse(Buffer.from(message.data, 'base64').toString('utf8')));
const digest = build.results.images[0]!.digest;

/** The root runway.yaml sends this build (_SERVICE_NAME checkout, _DEPLOY_ENV staging) to checkout.staging only. */
const TARGET_ID = 'checkout.staging';
const ROLLOUT_ID = `${TARGET_ID}@${build.id}`;
const NOT_AVAILABLE = 'Cloud Run deployment is not available';

/** Fields of the engine's documents that these tests read (functions/src/adapters/firestore/documents.ts). */
interface RolloutDoc {
  id: string;
  targetId: string;
  phase: string;
  build: { buildId: string; image: string; commitSha: string | null };
  ending: { cause: string; reason: string } | null;
}
interface TargetDoc {
  active: unknown;
  queue: unknown[];
  version: number;
  recentBuilds: { buildId: string; status: string; rolloutId: string | null }[];
}
interface LogDoc {
  eventId: string;
  type: string;
  reason: string | null;
  version: number;
}
interface EffectDoc {
  id: string;
  type: string;
  status: string;
}

let stack: LocalStack | undefined;
let app: App | undefined;
let db: Firestore;
let firestoreHostBefore: string | undefined;
let failed = false;

beforeAll(async () => {
  stack = await startLocalStack();
  // `npm test` points FIRESTORE_EMULATOR_HOST at its own emulator, and the Admin SDK prefers it over any setting: this
  // file talks to the stack's Firestore instead.
  firestoreHostBefore = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = stack.firestore;
  app = initializeApp({ projectId: STACK_PROJECT_ID }, `e2e-${process.pid}`);
  db = getFirestore(app);
});

afterEach(({ task }) => {
  if (task.result?.state === 'fail') failed = true;
});

afterAll(async () => {
  if (app) await deleteApp(app);
  if (firestoreHostBefore === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
  else process.env.FIRESTORE_EMULATOR_HOST = firestoreHostBefore;
  if (!stack) return;
  const { exit, leftBehind } = await stack.stop();
  expect(leftBehind, `processes of the stack still running after start.mjs ended (${exit}); killed`).toEqual([]);
  // A passing run leaves nothing; a failing one keeps the logs (start.log, logs/emulators.log) to read.
  if (!failed) fs.rmSync(stack.dir, { recursive: true, force: true });
});

function running(): LocalStack {
  if (!stack) throw new Error('the local stack did not start');
  return stack;
}

/** Publishes the fixture's message (data and attributes) to `cloud-builds` through the emulator's REST API. */
async function publishFixture(): Promise<string> {
  const url = `http://${running().pubsub}/v1/projects/${STACK_PROJECT_ID}/topics/cloud-builds:publish`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ data: message.data, attributes: message.attributes }] }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${text}`);
  const [messageId] = z.object({ messageIds: z.array(z.string()).length(1) }).parse(JSON.parse(text)).messageIds;
  return messageId!;
}

/** Polls `probe` until it returns a value; past the deadline, fails with `status()` and the end of the suite's log. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, status: () => string): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const { logFile, logTail } = running();
      throw new Error(
        `no ${what} within ${DEADLINE_MS / 1000} s (${status()}). Last lines of ${logFile}:\n${logTail(60)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const TERMINAL = new Set(['succeeded', 'rolled_back', 'aborted', 'rejected', 'superseded', 'failed']);

async function targetEffects(): Promise<EffectDoc[]> {
  const snap = await db.collection('effects').where('targetId', '==', TARGET_ID).get();
  return snap.docs.map((d) => d.data() as EffectDoc);
}

async function targetLog(): Promise<LogDoc[]> {
  const snap = await db.collection('targets').doc(TARGET_ID).collection('log').orderBy('version').get();
  return snap.docs.map((d) => d.data() as LogDoc);
}

async function targetDoc(): Promise<TargetDoc> {
  const snap = await db.collection('targets').doc(TARGET_ID).get();
  expect(snap.exists, `targets/${TARGET_ID}`).toBe(true);
  return snap.data() as TargetDoc;
}

function duplicatesLogged(eventId: string): number {
  const text = fs.readFileSync(running().logFile, 'utf8');
  return text.split(`duplicate build.succeeded ${eventId} dropped`).length - 1;
}

describe('the local stack (npm start) turns a Cloud Build notification into a rollout', () => {
  it('runs cloudBuilds and runEffect: the rollout ends aborted because Cloud Run is not available yet', async () => {
    expect(running().functionsLoaded).toEqual(expect.arrayContaining(['cloudBuilds', 'runEffect']));

    await publishFixture();

    let phase = 'no rollout document yet';
    const rollout = await waitFor(
      `terminal rollouts/${ROLLOUT_ID}`,
      async () => {
        const data = (await db.collection('rollouts').doc(ROLLOUT_ID).get()).data() as RolloutDoc | undefined;
        if (data) phase = `phase ${data.phase}`;
        return data && TERMINAL.has(data.phase) ? data : undefined;
      },
      () => phase,
    );
    // Deciding the end also decides notifications; runEffect closes them shortly after.
    let open = 'no effects yet';
    const effects = await waitFor(
      `closed effects of ${TARGET_ID}`,
      async () => {
        const all = await targetEffects();
        const pending = all.filter((e) => e.status === 'pending' || e.status === 'running');
        open = `${pending.length} of ${all.length} open: ${pending.map((e) => `${e.type} ${e.status}`).join(', ')}`;
        return all.length > 0 && pending.length === 0 ? all : undefined;
      },
      () => open,
    );

    expect(rollout).toMatchObject({
      id: ROLLOUT_ID,
      targetId: TARGET_ID,
      phase: 'aborted',
      build: { buildId: build.id, commitSha: build.substitutions.COMMIT_SHA },
      ending: { cause: 'deploy_failed', reason: expect.stringContaining(NOT_AVAILABLE) },
    });
    expect(rollout.build.image.endsWith(`@${digest}`), `${rollout.build.image} is pinned to ${digest}`).toBe(true);

    const target = await targetDoc();
    expect(target.active).toBeNull();
    expect(target.queue).toEqual([]);
    expect(target.recentBuilds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ buildId: build.id, status: 'SUCCESS', rolloutId: ROLLOUT_ID }),
      ]),
    );

    const log = await targetLog();
    expect(log.map((entry) => entry.type)).toEqual(expect.arrayContaining(['build.succeeded', 'deploy.failed']));
    expect(log.find((entry) => entry.type === 'deploy.failed')?.reason).toContain(NOT_AVAILABLE);

    expect(effects.map((e) => e.type)).toContain('cloudRun.deployCandidate');
    expect(effects.filter((e) => e.status !== 'done')).toEqual([]);
  });

  it('drops the same notification published again: still one rollout, the audit log unchanged', async () => {
    const logBefore = await targetLog();
    const versionBefore = (await targetDoc()).version;
    const received = logBefore.find((entry) => entry.type === 'build.succeeded');
    expect(received, 'the first notification was handled').toBeDefined();
    const eventId = received!.eventId;
    const droppedBefore = duplicatesLogged(eventId);

    await publishFixture();

    // The engine logs each duplicate it drops: the only trace a dropped event leaves.
    await waitFor(
      `"duplicate build.succeeded ${eventId} dropped" in the log`,
      () => Promise.resolve(duplicatesLogged(eventId) > droppedBefore ? true : undefined),
      () => `${droppedBefore} dropped before publishing again`,
    );
    const rollouts = await db.collection('rollouts').get();
    expect(rollouts.docs.map((d) => d.id)).toEqual([ROLLOUT_ID]);
    expect(await targetLog()).toEqual(logBefore);
    expect((await targetDoc()).version).toBe(versionBefore);
    expect((await targetEffects()).filter((e) => e.status !== 'done')).toEqual([]);
  });
});
