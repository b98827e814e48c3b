/**
 * The composition root: the one place that knows which adapter serves which port. Built lazily, once per function
 * instance, on the first invocation that needs it — so loading the module at deploy time touches nothing, and an invalid
 * runway.yaml fails the first cold start loudly, with every error.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { formatConfigError, parseRunwayConfig, type ConfigError, type RunwayConfig } from './domain/config/load.js';
import { cloudTasksTimerPort, timerTaskQueue } from './adapters/tasks/timers.js';
import { CLOUD_RUN_ENDPOINT_ENV, createCloudRunAdapter } from './adapters/cloudrun/index.js';
import { createMonitoringAdapter } from './adapters/monitoring/index.js';
import { createSmokeAdapter } from './adapters/smoke/index.js';
import { createPubSubPublisher } from './adapters/pubsub/publisher.js';
import { createNotifier } from './adapters/notify/index.js';
import { SMTP_CONNECTION, SMTP_PASSWORD, secretValue, slackBotToken } from './adapters/secrets/index.js';
import { createEngine } from './engine/engine.js';
import { systemClock, type Clock, type EffectPorts } from './engine/ports.js';
import { createEffectRunner } from './engine/runner.js';
import type { EffectRunner, Engine } from './engine/types.js';
import { configInvalid, configLoaded, engineLog } from './logs.js';

/** Everything the triggers need. */
export interface Runtime {
  readonly db: Firestore;
  readonly config: RunwayConfig;
  readonly clock: Clock;
  readonly engine: Engine;
  readonly runner: EffectRunner;
  readonly ports: EffectPorts;
}

/** The environment variable that points at another runway.yaml. */
export const CONFIG_FILE_ENV = 'RUNWAY_CONFIG_FILE';

let runtime: Runtime | undefined;

/** The runtime of this instance, built on first use. */
export function getRuntime(): Runtime {
  runtime ??= buildRuntime();
  return runtime;
}

function buildRuntime(): Runtime {
  const app = getApps().find((a) => a.name === '[DEFAULT]') ?? initializeApp();
  const db = getFirestore(app);
  const config = loadLoudly(configFilePath());
  const clock = systemClock;
  const engine = createEngine({ db, config, clock, log: engineLog });
  const ports: EffectPorts = {
    // Google's APIs with the function's service account; `npm start` points both at the sandbox.
    cloudRun: createCloudRunAdapter({ endpoint: endpointOf(CLOUD_RUN_ENDPOINT_ENV) }),
    smoke: createSmokeAdapter(),
    metrics: createMonitoringAdapter({ endpoint: endpointOf(MONITORING_ENDPOINT_ENV) }),
    // A timer is a Firestore document (the record, and the sweep's backstop) and a Cloud Task that fires it on time.
    timers: cloudTasksTimerPort({ db, now: () => clock.now(), queue: timerTaskQueue(app) }),
    // Slack and email where the target routes them and the secrets are readable; a log line otherwise.
    notifier: createNotifier({
      db,
      config,
      now: () => clock.now(),
      slackToken: () => slackBotToken(),
      smtp: () => ({ connection: secretValue(SMTP_CONNECTION), password: secretValue(SMTP_PASSWORD) }),
    }),
    publisher: createPubSubPublisher({ projectId: projectIdOf(app), topic: process.env.RUNWAY_EVENTS_TOPIC }),
  };
  const runner = createEffectRunner({ db, engine, ports, clock, log: engineLog });
  return { db, config, clock, engine, runner, ports };
}

/** The project Runway runs in: where `runway-events` is. */
function projectIdOf(app: ReturnType<typeof initializeApp>): string {
  const id = app.options.projectId ?? process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT;
  if (!id) throw new Error('cannot tell which project Runway runs in: set GCLOUD_PROJECT');
  return id;
}

/** The environment variable with the endpoint of a Cloud Monitoring stand-in (the sandbox). */
export const MONITORING_ENDPOINT_ENV = 'RUNWAY_MONITORING_ENDPOINT';

/** An endpoint override from the environment; unset or empty means Google's API. The adapters validate it. */
function endpointOf(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[name] || undefined;
}

/** `RUNWAY_CONFIG_FILE`, else the runway.yaml bundled beside the compiled code (functions/lib/runway.yaml). */
export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env[CONFIG_FILE_ENV] || fileURLToPath(new URL('./runway.yaml', import.meta.url));
}

/** A runway.yaml that failed validation; `errors` name every bad field. */
export class InvalidConfigError extends Error {
  constructor(
    readonly file: string,
    readonly errors: readonly ConfigError[],
  ) {
    super(`${file} is invalid:\n${errors.map((e) => `  ${formatConfigError(e)}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

/**
 * Reads and validates a runway.yaml. Throws when the file is missing, or an {@link InvalidConfigError} with every error
 * on its own line: Runway must not run on a configuration it does not understand.
 */
export function loadConfigFile(file: string): RunwayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read runway.yaml at ${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = parseRunwayConfig(text);
  if (!parsed.ok) throw new InvalidConfigError(file, parsed.errors);
  return parsed.config;
}

/** {@link loadConfigFile}, logging what was loaded or every error, so a failed cold start says why in the logs. */
function loadLoudly(file: string): RunwayConfig {
  try {
    const config = loadConfigFile(file);
    configLoaded(
      file,
      config.targets.map((t) => t.id),
    );
    return config;
  } catch (error) {
    if (error instanceof InvalidConfigError) configInvalid(file, error.errors);
    throw error;
  }
}
