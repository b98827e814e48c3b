/**
 * The Firestore a command talks to: the local stack's emulator (from stack.json) by default, or a project's own
 * database through Application Default Credentials with `--project`.
 */
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { readStack, type StackInfo } from './stack.js';

/** An open database, and the stack it belongs to when it is the local one. */
export interface OpenFirestore {
  readonly db: Firestore;
  readonly projectId: string;
  /** The local stack, or null for a real project. */
  readonly stack: StackInfo | null;
  readonly close: () => Promise<void>;
}

/** Opens the project's Firestore, or the local stack's when `project` is undefined. */
export function openFirestore(project: string | undefined): OpenFirestore {
  let projectId = project;
  let stack: StackInfo | null = null;
  if (!projectId) {
    stack = readStack();
    process.env.FIRESTORE_EMULATOR_HOST = stack.firestore;
    // The emulator needs no credentials; without this the Admin SDK probes for a metadata server and warns each time.
    process.env.METADATA_SERVER_DETECTION ??= 'none';
    projectId = stack.projectId;
  }
  const app = initializeApp({ projectId }, `runway-cli-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  return { db: getFirestore(app), projectId, stack, close: () => deleteApp(app) };
}
