/**
 * Helpers for tests that talk to the official Firestore and Pub/Sub emulators. `npm test` starts both on free ports
 * and exports FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST; these helpers refuse to run without them, so that
 * an integration test never reaches a real project.
 */
import { randomBytes } from 'node:crypto';

/** Where the emulators listen, as `host:port`. */
export interface EmulatorHosts {
  readonly firestore: string;
  readonly pubsub: string;
}

const HOW_TO_START =
  'start them with `npm test`, which starts the Firestore and Pub/Sub emulators on free ports and sets ' +
  'FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST (for a watch loop: `node scripts/emulators.mjs --serve` ' +
  'prints the variables to export)';

/**
 * Returns the emulator addresses, or throws a clear error when the emulators are not running. Call it at the top of
 * every integration test file.
 */
export function requireEmulators(env: NodeJS.ProcessEnv = process.env): EmulatorHosts {
  const firestore = env.FIRESTORE_EMULATOR_HOST;
  const pubsub = env.PUBSUB_EMULATOR_HOST;
  const missing = [!firestore && 'FIRESTORE_EMULATOR_HOST', !pubsub && 'PUBSUB_EMULATOR_HOST'].filter(Boolean);
  if (!firestore || !pubsub) {
    throw new Error(`Integration tests need the emulators (${missing.join(' and ')} unset): ${HOW_TO_START}.`);
  }
  return { firestore, pubsub };
}

/**
 * A fresh project id. The Firestore emulator keeps each project's data apart, so test files that each use their
 * own id run in parallel without seeing one another's documents. The `demo-` prefix marks it as a project that
 * exists only locally.
 */
export function uniqueProjectId(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 16)
    .replace(/-+$/, '');
  return `demo-${slug || 'test'}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every document of `projectId` in the Firestore emulator (the emulator's own reset endpoint). */
export async function clearFirestore(projectId: string): Promise<void> {
  const { firestore } = requireEmulators();
  const url = `http://${firestore}/emulator/v1/projects/${encodeURIComponent(projectId)}/databases/(default)/documents`;
  const response = await fetch(url, { method: 'DELETE' });
  if (!response.ok) {
    throw new Error(`Clearing Firestore project ${projectId} failed: HTTP ${response.status} ${await response.text()}`);
  }
}
