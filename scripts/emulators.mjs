#!/usr/bin/env node
// Finds the official Firestore and Pub/Sub emulators (Java), prepares them for firebase-tools and starts them
// directly for the test suite. Plain ESM JavaScript so that it runs before anything is built.
//
//   node scripts/emulators.mjs --check   say which emulators and which Java will be used (exit 1 if none)
//   node scripts/emulators.mjs --env     print the firebase-tools overrides: eval "$(node scripts/emulators.mjs --env)"
//   node scripts/emulators.mjs --serve   run both emulators on free ports until Ctrl-C (for `npx vitest --watch`)

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { manifestText, writeManifestJar } from './lib/jar.mjs';
import { commandLine, freePort, groupAlive, signalGroup, sleep, stopProcessGroup } from './lib/processes.mjs';

export { freePort, stopProcessGroup };

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const runwayDir = path.join(repoRoot, '.runway');
export const logsDir = path.join(runwayDir, 'logs');
const binDir = path.join(runwayDir, 'emulators');
const pidsDir = path.join(runwayDir, 'pids');

const FIRESTORE_MAIN_CLASS = 'com.google.cloud.datastore.emulator.firestore.CloudFirestore';
const FIRESTORE_DIR = 'platform/cloud-firestore-emulator';
const PUBSUB_SCRIPT = 'platform/pubsub-emulator/bin/cloud-pubsub-emulator';
const INSTALL_HINT = `Install them with one of:
  gcloud components install cloud-firestore-emulator pubsub-emulator
  apt-get install -y google-cloud-cli-firestore-emulator google-cloud-cli-pubsub-emulator
  npx firebase setup:emulators:firestore && npx firebase setup:emulators:pubsub
or point RUNWAY_FIRESTORE_EMULATOR / RUNWAY_PUBSUB_EMULATOR at an installed copy. The emulators need Java 17+.`;

/**
 * @typedef {{ jar: string, runnable: boolean, origin: string }} FirestoreEmulator
 *   runnable: the jar has a Main-Class (firebase-tools' download); gcloud's jar has none and needs `-cp` + main class.
 * @typedef {{ script: string, origin: string }} PubSubEmulator
 * @typedef {{ firestore: FirestoreEmulator, pubsub: PubSubEmulator }} Emulators
 */

const isFile = (p) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() === true;
const isDir = (p) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;

/** @returns {FirestoreEmulator | null} */
function firestoreAt(p, origin) {
  if (isDir(p)) p = path.join(p, 'cloud-firestore-emulator.jar');
  else if (isFile(p) && !p.endsWith('.jar')) p = path.join(path.dirname(p), 'cloud-firestore-emulator.jar');
  if (!isFile(p)) return null;
  return { jar: p, runnable: path.basename(p) !== 'cloud-firestore-emulator.jar', origin };
}

/** @returns {PubSubEmulator | null} */
function pubsubAt(p, origin) {
  if (isDir(p))
    p = [path.join(p, 'bin/cloud-pubsub-emulator'), path.join(p, 'cloud-pubsub-emulator')].find(isFile) ?? p;
  return isFile(p) ? { script: p, origin } : null;
}

/**
 * The Cloud SDK roots to look in: the one `gcloud` on PATH belongs to, then the Debian package's. Following the
 * `gcloud` symlink finds the root instantly in the usual installs; `gcloud info` (slow: ~1.5 s) is asked otherwise.
 */
function* sdkRoots(searched, env) {
  const gcloud = (env.PATH ?? '')
    .split(path.delimiter)
    .map((dir) => path.join(dir, 'gcloud'))
    .find(isFile);
  if (gcloud) {
    const root = path.dirname(path.dirname(fs.realpathSync(gcloud)));
    if (isFile(path.join(root, 'bin', 'gcloud'))) yield [root, `the gcloud SDK at ${root}`];
    let reported = '';
    try {
      reported = execFileSync(gcloud, ['info', '--format=value(installation.sdk_root)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 30_000,
      }).trim();
    } catch {
      searched.push(`\`${gcloud} info\` failed`);
    }
    if (reported && reported !== root) yield [reported, `the gcloud SDK at ${reported}`];
  } else {
    searched.push('gcloud: not on PATH');
  }
  yield ['/usr/lib/google-cloud-sdk', '/usr/lib/google-cloud-sdk'];
}

