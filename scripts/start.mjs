#!/usr/bin/env node
// `npm start`: the local stack. Builds the functions and the dashboard, starts the sandbox (the Cloud Run Admin API and
// Cloud Monitoring stand-ins, with the demo service `hello` serving its first revision under steady traffic), points
// firebase-tools at the installed Java emulators and runs the Firebase emulator suite (functions, Firestore, Pub/Sub,
// Cloud Tasks, Auth, hosting) with Runway's functions wired to the sandbox, creates the dashboard's test users in the
// Auth emulator (hosting/test-users.json), then says what runs where. Ctrl-C stops everything; a second Ctrl-C, or
// a child that does not stop, is killed by PID.
//
//   npm start                        ports from firebase.json; the sandbox's APIs on 8090 (Cloud Run) and 8091 (Monitoring)
//   npm start -- --port-base 8180    twelve consecutive ports from 8180 instead (also RUNWAY_PORT_BASE)
//
// Runway runs with sandbox/runway.yaml (the demo's target hello.local) unless RUNWAY_CONFIG_FILE names another file.
//
// RUNWAY_STACK_DIR moves what a run writes (stack.json, logs/, the config copy in stack/) out of .runway, so that a
// second stack — the end-to-end test's, on other ports — leaves a developer's running `npm start` alone.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findEmulators, firebaseToolsEnv, javaVersion, repoRoot, runwayDir } from './emulators.mjs';
import { portTaken, ProcessTree, signalAll, sleep } from './lib/processes.mjs';

const PROJECT_ID = 'demo-runway';
const ONLY = 'functions,firestore,pubsub,auth,hosting';
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const stateDir = process.env.RUNWAY_STACK_DIR ? path.resolve(process.env.RUNWAY_STACK_DIR) : runwayDir;
// firebase-tools finds the functions' SDK by resolving firebase-functions from the functions directory it is given (the
// config copy's link): outside the repository, the hoisted node_modules are out of reach and the functions emulator falls
// back to a legacy parser that silently drops Firestore and scheduled functions.
if (path.relative(repoRoot, stateDir).startsWith('..')) {
  console.error(`RUNWAY_STACK_DIR must be inside the repository (${repoRoot}), not ${stateDir}`);
  process.exit(2);
}
const logsDir = path.join(stateDir, 'logs');
const stackFile = path.join(stateDir, 'stack.json');
const logFile = path.join(logsDir, 'emulators.log');
const rel = (p) => path.relative(process.cwd(), p) || '.';
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// --- ports ---------------------------------------------------------------------------------------------------------

/** The ports the suite listens on, in the order --port-base assigns them. `key` is the path in firebase.json. */
const PORTS = [
  ['firestore', 'port', 'Firestore'],
  ['pubsub', 'port', 'Pub/Sub'],
  ['functions', 'port', 'Functions'],
  ['hosting', 'port', 'Hosting'],
  ['hub', 'port', 'Emulator hub'],
  ['firestore', 'websocketPort', 'Firestore websocket'],
  ['eventarc', 'port', 'Eventarc'],
  ['tasks', 'port', 'Cloud Tasks'],
  ['logging', 'port', 'Logging'],
  ['auth', 'port', 'Auth'],
];
/** The sandbox's API ports: after the suite's ten with --port-base, else these. */
const SANDBOX_PORTS = { cloudRun: 8090, monitoring: 8091 };
const DEMO_CONFIG = path.join(repoRoot, 'sandbox', 'runway.yaml');
/** The topic every transition is published on, and the pull subscription `npm start` creates on it for people to read. */
const EVENTS_TOPIC = 'runway-events';
const EVENTS_SUBSCRIPTION = 'runway-events-local';
const ALERTS_TOPIC = 'runway-alerts';
const SANDBOX_READY_TIMEOUT_MS = 60_000;
const SECRET_FILE = path.join(repoRoot, 'functions', '.secret.local');
/** Local, non-secret values for the secrets Runway's functions read (`defineSecret`); the emulator reads the file. */
const LOCAL_SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-local-sandbox-not-a-secret',
  SLACK_SIGNING_SECRET: 'local-sandbox-signing-secret-not-a-secret',
  // The sandbox's SMTP sink; RUNWAY_SMTP_URL (set below) points the functions at its actual port.
  SMTP_CONNECTION: 'smtp://runway@127.0.0.1:2525',
  SMTP_PASSWORD: 'local-sandbox-password-not-a-secret',
  // The alerts webhook's token: it goes in the URL the banner prints.
  RUNWAY_ALERT_TOKEN: 'local-alert-token',
};
// Started by `--only functions,firestore,pubsub,auth,hosting` (logging is not).
const USED = new Set([
  'Auth',
  'Firestore',
  'Pub/Sub',
  'Functions',
  'Hosting',
  'Emulator hub',
  'Firestore websocket',
  'Eventarc',
  'Cloud Tasks',
]);

