/**
 * One revision process: the demo app (sandbox/app/hello.mjs) run by this same Node binary, with the end of its stderr kept
 * for the error of a failed start (Cloud Run's revision logs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { track } from './reaper.js';

/** The demo app every revision runs. */
export const DEMO_APP = fileURLToPath(new URL('../../app/hello.mjs', import.meta.url));

/** How much of a process's stderr is kept. */
const LOG_TAIL_CHARS = 4_000;

/** How long a process has to exit on SIGTERM before it gets SIGKILL. */
const STOP_GRACE_MS = 3_000;

/** A spawned app process. */
export interface AppProcess {
  readonly pid: number | undefined;
  /** Whether it has exited (or never started). */
  exited(): boolean;
  /** Resolves when it has exited (or could not be spawned). */
  readonly exit: Promise<void>;
  /** The end of what it wrote to stderr. */
  logs(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Spawns the demo app with exactly `env` as its environment. */
export function spawnApp(env: Record<string, string>): AppProcess {
  // The IPC channel is the child's lifeline: it exits when the channel closes, whatever way this process ends.
  const child: ChildProcess = spawn(process.execPath, [DEMO_APP], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  track(child);
  let logs = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    logs = (logs + chunk).slice(-LOG_TAIL_CHARS);
  });
  let done = false;
  const exit = new Promise<void>((resolve) => {
    const finish = (): void => {
      done = true;
      resolve();
    };
    child.once('exit', finish);
    child.once('error', (error) => {
      logs += `${error.message}\n`;
      if (child.pid === undefined) finish();
    });
  });
  return {
    pid: child.pid,
    exited: () => done,
    exit,
    logs: () => logs,
    async stop() {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
    },
  };
}