function newestIn(dir, pattern) {
  if (!isDir(dir)) return null;
  const names = fs.readdirSync(dir).filter((n) => pattern.test(n));
  names.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  return names[0] ? path.join(dir, names[0]) : null;
}

/**
 * Locates both emulators: RUNWAY_FIRESTORE_EMULATOR / RUNWAY_PUBSUB_EMULATOR, the Cloud SDK of `gcloud`,
 * /usr/lib/google-cloud-sdk, then firebase-tools' download cache. Throws an error naming every place searched.
 * @returns {Emulators}
 */
export function findEmulators(env = process.env) {
  const searched = [];
  /** @type {FirestoreEmulator | null} */ let firestore = null;
  /** @type {PubSubEmulator | null} */ let pubsub = null;
  for (const [name, at] of [
    ['RUNWAY_FIRESTORE_EMULATOR', firestoreAt],
    ['RUNWAY_PUBSUB_EMULATOR', pubsubAt],
  ]) {
    const value = env[name];
    if (!value) continue;
    const found = at(path.resolve(value), `$${name}`);
    // An explicit override that points nowhere is a mistake to report, not a reason to look elsewhere.
    if (!found) throw new Error(`${name}=${value} does not point at an installed emulator.\n${INSTALL_HINT}`);
    if (name === 'RUNWAY_FIRESTORE_EMULATOR') firestore = found;
    else pubsub = found;
  }
  if (!firestore || !pubsub) {
    for (const [root, origin] of sdkRoots(searched, env)) {
      if (searched.includes(path.join(root, 'platform'))) continue;
      firestore ??= firestoreAt(path.join(root, FIRESTORE_DIR), origin);
      pubsub ??= pubsubAt(path.join(root, PUBSUB_SCRIPT), origin);
      searched.push(path.join(root, 'platform'));
      if (firestore && pubsub) break;
    }
  }
  if (!firestore || !pubsub) {
    const cache = env.FIREBASE_EMULATORS_PATH || path.join(os.homedir(), '.cache', 'firebase', 'emulators');
    const jar = newestIn(cache, /^cloud-firestore-emulator-v[\d.]+\.jar$/);
    firestore ??= jar && firestoreAt(jar, `firebase-tools cache ${cache}`);
    const dir = newestIn(cache, /^pubsub-emulator-[\d.]+$/);
    pubsub ??= dir && pubsubAt(path.join(dir, 'pubsub-emulator'), `firebase-tools cache ${cache}`);
    searched.push(cache);
  }
  if (firestore && pubsub) return { firestore, pubsub };
  const missing = firestore ? 'Pub/Sub emulator' : pubsub ? 'Firestore emulator' : 'Firestore and Pub/Sub emulators';
  throw new Error(
    `Could not find the ${missing}. Searched:\n${searched.map((s) => `  - ${s}`).join('\n')}\n${INSTALL_HINT}`,
  );
}

/** The `java` the emulators will run on, and its version line; throws with an install hint if there is none. */
export function javaVersion(env = process.env) {
  const java = javaCommand(env);
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const version = `${result.stderr ?? ''}${result.stdout ?? ''}`.split('\n').find((l) => l.includes('version'));
  if (result.status !== 0 || !version) {
    throw new Error(
      `Java is missing (${java}): the emulators need Java 17+, e.g. apt-get install -y default-jre-headless`,
    );
  }
  return { java, version: version.trim() };
}

// --- firebase-tools ----------------------------------------------------------------------------------------------

/**
 * Prepares what firebase-tools needs to start the installed emulators instead of downloading its own and returns
 * the environment to pass it. firebase-tools runs `java -jar $FIRESTORE_EMULATOR_BINARY_PATH`, and gcloud's jar has no
 * Main-Class: a manifest-only wrapper jar supplies one and puts the real jar on its Class-Path. firebase-tools also
 * chmods the Pub/Sub binary it is given, which fails on a root-owned SDK: it gets a tiny exec wrapper of our own.
 * @param {Emulators} emulators
 */