function portBase(argv) {
  const i = argv.indexOf('--port-base');
  const value = i >= 0 ? argv[i + 1] : process.env.RUNWAY_PORT_BASE;
  if (value === undefined || value === '') return null;
  const base = Number(value);
  const span = PORTS.length + 2;
  if (!Number.isInteger(base) || base < 1024 || base > 65535 - span) {
    throw new Error(`--port-base must be a port number between 1024 and ${65535 - span}, not ${value}`);
  }
  return base;
}

/** The sandbox's API ports for a port base (or the defaults). */
function sandboxPorts(base) {
  return base === null ? SANDBOX_PORTS : { cloudRun: base + PORTS.length, monitoring: base + PORTS.length + 1 };
}

/**
 * The firebase.json to run with. With a port base, a copy with other ports goes to .runway/stack/, beside links to
 * the files it names (firebase-tools resolves them relative to the config and refuses paths outside its directory).
 */
function prepareConfig(base) {
  const original = JSON.parse(fs.readFileSync(path.join(repoRoot, 'firebase.json'), 'utf8'));
  if (base === null) return { config: original, configPath: null };
  const config = structuredClone(original);
  PORTS.forEach(([emulator, key], i) => {
    config.emulators[emulator] = { host: '127.0.0.1', ...config.emulators[emulator], [key]: base + i };
  });
  const dir = path.join(stateDir, 'stack');
  fs.mkdirSync(dir, { recursive: true });
  // This stack's own build of the dashboard (dashboardOutDir), so that two stacks never build into one directory.
  config.hosting = { ...config.hosting, public: 'public' };
  for (const name of ['functions', 'hosting', 'firestore.rules', 'firestore.indexes.json', '.firebaserc']) {
    const link = path.join(dir, name);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.relative(dir, path.join(repoRoot, name)), link);
  }
  const configPath = path.join(dir, 'firebase.json');
  fs.writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return { config, configPath };
}

async function checkPorts(config, sandbox) {
  const taken = [];
  for (const [label, port] of [
    ['Cloud Run API (sandbox)', sandbox.cloudRun],
    ['Monitoring API (sandbox)', sandbox.monitoring],
  ]) {
    if (await portTaken('127.0.0.1', port)) taken.push(`${label} ${port}`);
  }
  for (const [emulator, key, label] of PORTS) {
    const settings = config.emulators?.[emulator];
    if (!USED.has(label) || !settings?.[key]) continue;
    if (await portTaken(settings.host ?? '127.0.0.1', settings[key])) taken.push(`${label} ${settings[key]}`);
  }
  if (taken.length > 0) {
    throw new Error(
      `port(s) in use: ${taken.join(', ')}. Is another \`npm start\` running? Stop it, or use twelve other ` +
        'consecutive ports: `npm start -- --port-base N` (N … N+11: Firestore, Pub/Sub, functions, hosting, …, the ' +
        "sandbox's Cloud Run and Monitoring APIs).",
    );
  }
}

// --- secrets -------------------------------------------------------------------------------------------------------

/**
 * Adds a `NAME=value` line to functions/.secret.local (git-ignored) for each secret it lacks, and returns every value
 * the file holds. Lines already there are kept as they are.
 */
