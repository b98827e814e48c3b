/**
 * The revision host: each revision is a real local HTTP process (the demo app) listening on a loopback port of its own,
 * behaving as its image's profile says. A revision is ready once its port accepts connections, as with Cloud Run's
 * default TCP startup probe; one that exits first, or does not listen in time, fails with the Ready-condition message
 * Cloud Run would show. A revision that exits after it was ready is forgotten (the router then answers 503 for it);
 * unlike Cloud Run, the sandbox does not restart it.
 */
import { CONTAINER_FAILED_TO_START, profileOf } from '../images.js';
import type { RevisionHost, RevisionProcess, RevisionSpec } from '../types.js';
import { spawnApp, type AppProcess } from './child.js';
import { revisionEnv } from './env.js';
import { accepts, freePort } from './ports.js';

/**
 * How long a revision has to listen on its port by default. Generous: Node starts in ~0.1 s, but a loaded 2-core CI
 * machine can take seconds. (Cloud Run's default startup probe allows 240 s.)
 */
export const DEFAULT_START_TIMEOUT_MS = 20_000;

/** How often the port is probed while a revision starts. */
const PROBE_INTERVAL_MS = 20;

export interface RevisionHostOptions {
  /** How long a revision has to listen on its port. Default {@link DEFAULT_START_TIMEOUT_MS}. */
  readonly startTimeoutMs?: number;
}

/** A revision that could not start. `message` is the Ready condition's; `logs` is the end of the process's stderr. */
export class RevisionStartError extends Error {
  constructor(
    message: string,
    readonly revision: string,
    readonly logs: string,
  ) {
    super(message);
    this.name = 'RevisionStartError';
  }
}

/** A running revision, with its process id. */
export interface LocalRevisionProcess extends RevisionProcess {
  readonly pid: number | undefined;
}

/** The host, with the pids of its processes (for tests that check nothing is left behind). */
export interface LocalRevisionHost extends RevisionHost {
  start(spec: RevisionSpec): Promise<LocalRevisionProcess>;
  get(revision: string): LocalRevisionProcess | undefined;
  /** The pids of this host's processes that are still running, ready or starting. */
  pids(): number[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Probes `port` until it accepts a connection; false if `app` exits first or the deadline passes. */
async function listening(app: AppProcess, port: number, deadline: number): Promise<boolean> {
  for (;;) {
    if (app.exited()) return false;
    if (await accepts(port)) return !app.exited();
    if (Date.now() >= deadline) return false;
    await sleep(PROBE_INTERVAL_MS);
  }
}

/** Starts revisions as local processes. See the module comment. */
export function createRevisionHost(options: RevisionHostOptions = {}): LocalRevisionHost {
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const running = new Map<string, LocalRevisionProcess>();
  // Starts in progress, so a revision started twice at once runs one process.
  const starting = new Map<string, Promise<LocalRevisionProcess>>();
  const apps = new Set<AppProcess>();

  async function launch(spec: RevisionSpec): Promise<LocalRevisionProcess> {
    const profile = profileOf(spec.image);
    const port = await freePort();
    const app = spawnApp(revisionEnv(spec, profile, port));
    apps.add(app);
    void app.exit.then(() => {
      apps.delete(app);
      if (running.get(spec.revision)?.pid === app.pid) running.delete(spec.revision);
    });
    if (!(await listening(app, port, Date.now() + startTimeoutMs))) {
      await app.stop();
      const message = profile.startup.fails ? profile.startup.message : CONTAINER_FAILED_TO_START;
      throw new RevisionStartError(message, spec.revision, app.logs());
    }
    const revisionProcess: LocalRevisionProcess = {
      revision: spec.revision,
      url: `http://127.0.0.1:${port}`,
      pid: app.pid,
      async stop() {
        if (running.get(spec.revision) === revisionProcess) running.delete(spec.revision);
        await app.stop();
      },
    };
    running.set(spec.revision, revisionProcess);
    return revisionProcess;
  }

  return {
    start(spec) {
      const current = running.get(spec.revision) ?? starting.get(spec.revision);
      if (current) return Promise.resolve(current);
      const started = launch(spec).finally(() => starting.delete(spec.revision));
      starting.set(spec.revision, started);
      return started;
    },
    get: (revision) => running.get(revision),
    pids: () => [...apps].flatMap((app) => (app.pid === undefined || app.exited() ? [] : [app.pid])),
    async stopAll() {
      // Again until nothing is left: a start that was between picking a port and spawning spawns after the first pass.
      while (apps.size > 0 || starting.size > 0) {
        running.clear();
        await Promise.all([...apps].map((app) => app.stop()));
        await Promise.allSettled([...starting.values()]);
      }
    },
  };
}
