// Process and port helpers shared by the emulator, test and start scripts (POSIX: process groups and signals).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on `host`, chosen by the OS. */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** Whether any process of the group led by `pgid` is still alive. */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Sends `signal` to every process of the group `pgid`, if any is left. */
export function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Stops a process group (the emulators fork Java children): SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcessGroup(pgid, graceMs = 5000) {
  signalGroup(pgid, 'SIGTERM');
  for (const [signal, wait] of [
    ['SIGKILL', graceMs],
    [null, 3000],
  ]) {
    const deadline = Date.now() + wait;
    while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
    if (!groupAlive(pgid)) return;
    if (signal) signalGroup(pgid, signal);
  }
}

/** The command line of `pid` (empty when it is gone): to recognise a process before killing it. */
export function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    try {
      return execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }
}

/** Whether something already listens on host:port. */
export function portTaken(host, port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

/** Every process as { pid, ppid, start } (start: a start-time token, so that a recycled pid is not mistaken). */
export function processTable() {
  if (fs.existsSync('/proc/self/stat')) {
    const table = [];
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (fields[0] === 'Z') continue; // a zombie holds no resources: nothing to kill
        table.push({ pid: Number(name), ppid: Number(fields[1]), start: fields[19] });
      } catch {
        // exited meanwhile
      }
    }
    return table;
  }
  return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,lstart='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [pid, ppid, ...start] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), start: start.join(' ') };
    });
}

/**
 * The processes below a root (firebase-tools and its Java emulators and functions workers), remembered as they
 * appear, so that they can still be found and killed after the root died and they were re-parented.
 */
export class ProcessTree {
  /** pid → start token */
  #known = new Map();

  constructor(rootPid) {
    this.rootPid = rootPid;
  }

  /** Adds the root's current descendants, and the root itself when `includeRoot`. */
  remember(includeRoot = false) {
    const table = processTable();
    const children = new Map();
    for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    const root = table.find((p) => p.pid === this.rootPid);
    if (includeRoot && root) this.#known.set(root.pid, root.start);
    const queue = [this.rootPid];
    while (queue.length > 0) {
      for (const child of children.get(queue.shift()) ?? []) {
        this.#known.set(child.pid, child.start);
        queue.push(child.pid);
      }
    }
  }

  /** The remembered processes still alive (same pid and start time: a recycled pid is left alone). */
  survivors() {
    const alive = new Map(processTable().map((p) => [p.pid, p.start]));
    return [...this.#known].filter(([pid, start]) => alive.get(pid) === start).map(([pid]) => pid);
  }
}

/** Sends `sig` to each pid, ignoring those already gone. */
export function signalAll(pids, sig) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // gone
    }
  }
}