function ensureSecretLines(file, defaults) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const values = Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
  const missing = Object.entries(defaults).filter(([name]) => !(name in values));
  if (missing.length > 0) {
    const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
    fs.writeFileSync(file, `${prefix}${missing.map(([name, value]) => `${name}=${value}`).join('\n')}\n`);
    for (const [name, value] of missing) values[name] = value;
  }
  return values;
}

// --- the sandbox ---------------------------------------------------------------------------------------------------

/**
 * Starts sandbox/main.ts in its own process group and resolves with what it wrote to its state file once it is ready:
 * `{ pid, cloudRun, monitoring, services: { hello: url } }`.
 */
async function startSandboxProcess(ports, logStream, slack) {
  const stateFile = path.join(stateDir, 'sandbox.json');
  fs.rmSync(stateFile, { force: true });
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(repoRoot, 'sandbox', 'main.ts'),
      '--cloud-run-port',
      String(ports.cloudRun),
      '--monitoring-port',
      String(ports.monitoring),
      '--state-file',
      stateFile,
      '--project',
      PROJECT_ID,
      '--slack-app-url',
      slack.appUrl,
    ],
    {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The stand-in plays Slack: it signs the commands and clicks it sends Runway with the app's signing secret.
      env: { ...process.env, SLACK_SIGNING_SECRET: slack.signingSecret },
    },
  );
  child.stdout.on('data', (chunk) => logStream.write(chunk));
  child.stderr.on('data', (chunk) => logStream.write(chunk));
  let exited = null;
  child.once('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
  const deadline = Date.now() + SANDBOX_READY_TIMEOUT_MS;
  while (!exited && Date.now() < deadline && !fs.existsSync(stateFile)) await sleep(100);
  if (!fs.existsSync(stateFile)) {
    if (!exited) signalAll([-child.pid], 'SIGKILL');
    throw new Error(
      `the sandbox ${exited ? `exited (${exited})` : 'did not become ready'}: see ${rel(logStream.path)}`,
    );
  }
  return { child, state: JSON.parse(fs.readFileSync(stateFile, 'utf8')) };
}

/** Stops the sandbox's process group (it and its revision processes): SIGTERM, then SIGKILL. */
async function stopSandboxProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  signalAll([-child.pid], 'SIGTERM');
  await Promise.race([gone, sleep(5000)]);
  signalAll([-child.pid], 'SIGKILL');
}

// --- the suite -----------------------------------------------------------------------------------------------------

/**
 * Creates the `runway-events` topic on the Pub/Sub emulator, and a pull subscription with message ordering on it, as a
 * deployment creates the topic (the functions emulator creates only the topics its triggers listen on).
 */
async function createEventsTopic(pubsub) {
  const api = `http://${pubsub}/v1/projects/${PROJECT_ID}`;
  const put = (url, body) =>
    fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  const topic = await put(`${api}/topics/${EVENTS_TOPIC}`);
  if (!topic.ok && topic.status !== 409) throw new Error(`creating topic ${EVENTS_TOPIC}: HTTP ${topic.status}`);
  const subscription = await put(`${api}/subscriptions/${EVENTS_SUBSCRIPTION}`, {
    topic: `projects/${PROJECT_ID}/topics/${EVENTS_TOPIC}`,
    enableMessageOrdering: true,
  });
  if (!subscription.ok && subscription.status !== 409) {
    throw new Error(`creating subscription ${EVENTS_SUBSCRIPTION}: HTTP ${subscription.status}`);
  }
}

/** Where the dashboard is built: hosting/dist (what firebase.json serves), or the port-base copy's own directory. */
function dashboardOutDir(base) {
  return base === null ? path.join(repoRoot, 'hosting', 'dist') : path.join(stateDir, 'stack', 'public');
}