export function firebaseToolsEnv(emulators) {
  fs.mkdirSync(binDir, { recursive: true });
  let firestorePath = emulators.firestore.jar;
  if (!emulators.firestore.runnable) {
    firestorePath = path.join(binDir, 'firestore-wrapper.jar');
    const attributes = {
      'Manifest-Version': '1.0',
      'Main-Class': FIRESTORE_MAIN_CLASS,
      'Class-Path': pathToFileURL(emulators.firestore.jar).href,
      'Created-By': 'runway scripts/emulators.mjs',
    };
    const manifest = manifestText(attributes);
    const stamp = `${firestorePath}.manifest`;
    const upToDate = isFile(firestorePath) && isFile(stamp) && fs.readFileSync(stamp, 'utf8') === manifest;
    if (!upToDate) fs.writeFileSync(stamp, writeManifestJar(firestorePath, attributes));
  }
  const pubsubPath = path.join(binDir, 'pubsub-emulator');
  fs.writeFileSync(pubsubPath, `#!/bin/sh\nexec '${emulators.pubsub.script.replaceAll("'", `'\\''`)}' "$@"\n`);
  fs.chmodSync(pubsubPath, 0o755);
  return { FIRESTORE_EMULATOR_BINARY_PATH: firestorePath, PUBSUB_EMULATOR_BINARY_PATH: pubsubPath };
}

// --- starting and stopping ---------------------------------------------------------------------------------------

/** Kills emulators left behind by a run that died without cleaning up (its owner process is gone). */
export function reapOrphans() {
  if (!isDir(pidsDir)) return;
  for (const name of fs.readdirSync(pidsDir)) {
    const file = path.join(pidsDir, name);
    try {
      const { owner, pid, marker } = JSON.parse(fs.readFileSync(file, 'utf8'));
      let ownerAlive = true;
      try {
        process.kill(owner, 0);
      } catch (error) {
        ownerAlive = error.code === 'EPERM';
      }
      if (ownerAlive) continue;
      if (groupAlive(pid) && commandLine(pid).includes(marker)) {
        console.error(`emulators: stopping an emulator left over by a previous run (pid ${pid})`);
        signalGroup(pid, 'SIGKILL');
      }
    } catch {
      // unreadable pid file: drop it
    }
    fs.rmSync(file, { force: true });
  }
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * @typedef {{ name: string, host: string, port: number, hostPort: string, pid: number, logFile: string,
 *   stop: () => Promise<void> }} RunningEmulator
 */

/**
 * Starts one emulator in its own process group, its output in `logFile` (truncated), and resolves once it answers
 * HTTP on its port. Retries on another free port if the chosen one was taken meanwhile (unless the port was given).
 * @returns {Promise<RunningEmulator>}
 */
async function launch(name, marker, command, { host = '127.0.0.1', port, logFile, timeoutMs = 90_000, env } = {}) {
  reapOrphans();
  fs.mkdirSync(logsDir, { recursive: true });
  fs.mkdirSync(pidsDir, { recursive: true });
  logFile ??= path.join(logsDir, `${name}.log`);
  for (let attempt = 1; ; attempt++) {
    const chosen = port ?? (await freePort(host));
    const [bin, ...args] = command(host, chosen);
    const fd = fs.openSync(logFile, 'w');
    const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], env: env ?? process.env });
    fs.closeSync(fd);
    const pid = child.pid;
    if (pid === undefined) {
      const error = await new Promise((resolve) => child.once('error', resolve));
      throw new Error(`${name} emulator: could not run ${bin}: ${error}`);
    }
    const pidFile = path.join(pidsDir, `${pid}.json`);
    fs.writeFileSync(pidFile, JSON.stringify({ owner: process.pid, pid, marker, name }));
    let exited = null;
    child.once('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
    const stop = async () => {
      await stopProcessGroup(pid);
      fs.rmSync(pidFile, { force: true });
    };
    const deadline = Date.now() + timeoutMs;
    while (!exited && Date.now() < deadline) {
      try {
        const res = await fetch(`http://${host}:${chosen}/`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return { name, host, port: chosen, hostPort: `${host}:${chosen}`, pid, logFile, stop };
      } catch {
        // not listening yet
      }
      await sleep(150);
    }
    await stop();
    const log = tail(logFile);
    if (exited && port === undefined && attempt < 3 && /address already in use|BindException/i.test(log)) continue;
    const why = exited ? `exited (${exited})` : `did not answer on ${host}:${chosen} within ${timeoutMs / 1000} s`;
    throw new Error(`${name} emulator ${why}. Last lines of ${logFile}:\n${log}`);
  }
}

