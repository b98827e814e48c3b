/**
 * Runway's local stack for end-to-end tests and benchmarks: `node scripts/start.mjs`, exactly what `npm start` runs (the functions
 * build, the emulator suite with Runway's functions), on twelve consecutive free ports of its own (`--port-base`) and with
 * its files in a directory of its own (RUNWAY_STACK_DIR), so it collides neither with the emulators `npm test` started
 * for the other tests nor with a developer's `npm start`.
 *
 * Stopping is `npm start`'s own Ctrl-C (one SIGINT: start.mjs stops the suite and kills what it leaves behind). Every
 * process below start.mjs is remembered as it appears, so that whatever still runs afterwards — or when the test process
 * exits without stopping — is found and killed by PID, even after being re-parented.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { portTaken, ProcessTree, signalAll, sleep } from './processes.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Firebase project the stack runs (scripts/start.mjs). */
export const STACK_PROJECT_ID = 'demo-runway';

/** start.mjs assigns twelve consecutive ports from the base (Firestore, Pub/Sub, functions, hosting, hub, …, the sandbox APIs). */
const PORTS_PER_STACK = 12;
/** Below the OS's ephemeral range (where `npm test` puts its emulators) and far above firebase.json's defaults. */
const LOWEST_BASE = 20_000;
const HIGHEST_BASE = 29_990;
const READY_LINE = "Runway's local stack is up";
const STOP_TIMEOUT_MS = 45_000;
const OUTPUT_KEPT = 16_000;

/** What start.mjs writes to stack.json once the suite is ready. */
const stackFileSchema = z.object({
  projectId: z.string(),
  firestore: z.string(),
  pubsub: z.string(),
  functions: z.string(),
  hosting: z.string(),
  auth: z.string(),
  hub: z.string(),
  functionsLoaded: z.array(z.string()),
  sandbox: z.object({
    cloudRun: z.string(),
    monitoring: z.string(),
    services: z.record(z.string(), z.string()),
    /** The Slack stand-in's base URL and the SMTP sink's host:port. */
    slack: z.string().optional(),
    smtp: z.string().optional(),
  }),
  alerts: z.object({ webhook: z.string(), token: z.string(), topic: z.string() }),
  events: z.object({ topic: z.string(), subscription: z.string() }),
});

/** How the stack stopped. */
export interface StopReport {
  /** How start.mjs ended, e.g. `exit code 0`. */
  readonly exit: string;
  /** Processes of the stack still running after start.mjs ended; they were killed. Should be empty. */
  readonly leftBehind: readonly number[];
}

/** A running stack. Addresses are `host:port`. */
export interface LocalStack {
  readonly portBase: number;
  readonly firestore: string;
  readonly pubsub: string;
  readonly functions: string;
  /** The Hosting emulator serving the dashboard, and the Auth emulator it signs in with. */
  readonly hosting: string;
  readonly auth: string;
  readonly functionsLoaded: readonly string[];
  /** The sandbox's API base URLs and service URLs. */
  readonly sandbox: z.infer<typeof stackFileSchema>['sandbox'];
  /** Where Monitoring's notifications go (the webhook URL and its local token, the topic). */
  readonly alerts: z.infer<typeof stackFileSchema>['alerts'];
  /** The `runway-events` topic and the pull subscription on it. */
  readonly events: z.infer<typeof stackFileSchema>['events'];
  /** Everything this stack writes: stack.json, logs/, its firebase.json copy. */
  readonly dir: string;
  /** The emulator suite's whole output, function logs included. */
  readonly logFile: string;
  /** The last lines of {@link logFile}. */
  logTail(lines?: number): string;
  /** Stops the stack; safe to call more than once. */
  stop(): Promise<StopReport>;
}

/** Thrown when the ports were taken between probing and binding (another stack starting at the same time). */
class PortsTakenError extends Error {}

/**
 * Starts the stack and resolves once it is ready (functions loaded). Tries up to `attempts` port bases, in case another
 * stack starting at the same moment takes the same ports.
 */