/** `npm run build --workspace W [-- ARGS]`, with the npm that runs this script. */
function runBuild(workspace = 'functions', extra = []) {
  const npm = process.env.npm_execpath;
  const npmArgs = ['run', 'build', '--workspace', workspace, ...(extra.length > 0 ? ['--', ...extra] : [])];
  const [command, args] = npm ? [process.execPath, [npm, ...npmArgs]] : ['npm', npmArgs];
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

async function getJson(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

function describeTrigger(trigger) {
  // Before httpsTrigger: the emulator gives a task queue function an httpsTrigger too.
  if (trigger.taskQueueTrigger)
    return `Cloud Tasks queue ${trigger.entryPoint ?? trigger.name} (bake and approval timers)`;
  // Before httpsTrigger too: the emulator gives a callable function an httpsTrigger as well.
  if (trigger.callableTrigger || trigger.labels?.['deployment-callable'] === 'true') return 'callable (the dashboard)';
  if (trigger.httpsTrigger) return 'HTTPS';
  const schedule = trigger.schedule ?? trigger.scheduleTrigger;
  if (schedule) return `schedule "${schedule.schedule ?? '?'}" (the emulator does not run schedules)`;
  const event = trigger.eventTrigger;
  if (!event) return 'unknown trigger';
  if (event.eventType?.includes('pubsub')) return `Pub/Sub topic ${event.eventFilters?.topic ?? event.resource ?? ''}`;
  if (event.eventType?.includes('firestore')) {
    const pattern = event.eventFilterPathPatterns?.document ?? event.eventFilters?.document ?? '';
    return `Firestore ${event.eventType.split('.').pop()} ${pattern}`.trim();
  }
  return event.eventType ?? 'event';
}

/**
 * Creates the dashboard's test users (hosting/test-users.json) in the Auth emulator: Google accounts with their roles as
 * the custom claim `runway` (functions/src/domain/claims.ts), so the sign-in page's one-click sign-in finds them.
 */
async function createTestUsers(auth) {
  const users = JSON.parse(fs.readFileSync(path.join(repoRoot, 'hosting', 'test-users.json'), 'utf8'));
  const url = `http://${auth}/identitytoolkit.googleapis.com/v1/projects/${PROJECT_ID}/accounts:batchCreate`;
  const response = await fetch(url, {
    method: 'POST',
    // The Auth emulator's administrator token.
    headers: { 'content-type': 'application/json', authorization: 'Bearer owner' },
    body: JSON.stringify({
      users: users.map((u) => ({
        localId: u.uid,
        email: u.email,
        displayName: u.name,
        emailVerified: true,
        customAttributes: JSON.stringify({ runway: u.roles }),
        providerUserInfo: [{ providerId: 'google.com', rawId: u.googleId, email: u.email, displayName: u.name }],
      })),
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || (body.error ?? []).length > 0) {
    throw new Error(`creating the test users in the Auth emulator: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return users;
}

function firstExisting(candidates) {
  return candidates.find((candidate) => fs.existsSync(path.join(repoRoot, candidate)));
}

async function printReady(config, startedAt, sandbox, configFile, alertToken, testUsers) {
  const e = config.emulators;
  const at = (name, key = 'port') => `${e[name]?.host ?? '127.0.0.1'}:${e[name]?.[key]}`;
  const hub = (await getJson(`http://${at('hub')}/emulators`)) ?? {};
  const addr = (name, key) => (hub[name] ? `${hub[name].host}:${hub[name].port}` : at(name, key));
  const backends = (await getJson(`http://${addr('functions')}/backends`))?.backends ?? [];
  const triggers = backends.flatMap((backend) => backend.functionTriggers ?? []);
  const fixture = firstExisting([
    'test/fixtures/cloudbuild/success.json',
    'test/fixtures/cloudbuild/push-success.json',
  ]);
  // A Pub/Sub push envelope holds the message exactly as the emulator's publish call takes it.
  const envelope = firstExisting(['test/fixtures/cloudbuild/push-success.json']);
  const topic =
    triggers.find((t) => t.entryPoint === 'cloudBuilds')?.eventTrigger?.eventFilters?.topic ??
    `projects/${PROJECT_ID}/topics/cloud-builds`;
  const publishUrl = `http://${addr('pubsub')}/v1/${topic}:publish`;
  const width = Math.max(0, ...triggers.map((t) => (t.entryPoint ?? t.name ?? '').length));
  const lines = [
    '',
    `Runway's local stack is up (project ${PROJECT_ID}), ready in ${seconds(Date.now() - startedAt)}.`,
    '',
    `  Firestore   ${addr('firestore').padEnd(22)} export FIRESTORE_EMULATOR_HOST=${addr('firestore')}`,
    `  Pub/Sub     ${addr('pubsub').padEnd(22)} export PUBSUB_EMULATOR_HOST=${addr('pubsub')}`,
    `  Functions   http://${addr('functions')}`,
    `  Dashboard   http://${addr('hosting')}  (sign in as a test user: ${testUsers.map((u) => u.email).join(', ')})`,
    `  Auth        ${addr('auth').padEnd(22)} export FIREBASE_AUTH_EMULATOR_HOST=${addr('auth')}`,
    `  Hub         http://${addr('hub')}/emulators`,
    '',
    '  Sandbox',
    `    Cloud Run Admin API   ${sandbox.cloudRun}`,
    `    Cloud Monitoring API  ${sandbox.monitoring}`,
    ...Object.entries(sandbox.services).map(
      ([name, url]) =>
        `    service ${name.padEnd(13)} ${url}  (revision processes behind the weighted router, 20 requests/s)`,
    ),
    `    Slack Web API         ${sandbox.slack}/api/  (its inbox page: ${sandbox.slack}/)`,
    `    SMTP sink             ${sandbox.smtp}  (emails show on the inbox page)`,
    `    Runway's config       ${rel(configFile)}`,
    '',
    '  Alerts and events',
    `    webhook               http://${addr('functions')}/${PROJECT_ID}/us-central1/alerts?token=${alertToken}`,
    `    Pub/Sub               topic ${ALERTS_TOPIC} in, topic ${EVENTS_TOPIC} out (pull: subscription ${EVENTS_SUBSCRIPTION})`,
    '',
    triggers.length > 0 ? `  Functions loaded (${triggers.length}):` : `  No functions loaded: see ${rel(logFile)}.`,
    ...triggers.map((t) => `    ${(t.entryPoint ?? t.name ?? '?').padEnd(width)}  ${describeTrigger(t)}`),
    '',
    `  Logs        ${rel(logsDir)}/: emulators.log (all of the suite's output), sandbox.log, firestore-debug.log,`,
    '              pubsub-debug.log (and firebase-debug.log after an error)',
    '',
    '  Next',
    '    npx runway demo good --wait         a healthy image of hello: smoke checks, 20% → 50% → 100%, promoted',
    '    npx runway demo bad --wait          8% errors: rolled back to the stable revision by the analysis',
    '    npx runway demo approval --wait     waits for approval in Slack; a signed button click lets it proceed',
    '    npx runway inbox                    the Slack thread and the emails Runway sent',
    '    npx runway status                   rollouts with phase, step, traffic and the latest verdict',
    '    npx runway incident open            a Cloud Monitoring incident for hello: rolls back whatever is in flight',
    '    npx runway rollback hello.local --reason "…" --wait',
    '                                        roll hello back now: its rollout, or its last release',
    '    npx runway demo --help              the other scenarios (slow, crash, unhealthy)',
    '    npx runway users grant EMAIL ROLE [ENV]',
    '                                        give someone a dashboard role (viewer, deployer, approver, admin)',
    '    npx runway config validate          is runway.yaml valid?',
    `    npx runway events parse --source cloud-build ${fixture ?? 'FILE'}`,
    '                                        what a Cloud Build message becomes, or why it is ignored',
    '    publish a Cloud Build message to the emulator (the cloudBuilds function picks it up):',
    envelope
      ? `      node -e "const {data, attributes} = JSON.parse(require('fs').readFileSync('${envelope}', 'utf8')).message; ` +
        `fetch('${publishUrl}', {method: 'POST', headers: {'content-type': 'application/json'}, ` +
        `body: JSON.stringify({messages: [{data, attributes}]})}).then((r) => r.text()).then(console.log)"`
      : `      POST ${publishUrl}  {"messages":[{"data":"<base64 Build JSON>","attributes":{"buildId":"…","status":"SUCCESS"}}]}`,
    '',
    '  Ctrl-C stops everything. Function logs follow.',
    '',
  ];
  // stack.json first, then the ready line: whoever waits for the line (the tests, scripts) reads the file at once.
  fs.writeFileSync(
    stackFile,
    `${JSON.stringify(
      {
        projectId: PROJECT_ID,
        pid: process.pid,
        firestore: addr('firestore'),
        pubsub: addr('pubsub'),
        functions: addr('functions'),
        hosting: addr('hosting'),
        auth: addr('auth'),
        hub: addr('hub'),
        functionsLoaded: triggers.map((t) => t.entryPoint ?? t.name),
        sandbox: {
          cloudRun: sandbox.cloudRun,
          monitoring: sandbox.monitoring,
          services: sandbox.services,
          slack: sandbox.slack,
          smtp: sandbox.smtp,
        },
        configFile,
        alerts: {
          webhook: `http://${addr('functions')}/${PROJECT_ID}/us-central1/alerts`,
          token: alertToken,
          topic: ALERTS_TOPIC,
        },
        events: { topic: EVENTS_TOPIC, subscription: EVENTS_SUBSCRIPTION },
      },
      null,
      2,
    )}\n`,
  );
  console.log(lines.join('\n'));
}

async function main() {
  const argv = process.argv.slice(2);
  const startedAt = Date.now();
  const base = portBase(argv);
  const { config, configPath } = prepareConfig(base);
  const ports = sandboxPorts(base);
  await checkPorts(config, ports);

  console.log('▸ building the functions (npm run build --workspace functions)');
  const buildStarted = Date.now();
  if (!(await runBuild())) throw new Error('the functions build failed (see above); nothing was started');
  console.log(`✔ built in ${seconds(Date.now() - buildStarted)}`);
  const outDir = dashboardOutDir(base);
  console.log(`▸ building the dashboard (npm run build --workspace hosting) into ${rel(outDir)}`);
  const dashboardStarted = Date.now();
  if (!(await runBuild('hosting', ['--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn']))) {
    throw new Error('the dashboard build failed (see above); nothing was started');
  }
  console.log(`✔ built in ${seconds(Date.now() - dashboardStarted)}`);

  const emulators = findEmulators();
  const { version } = javaVersion();
  const binaries = firebaseToolsEnv(emulators);
  console.log(`▸ emulators: Firestore ${emulators.firestore.jar}, Pub/Sub ${emulators.pubsub.script}; ${version}`);

  fs.mkdirSync(logsDir, { recursive: true });
  const sandboxLog = fs.createWriteStream(path.join(logsDir, 'sandbox.log'), { flags: 'w' });
  console.log('▸ starting the sandbox (Cloud Run and Monitoring stand-ins, service hello on hello:v1)');
  const secrets = ensureSecretLines(SECRET_FILE, LOCAL_SECRETS);
  const functionsAt = `${config.emulators.functions?.host ?? '127.0.0.1'}:${config.emulators.functions?.port ?? 5001}`;
  const sandbox = await startSandboxProcess(ports, sandboxLog, {
    appUrl: `http://${functionsAt}/${PROJECT_ID}/us-central1/slack`,
    signingSecret: secrets.SLACK_SIGNING_SECRET ?? '',
  });
  console.log(`✔ sandbox ready: Cloud Run API ${sandbox.state.cloudRun}, Monitoring API ${sandbox.state.monitoring}`);
  const configFile = process.env.RUNWAY_CONFIG_FILE ? path.resolve(process.env.RUNWAY_CONFIG_FILE) : DEMO_CONFIG;

  const log = fs.createWriteStream(logFile, { flags: 'w' });
  const firebaseBin = path.join(repoRoot, 'node_modules', 'firebase-tools', 'lib', 'bin', 'firebase.js');
  const args = ['emulators:start', '--project', PROJECT_ID, '--only', ONLY];
  if (configPath) args.push('--config', configPath);
  const env = {
    ...process.env,
    ...binaries,
    METADATA_SERVER_DETECTION: 'none',
    NO_UPDATE_NOTIFIER: '1',
    // The functions run in functions/: a relative config path would point elsewhere there.
    RUNWAY_CONFIG_FILE: configFile,
    // Runway's production adapters, pointed at the sandbox.
    RUNWAY_CLOUD_RUN_ENDPOINT: sandbox.state.cloudRun,
    RUNWAY_MONITORING_ENDPOINT: sandbox.state.monitoring,
    RUNWAY_SLACK_API_URL: `${sandbox.state.slack}/api/`,
    RUNWAY_SMTP_URL: `smtp://${sandbox.state.smtp}`,
  };
  console.log(`▸ starting the emulator suite: firebase ${args.join(' ')}  (log: ${rel(logFile)})`);
  // Its own process group: Ctrl-C reaches only this script, which then stops the suite once, cleanly.
  // cwd: firebase-tools writes its *-debug.log files to the current directory; it finds firebase.json upwards.
  const suite = spawn(process.execPath, [firebaseBin, ...args], {
    cwd: logsDir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let ready = false;
  let passThrough = false;
  let exited = null;
  const exitedPromise = new Promise((resolve) =>
    suite.once('exit', (code, sig) => {
      exited = sig ?? `exit code ${code}`;
      resolve();
    }),
  );
  let recent = ''; // the end of the output so far, so that a message split across chunks is still seen
  const onOutput = (chunk) => {
    log.write(chunk);
    if (passThrough) process.stdout.write(chunk);
    recent = (recent + chunk.toString()).slice(-4096);
    if (!ready && recent.includes('All emulators ready')) ready = true;
  };
  suite.stdout.on('data', onOutput);
  suite.stderr.on('data', onOutput);
  const tree = new ProcessTree(suite.pid);
  const watcher = setInterval(() => tree.remember(), 2000);

  let stopping = 0;
  const stop = async (reason, code) => {
    // One Ctrl-C can arrive several times (from the terminal, and forwarded by npm and sh): within half a second it
    // is the same one, as firebase-tools itself treats it.
    if (stopping && Date.now() - stopping < 500) return;
    if (stopping) {
      // Second Ctrl-C: no more waiting.
      tree.remember(true);
      signalAll([...tree.survivors(), -sandbox.child.pid], 'SIGKILL');
      console.log('killed the emulator suite, the sandbox and their processes');
      fs.rmSync(stackFile, { force: true });
      process.exit(code);
    }
    stopping = Date.now();
    passThrough = false;
    clearInterval(watcher);
    tree.remember();
    console.log(`\n${reason}: stopping the emulators (Ctrl-C again to kill them now)…`);
    const stopStarted = Date.now();
    if (!exited) signalAll([suite.pid], 'SIGINT');
    await Promise.race([exitedPromise, sleep(STOP_TIMEOUT_MS)]);
    if (!exited) tree.remember(true); // it did not stop in time: it is a survivor too
    let left = tree.survivors();
    if (left.length > 0) {
      console.log(`  ${left.length} process(es) did not stop (pids ${left.join(', ')}): terminating them`);
      signalAll(left, 'SIGTERM');
      for (let i = 0; i < 30 && (left = tree.survivors()).length > 0; i++) await sleep(100);
      signalAll(left, 'SIGKILL');
    }
    await stopSandboxProcess(sandbox.child);
    fs.rmSync(stackFile, { force: true });
    log.end();
    console.log(`✔ stopped in ${seconds(Date.now() - stopStarted)}; nothing left running`);
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void stop(sig, 0));
  // A closed terminal (SIGHUP) must not crash the clean-up with a write error.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!ready && !exited && Date.now() < deadline) await sleep(100);
  if (!ready) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    console.error(
      `\n✖ the emulator suite ${exited ? `exited (${exited})` : 'did not become ready'}. End of ${rel(logFile)}:`,
    );
    console.error(tail);
    await stop('start-up failed', 1);
    return;
  }
  tree.remember();
  await createEventsTopic(`${config.emulators.pubsub.host}:${config.emulators.pubsub.port}`);
  const testUsers = await createTestUsers(`${config.emulators.auth.host}:${config.emulators.auth.port}`);
  await printReady(config, startedAt, sandbox.state, configFile, secrets.RUNWAY_ALERT_TOKEN ?? '', testUsers);
  passThrough = true;
  await exitedPromise;
  if (!stopping) await stop(`the emulator suite exited unexpectedly (${exited}; see ${rel(logFile)})`, 1);
}

main().catch((error) => {
  console.error(`✖ npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
