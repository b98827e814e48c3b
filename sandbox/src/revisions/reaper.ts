/**
 * No orphaned revision processes: every child is tracked here until it exits, and whatever is still running when this
 * process exits is killed. (A parent killed by a signal runs no exit handler: for that, each child also watches its IPC
 * channel to the parent and exits when it closes; see sandbox/app/hello.mjs.)
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  // An 'exit' handler must be synchronous: SIGKILL needs no waiting and cannot be ignored.
  for (const child of live) child.kill('SIGKILL');
}

/** Tracks `child` until it exits. */
export function track(child: ChildProcess): void {
  if (!installed) {
    process.once('exit', killAll);
    installed = true;
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  // A child that could not be spawned has no pid and emits 'error' instead of 'exit'.
  child.once('error', () => {
    if (child.pid === undefined) live.delete(child);
  });
}

/** The pids of every revision process of this process still running. */
export function livePids(): number[] {
  return [...live].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
}