export async function startLocalStack({
  readyTimeoutMs = 150_000,
  attempts = 3,
  /** Under .runway/: `e2e` for tests, `bench` for benchmarks. */
  purpose = 'e2e',
  /** The runway.yaml the functions run with; default npm start's (sandbox/runway.yaml). */
  configFile = undefined as string | undefined,
} = {}): Promise<LocalStack> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await launch(await freePortBase(), readyTimeoutMs, purpose, configFile);
    } catch (error) {
      if (!(error instanceof PortsTakenError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/** A base whose ports are all free, probed upward (wrapping) from a random start, so concurrent runs differ. */
async function freePortBase(): Promise<number> {
  const slots = Math.floor((HIGHEST_BASE - LOWEST_BASE) / PORTS_PER_STACK) + 1;
  const first = Math.floor(Math.random() * slots);
  for (let i = 0; i < slots; i++) {
    const base = LOWEST_BASE + ((first + i) % slots) * PORTS_PER_STACK;
    const taken = await Promise.all(
      Array.from({ length: PORTS_PER_STACK }, (_, offset) => portTaken('127.0.0.1', base + offset)),
    );
    if (!taken.includes(true)) return base;
  }
  throw new Error(
    `no ${PORTS_PER_STACK} consecutive free ports between ${LOWEST_BASE} and ${HIGHEST_BASE + PORTS_PER_STACK - 1}`,
  );
}

/** The environment `npm start` would see: none of the test run's emulator settings, this stack's own directories. */
function stackEnv(dir: string, configFile: string | undefined): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([key, value]) =>
      !/^(FIRESTORE_EMULATOR_HOST|PUBSUB_EMULATOR_HOST|FIREBASE_\w+_EMULATOR_HOST|GCLOUD_PROJECT|GOOGLE_CLOUD_PROJECT|RUNWAY_CONFIG_FILE|RUNWAY_PORT_BASE|RUNWAY_STACK_DIR|VITEST\w*)$/.test(
        key,
      ) && !(key === 'NODE_ENV' && value === 'test'),
  );
  return {
    ...Object.fromEntries(inherited),
    RUNWAY_STACK_DIR: dir,
    ...(configFile ? { RUNWAY_CONFIG_FILE: path.resolve(configFile) } : {}),
    // firebase-tools keeps its hub locator (hub-demo-runway.json) in the temporary directory: a private one, so this
    // stack neither warns about nor deletes the locator of a developer's `npm start`.
    TMPDIR: path.join(dir, 'tmp'),
    METADATA_SERVER_DETECTION: 'none',
  };
}

function tailOf(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

async function launch(
  portBase: number,
  readyTimeoutMs: number,
  purpose: string,
  configFile: string | undefined,
): Promise<LocalStack> {
  const dir = path.join(repoRoot, '.runway', purpose, String(portBase));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  const logFile = path.join(dir, 'logs', 'emulators.log');
  const logTail = (lines = 40) => tailOf(logFile, lines);

  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'scripts', 'start.mjs'), '--port-base', String(portBase)],
    {
      cwd: repoRoot,
      env: stackEnv(dir, configFile),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (child.pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`could not run scripts/start.mjs: ${error.message}`);
  }
  let exited: string | null = null;
  child.once('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));

  // start.mjs's own output (the build, the banner, then the function logs): kept in start.log and, in part, in memory.
  const startLog = fs.createWriteStream(path.join(dir, 'start.log'));
  let output = '';
  const onOutput = (chunk: Buffer) => {
    startLog.write(chunk);
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);

  const tree = new ProcessTree(child.pid);
  const watcher = setInterval(() => tree.remember(), 1000);
  watcher.unref();
  // Last resort, should the test process end without stopping the stack: never leave the emulators' JVMs behind.
  const killOnExit = () => {
    tree.remember(true);
    signalAll(tree.survivors(), 'SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<StopReport> | null = null;
  const stop = (): Promise<StopReport> =>
    (stopping ??= (async () => {
      tree.remember();
      if (exited === null) child.kill('SIGINT'); // what Ctrl-C on `npm start` sends
      for (const deadline = Date.now() + STOP_TIMEOUT_MS; exited === null && Date.now() < deadline;) await sleep(100);
      clearInterval(watcher);
      if (exited === null) tree.remember(true); // start.mjs itself did not stop in time
      const leftBehind = tree.survivors();
      if (leftBehind.length > 0) {
        signalAll(leftBehind, 'SIGTERM');
        for (let i = 0; i < 30 && tree.survivors().length > 0; i++) await sleep(100);
        signalAll(tree.survivors(), 'SIGKILL');
      }
      process.off('exit', killOnExit);
      await new Promise((resolve) => startLog.end(resolve));
      return { exit: exited ?? `still running after ${STOP_TIMEOUT_MS / 1000} s (killed)`, leftBehind };
    })());

  const deadline = Date.now() + readyTimeoutMs;
  while (!output.includes(READY_LINE) && exited === null && Date.now() < deadline) await sleep(100);
  if (!output.includes(READY_LINE)) {
    const why = exited === null ? `was not ready within ${readyTimeoutMs / 1000} s` : `exited (${exited})`;
    await stop();
    const message =
      `the local stack (scripts/start.mjs --port-base ${portBase}) ${why}.\n` +
      `Its output:\n${output.split('\n').slice(-30).join('\n')}\nLast lines of ${logFile}:\n${logTail()}`;
    const collided = /port\(s\) in use|port taken|EADDRINUSE|address already in use/i.test(output + logTail(200));
    throw collided ? new PortsTakenError(message) : new Error(message);
  }
  tree.remember();

  // Whatever fails from here on, the stack is up: stop it, or its emulators outlive the test run.
  let stack: z.infer<typeof stackFileSchema>;
  try {
    stack = stackFileSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, 'stack.json'), 'utf8')));
  } catch (error) {
    await stop();
    throw new Error(`the local stack said it was ready, but its stack.json is unreadable: ${String(error)}`, {
      cause: error,
    });
  }
  if (stack.projectId !== STACK_PROJECT_ID) {
    await stop();
    throw new Error(`the stack runs project ${stack.projectId}, not ${STACK_PROJECT_ID}`);
  }
  return {
    portBase,
    firestore: stack.firestore,
    pubsub: stack.pubsub,
    functions: stack.functions,
    hosting: stack.hosting,
    auth: stack.auth,
    functionsLoaded: stack.functionsLoaded,
    sandbox: stack.sandbox,
    alerts: stack.alerts,
    events: stack.events,
    dir,
    logFile,
    logTail,
    stop,
  };
}
