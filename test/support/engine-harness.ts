/**
 * An engine wired for tests: Firestore is the official emulator (a project of its own per test file, so files run in
 * parallel), the runner's ports are the in-memory ones, and the clock is fake. Only FIRESTORE_EMULATOR_HOST is needed.
 */
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { formatConfigError, parseRunwayConfig, type RunwayConfig } from '../../functions/src/domain/config/load.js';
import type { ServiceRef } from '../../functions/src/domain/effects.js';
import type { BuildInfo, Rollout, TargetState } from '../../functions/src/domain/rollout.js';
import type { BuildSucceeded } from '../../functions/src/domain/events.js';
import { createMemoryPorts, FakeClock, type MemoryPorts } from '../../functions/src/adapters/memory/index.js';
import { firestoreTimerPort } from '../../functions/src/adapters/firestore/timers.js';
import { rolloutRef, targetRef } from '../../functions/src/adapters/firestore/collections.js';
import { fromTargetDoc, type EffectDoc } from '../../functions/src/adapters/firestore/documents.js';
import { createEngine } from '../../functions/src/engine/engine.js';
import { createEffectRunner } from '../../functions/src/engine/runner.js';
import { DEFAULT_OUTBOX, type OutboxOptions } from '../../functions/src/engine/outbox.js';
import type { EffectPorts } from '../../functions/src/engine/ports.js';
import type { EffectRunner, Engine, EngineLog } from '../../functions/src/engine/types.js';
import { silentLog } from '../../functions/src/logs.js';
import { uniqueProjectId } from './emulators.js';

/** The target most tests use: a canary in two steps, smoke checks, a guard window. */
export const CHECKOUT = 'checkout.production';
export const CHECKOUT_SERVICE: ServiceRef = { project: 'acme-shop-prod', region: 'europe-west1', service: 'checkout' };
export const STABLE_REVISION = 'checkout-00001-old';

export const TEST_CONFIG = `
version: 1
targets:
  checkout:
    production:
      project: acme-shop-prod
      region: europe-west1
      strategy:
        canary:
          steps:
            - { weight: 10, bake: 5m }
            - { weight: 50, bake: 5m }
      smoke:
        checks:
          - { path: /healthz }
      # Each step judged once, when its bake ends (checks while it bakes: test/integration/engine/checks.test.ts).
      analysis: { maxErrorRatePercent: 1, maxP99LatencyMs: 800, minRequests: 100, sequential: { checkEvery: 0 } }
      rollback: { guardWindow: 10m }
`;

export interface HarnessOptions {
  /** runway.yaml text. Default {@link TEST_CONFIG}. */
  readonly yaml?: string;
  readonly outbox?: Partial<OutboxOptions>;
  /** `memory` (a test fires timers) or `firestore` (the sweep fires them, as in production). Default memory. */
  readonly timers?: 'memory' | 'firestore';
  readonly log?: EngineLog;
}

export interface Harness {
  readonly projectId: string;
  readonly app: App;
  readonly db: Firestore;
  readonly config: RunwayConfig;
  readonly clock: FakeClock;
  readonly ports: MemoryPorts;
  /** What the runner actually uses (the timer port may be Firestore's). */
  readonly runnerPorts: EffectPorts;
  readonly outbox: OutboxOptions;
  readonly engine: Engine;
  readonly runner: EffectRunner;
  /** Another runner on the same database and ports, as a second function instance would be. */
  newRunner(): EffectRunner;
  target(id?: string): Promise<TargetState>;
  rollout(id: string): Promise<Rollout | undefined>;
  effects(): Promise<EffectDoc[]>;
  close(): Promise<void>;
}

/** Parses runway.yaml text or fails the test with every error. */
export function configOf(yaml: string): RunwayConfig {
  const parsed = parseRunwayConfig(yaml);
  if (!parsed.ok) throw new Error(`test config invalid:\n${parsed.errors.map(formatConfigError).join('\n')}`);
  return parsed.config;
}

/** Creates a harness on a fresh emulator project. Call `close()` in `afterAll`. */
export function createHarness(name: string, options: HarnessOptions = {}): Harness {
  if (!process.env.FIRESTORE_EMULATOR_HOST) {
    throw new Error('engine tests need the Firestore emulator: set FIRESTORE_EMULATOR_HOST (npm test does)');
  }
  const projectId = uniqueProjectId(name);
  const app = initializeApp({ projectId }, projectId);
  const db = getFirestore(app);
  const config = configOf(options.yaml ?? TEST_CONFIG);
  const clock = new FakeClock();
  const ports = createMemoryPorts();
  ports.cloudRun.seed(CHECKOUT_SERVICE, STABLE_REVISION);
  const outbox = { ...DEFAULT_OUTBOX, ...options.outbox };
  const log = options.log ?? silentLog;
  const runnerPorts: EffectPorts =
    options.timers === 'firestore' ? { ...ports, timers: firestoreTimerPort(db, () => clock.now()) } : ports;
  const engine = createEngine({ db, config, clock, log, outbox });
  const newRunner = (): EffectRunner => createEffectRunner({ db, engine, ports: runnerPorts, clock, log, outbox });

  return {
    projectId,
    app,
    db,
    config,
    clock,
    ports,
    runnerPorts,
    outbox,
    engine,
    runner: newRunner(),
    newRunner,
    target: async (id = CHECKOUT) => fromTargetDoc(id, (await targetRef(db, id).get()).data()),
    rollout: async (id) => (await rolloutRef(db, id).get()).data() as Rollout | undefined,
    effects: async () => (await db.collection('effects').get()).docs.map((d) => d.data() as EffectDoc),
    close: () => deleteApp(app),
  };
}

/** A build of the checkout service, as the Cloud Build trigger would report it. */
export function buildInfo(buildId: string, at: number): BuildInfo {
  return {
    buildId,
    projectId: 'acme-ci',
    image: `europe-docker.pkg.dev/acme-ci/apps/checkout@sha256:${buildId.padEnd(64, '0').slice(0, 64)}`,
    commitSha: `c0ffee${buildId}`,
    repository: 'acme/checkout',
    branch: 'main',
    tag: null,
    triggerId: 'trigger-1',
    triggerName: 'checkout-main',
    logUrl: null,
    createdAt: at,
    finishedAt: at,
  };
}

/** `build.succeeded` for `buildId` on the checkout target. */
export function buildSucceeded(buildId: string, at: number, targetId = CHECKOUT): BuildSucceeded {
  return { type: 'build.succeeded', id: `build:${buildId}:SUCCESS`, targetId, build: buildInfo(buildId, at) };
}
