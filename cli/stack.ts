/**
 * Finding the local stack that `npm start` runs: it writes its addresses to `.runway/stack.json` (or
 * `$RUNWAY_STACK_DIR/stack.json`) once it is ready and removes the file when it stops. Commands that talk to the local
 * stack (`runway demo`, `runway status` without `--project`) read it here, so nobody has to copy ports around.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `npm start` (scripts/start.mjs) writes. Addresses are `host:port`; URLs are whole. */
export interface StackInfo {
  readonly projectId: string;
  readonly firestore: string;
  readonly pubsub: string;
  readonly functions: string;
  /** The Auth emulator; absent from stacks started before the dashboard. */
  readonly auth?: string;
  /** The Hosting emulator serving the dashboard. */
  readonly hosting?: string;
  readonly sandbox: {
    readonly cloudRun: string;
    readonly monitoring: string;
    readonly services: Readonly<Record<string, string>>;
    /** The Slack stand-in's base URL (Web API at /api/, inbox page at /), and the SMTP sink's host:port. */
    readonly slack?: string;
    readonly smtp?: string;
  } | null;
  /** The runway.yaml the stack's functions run with. */
  readonly configFile?: string;
  /** Where Cloud Monitoring's notifications go: the webhook (with its local token) and the Pub/Sub topic. */
  readonly alerts?: { readonly webhook: string; readonly token: string; readonly topic: string };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where stack.json is: RUNWAY_STACK_DIR, else the repository's .runway directory. */
export function stackFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.RUNWAY_STACK_DIR ? path.resolve(env.RUNWAY_STACK_DIR) : path.join(repoRoot, '.runway');
  return path.join(dir, 'stack.json');
}

/** The running local stack, or an Error that says how to start one. */
export function readStack(env: NodeJS.ProcessEnv = process.env): StackInfo {
  const file = stackFilePath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no local stack is running (${file} not found): start it with \`npm start\` in another terminal`);
  }
  const value: unknown = JSON.parse(text);
  if (!isStack(value)) throw new Error(`${file} is not what \`npm start\` writes: stop the stack and start it again`);
  return value;
}

function isStack(value: unknown): value is StackInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['projectId', 'firestore', 'pubsub', 'functions'].every((key) => typeof v[key] === 'string');
}
