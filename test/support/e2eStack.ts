/**
 * The whole-stack tests' shared lifecycle: one `npm start` stack per test file (scripts/lib/localStack.ts), an Admin
 * SDK Firestore client pointed at it, and the clean-up. Call {@link useLocalStack} at the top of a file; hooks the file
 * registers afterwards run after its `beforeAll` and before its `afterAll` (vitest runs after-hooks in reverse).
 */
import fs from 'node:fs';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startLocalStack, STACK_PROJECT_ID, type LocalStack } from '../../scripts/lib/localStack.js';

/** The running stack and a Firestore client on it, available from the file's `beforeAll` on. */
export interface E2eStack {
  /** The stack; throws if it did not start. */
  readonly stack: () => LocalStack;
  /** The Admin SDK's Firestore on the stack's emulator. */
  readonly db: () => Firestore;
}

/**
 * Starts the stack before the file's tests (with `configFile` as its runway.yaml) and stops it after them, checking
 * that no process of it is left behind. A passing file leaves nothing on disk; a failing one keeps the stack's
 * directory (start.log, logs/) to read.
 */
export function useLocalStack(name: string, options: { configFile?: string } = {}): E2eStack {
  let stack: LocalStack | undefined;
  let app: App | undefined;
  let db: Firestore | undefined;
  let firestoreHostBefore: string | undefined;
  let failed = false;

  beforeAll(async () => {
    stack = await startLocalStack(options);
    // `npm test` points FIRESTORE_EMULATOR_HOST at its own emulator, and the Admin SDK prefers it over any setting:
    // these files talk to the stack's Firestore instead.
    firestoreHostBefore = process.env.FIRESTORE_EMULATOR_HOST;
    process.env.FIRESTORE_EMULATOR_HOST = stack.firestore;
    app = initializeApp({ projectId: STACK_PROJECT_ID }, `e2e-${name}-${process.pid}`);
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
    if (!failed) fs.rmSync(stack.dir, { recursive: true, force: true });
  });

  return {
    stack: () => {
      if (!stack) throw new Error('the local stack did not start');
      return stack;
    },
    db: () => {
      if (!db) throw new Error('the local stack did not start');
      return db;
    },
  };
}
