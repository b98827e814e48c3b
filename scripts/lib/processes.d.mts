// Types for processes.mjs, so that TypeScript tests can use the same process and port helpers as the scripts.

export function sleep(ms: number): Promise<void>;

/** A free TCP port on `host`, chosen by the OS. */
export function freePort(host?: string): Promise<number>;

/** Whether any process of the group led by `pgid` is still alive. */
export function groupAlive(pgid: number): boolean;

/** Sends `signal` to every process of the group `pgid`, if any is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void;

/** Stops a process group: SIGTERM, then SIGKILL after `graceMs`. */
export function stopProcessGroup(pgid: number, graceMs?: number): Promise<void>;

/** The command line of `pid` (empty when it is gone). */
export function commandLine(pid: number): string;

/** Whether something already listens on host:port. */
export function portTaken(host: string, port: number): Promise<boolean>;

/** Every process as { pid, ppid, start } (start: a start-time token, so that a recycled pid is not mistaken). */
export function processTable(): { pid: number; ppid: number; start: string }[];

/** The processes below a root, remembered as they appear, so that they can be found after being re-parented. */
export class ProcessTree {
  constructor(rootPid: number);
  readonly rootPid: number;
  /** Adds the root's current descendants, and the root itself when `includeRoot`. */
  remember(includeRoot?: boolean): void;
  /** The remembered processes still alive (same pid and start time). */
  survivors(): number[];
}

/** Sends `sig` to each pid, ignoring those already gone. */
export function signalAll(pids: readonly number[], sig: NodeJS.Signals): void;
