/**
 * The Firebase Auth a command talks to: the local stack's Auth emulator (from stack.json) by default, or a project's
 * own users through Application Default Credentials with `--project`.
 */
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getAuth, type Auth } from 'firebase-admin/auth';
import { readStack } from './stack.js';

/** An open Auth, and where it is, for messages. */
export interface OpenAuth {
  readonly auth: Auth;
  readonly projectId: string;
  /** `the local stack (127.0.0.1:9099)` or `project acme-deploy`. */
  readonly where: string;
  readonly close: () => Promise<void>;
}

/** Opens the project's Auth, or the local stack's emulator when `project` is undefined. */
export function openAuth(project: string | undefined): OpenAuth {
  let projectId = project;
  let where = `project ${project}`;
  if (!projectId) {
    const stack = readStack();
    if (!stack.auth)
      throw new Error('the local stack runs no Auth emulator (started by an older npm start): restart it');
    process.env.FIREBASE_AUTH_EMULATOR_HOST = stack.auth;
    process.env.METADATA_SERVER_DETECTION ??= 'none';
    projectId = stack.projectId;
    where = `the local stack (Auth emulator ${stack.auth})`;
  }
  const app = initializeApp({ projectId }, `runway-cli-auth-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  return { auth: getAuth(app), projectId, where, close: () => deleteApp(app) };
}