function javaCommand(env = process.env) {
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/**
 * Starts the Firestore emulator on `port` (a free one if omitted); Java runs as the group leader, no shell between.
 * `rules` (default: the repository's firestore.rules) is enforced for clients; the Admin SDK bypasses it as in
 * production.
 * @param {{ host?: string, port?: number, logFile?: string, timeoutMs?: number, emulators?: Emulators,
 *   rules?: string | null }} [options]
 */
export function startFirestoreEmulator(options = {}) {
  const { jar, runnable } = (options.emulators ?? findEmulators()).firestore;
  const entry = runnable ? ['-jar', jar] : ['-cp', jar, FIRESTORE_MAIN_CLASS];
  const rules = options.rules === undefined ? path.join(repoRoot, 'firestore.rules') : options.rules;
  const rulesArgs = rules && isFile(rules) ? ['--rules', rules] : [];
  return launch(
    'firestore',
    jar,
    (host, port) => [
      javaCommand(),
      '-Duser.language=en',
      ...entry,
      '--host',
      host,
      '--port',
      String(port),
      ...rulesArgs,
    ],
    options,
  );
}

/**
 * Starts the Pub/Sub emulator on `port` (a free one if omitted). Its launcher script execs Java.
 * @param {{ host?: string, port?: number, logFile?: string, timeoutMs?: number, emulators?: Emulators }} [options]
 */
export function startPubSubEmulator(options = {}) {
  const { script } = (options.emulators ?? findEmulators()).pubsub;
  return launch(
    'pubsub',
    'cloud-pubsub-emulator',
    (host, port) => [script, `--host=${host}`, `--port=${port}`],
    options,
  );
}

// --- command line --------------------------------------------------------------------------------------------------

async function main(argv) {
  const emulators = findEmulators();
  if (argv.includes('--env')) {
    for (const [key, value] of Object.entries(firebaseToolsEnv(emulators))) console.log(`export ${key}='${value}'`);
    return;
  }
  if (argv.includes('--serve')) {
    const [firestore, pubsub] = await Promise.all([
      startFirestoreEmulator({ emulators }),
      startPubSubEmulator({ emulators }),
    ]);
    const stopAll = () => Promise.all([firestore.stop(), pubsub.stop()]).then(() => process.exit(0));
    process.once('SIGINT', stopAll);
    process.once('SIGTERM', stopAll);
    console.log(`export FIRESTORE_EMULATOR_HOST=${firestore.hostPort}`);
    console.log(`export PUBSUB_EMULATOR_HOST=${pubsub.hostPort}`);
    console.log('export GCLOUD_PROJECT=demo-runway METADATA_SERVER_DETECTION=none');
    console.log(`# logs: ${firestore.logFile}, ${pubsub.logFile}. Ctrl-C stops both.`);
    return;
  }
  const { java, version } = javaVersion();
  const wrapped = firebaseToolsEnv(emulators);
  console.log(`Firestore emulator: ${emulators.firestore.jar}  (from ${emulators.firestore.origin})`);
  console.log(`Pub/Sub emulator:   ${emulators.pubsub.script}  (from ${emulators.pubsub.origin})`);
  console.log(`Java:               ${java}: ${version}`);
  console.log(`firebase-tools:     FIRESTORE_EMULATOR_BINARY_PATH=${wrapped.FIRESTORE_EMULATOR_BINARY_PATH}`);
  console.log(`                    PUBSUB_EMULATOR_BINARY_PATH=${wrapped.PUBSUB_EMULATOR_BINARY_PATH}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`emulators: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
