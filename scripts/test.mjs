#!/usr/bin/env node
// `npm test`: type-check, lint, then every vitest project against the official Firestore and Pub/Sub emulators,
// which it starts on free ports and always stops. Ends with `tests: N passed, N failed` (CI tools read that line).
//
//   npm test                               everything (what CI runs)
//   npm test -- test/unit/config           extra arguments go to vitest (file filters, -t NAME, --project unit, ...)
//   npm test -- --no-typecheck --no-lint   quick local loop

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findEmulators, repoRoot, runwayDir, startFirestoreEmulator, startPubSubEmulator } from './emulators.mjs';
import { signalGroup } from './lib/processes.mjs';

const PROJECT_ID = 'demo-runway';
const ownFlags = new Set(['--no-lint', '--no-typecheck']);
const argv = process.argv.slice(2);
const skipLint = argv.includes('--no-lint');
const skipTypecheck = argv.includes('--no-typecheck');
const vitestArgs = argv.filter((arg) => !ownFlags.has(arg));

/** @type {{ name: string, ok: boolean | null, ms: number, note?: string, detail?: string }[]} */
const stages = [];
/** @type {import('node:child_process').ChildProcess | null} */
let running = null;
/** @type {import('./emulators.mjs').RunningEmulator[]} */
const emulators = [];
let interrupted = false;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const bin = (name) => path.join(repoRoot, 'node_modules', '.bin', name);

/** Runs a command with inherited output; resolves with its exit code (signals count as failure). */
function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', env });
    running = child;
    child.once('error', (error) => {
      console.error(`could not run ${command}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => {
      running = null;
      resolve(signal ? 128 : (code ?? 1));
    });
  });
}

/** Runs one stage, prints its timing and records it for the summary. `body` resolves to ok / not ok. */
async function stage(name, description, body) {
  if (interrupted) return false;
  console.log(`\n▸ ${name}: ${description}`);
  const started = Date.now();
  let ok = false;
  try {
    ok = await body();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
  }
  const ms = Date.now() - started;
  stages.push({ name, ok, ms });
  console.log(`${ok ? '✔' : '✖'} ${name} ${ok ? 'passed' : 'FAILED'} (${seconds(ms)})`);
  return ok;
}

function skipped(name, flag) {
  stages.push({ name, ok: null, ms: 0, note: `skipped (${flag})` });
}

async function startEmulators() {
  const found = findEmulators();
  const started = await Promise.allSettled([
    startFirestoreEmulator({ emulators: found, logFile: path.join(runwayDir, 'logs', 'test-firestore.log') }),
    startPubSubEmulator({ emulators: found, logFile: path.join(runwayDir, 'logs', 'test-pubsub.log') }),
  ]);
  for (const result of started) if (result.status === 'fulfilled') emulators.push(result.value);
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return emulators;
}

async function stopEmulators() {
  const all = emulators.splice(0);
  await Promise.all(all.map((emulator) => emulator.stop()));
}

/** Counts from vitest's JSON report. A test file that failed to load counts as one failed test. */
function readResults(file) {
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    const brokenFiles = report.testResults.filter(
      (result) => result.status === 'failed' && !result.assertionResults.some((test) => test.status === 'failed'),
    );
    for (const broken of brokenFiles) {
      console.error(`✖ ${path.relative(repoRoot, broken.name)} failed outside any test: ${broken.message}`);
    }
    const notRun = report.numPendingTests + report.numTodoTests;
    if (notRun > 0) console.warn(`! ${notRun} test(s) skipped or todo: a skipped test is a defect`);
    return { passed: report.numPassedTests, failed: report.numFailedTests + brokenFiles.length };
  } catch (error) {
    if (interrupted) return null;
    console.error(`vitest wrote no readable report (${file}): ${error instanceof Error ? error.message : error}`);
    return null;
  }
}

async function main() {
  const total = Date.now();
  // The emulators boot (JVM start-up, ~3 s) while the type checker and the linters run.
  const emulatorsStarted = Date.now();
  const emulatorsReady = startEmulators().then(
    () => ({ ok: true, ms: Date.now() - emulatorsStarted }),
    (error) => ({ ok: false, ms: Date.now() - emulatorsStarted, error }),
  );

  if (skipTypecheck) skipped('typecheck', '--no-typecheck');
  else
    await stage('typecheck', 'tsc --noEmit (functions/src, cli, test; hosting)', async () => {
      const buildInfo = path.join(runwayDir, 'tsc.tsbuildinfo');
      const args = ['-p', 'tsconfig.json', '--noEmit', '--incremental', '--tsBuildInfoFile', buildInfo];
      if ((await run(bin('tsc'), args)) !== 0) return false;
      // The dashboard is browser code with its own compiler options (DOM, Preact's JSX).
      const hostingInfo = path.join(runwayDir, 'tsc-hosting.tsbuildinfo');
      const hosting = ['-p', 'hosting/tsconfig.json', '--noEmit', '--incremental', '--tsBuildInfoFile', hostingInfo];
      return (await run(bin('tsc'), hosting)) === 0;
    });
  if (skipLint) {
    skipped('eslint', '--no-lint');
    skipped('prettier', '--no-lint');
  } else {
    await stage(
      'eslint',
      'eslint . --max-warnings 0',
      async () => (await run(bin('eslint'), ['.', '--max-warnings', '0'])) === 0,
    );
    await stage('prettier', 'prettier --check .', async () => {
      const cache = ['--cache', '--cache-location', path.join(runwayDir, 'prettier-cache')];
      return (await run(bin('prettier'), ['--check', '.', ...cache])) === 0;
    });
  }

  let counts = { passed: 0, failed: 0 };
  let bootMs = null;
  const emulatorsOk = await stage('emulators', 'Firestore + Pub/Sub emulators on free ports', async () => {
    const result = await emulatorsReady;
    if (!result.ok) throw result.error;
    for (const emulator of emulators) {
      console.log(`  ${emulator.name.padEnd(9)} ${emulator.hostPort}  pid ${emulator.pid}  log ${emulator.logFile}`);
    }
    console.log(`  ready ${seconds(result.ms)} after start-up began (in parallel with the stages above)`);
    bootMs = result.ms;
    return true;
  });
  const emulatorStage = stages.at(-1);
  if (emulatorStage && bootMs !== null) emulatorStage.detail = `(booted in ${seconds(bootMs)}, in the background)`;
  if (emulatorsOk) {
    const [firestore, pubsub] = emulators;
    const reportFile = path.join(runwayDir, 'test-results', `vitest-${process.pid}.json`);
    fs.mkdirSync(path.dirname(reportFile), { recursive: true });
    fs.rmSync(reportFile, { force: true });
    await stage('vitest', `vitest run ${vitestArgs.join(' ')}`.trim(), async () => {
      const env = {
        ...process.env,
        FIRESTORE_EMULATOR_HOST: firestore?.hostPort,
        PUBSUB_EMULATOR_HOST: pubsub?.hostPort,
        GCLOUD_PROJECT: PROJECT_ID,
        METADATA_SERVER_DETECTION: 'none',
      };
      const reporters = ['--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`];
      const code = await run(bin('vitest'), ['run', ...reporters, ...vitestArgs], env);
      const results = readResults(reportFile);
      if (results) {
        counts = results;
        fs.renameSync(reportFile, path.join(runwayDir, 'test-results', 'vitest.json'));
      }
      if (results && results.passed + results.failed === 0) console.error('✖ no tests ran');
      return code === 0 && results !== null && results.failed === 0 && results.passed > 0;
    });
  }
  await emulatorsReady; // so that a start-up still in flight is stopped too
  const stopStarted = Date.now();
  await stopEmulators();
  stages.push({ name: 'stop emulators', ok: true, ms: Date.now() - stopStarted });

  console.log('\nSummary');
  for (const { name, ok, ms, note, detail } of stages) {
    const status = note ?? (ok ? 'ok' : 'FAILED');
    console.log(`  ${name.padEnd(15)} ${status.padEnd(28)} ${note ? '' : seconds(ms)} ${detail ?? ''}`.trimEnd());
  }
  console.log(`  ${'total'.padEnd(15)} ${''.padEnd(28)} ${seconds(Date.now() - total)}`);
  if (interrupted) console.log('  interrupted');
  console.log(`tests: ${counts.passed} passed, ${counts.failed} failed`);
  const allOk = !interrupted && stages.every((s) => s.ok !== false) && stages.some((s) => s.name === 'vitest');
  return interrupted ? 130 : allOk ? 0 : 1;
}

// Ctrl-C: the children in our process group get it from the terminal too; stop them, then the emulators, then
// report. A second Ctrl-C kills whatever is left right away.
let firstSignalAt = 0;
function onSignal(signal) {
  // One Ctrl-C can arrive several times (from the terminal, and forwarded by npm and sh): within half a second it
  // is the same one.
  if (interrupted && Date.now() - firstSignalAt < 500) return;
  if (interrupted) {
    running?.kill('SIGKILL');
    for (const emulator of emulators) signalGroup(emulator.pid, 'SIGKILL');
    process.exit(130);
  }
  interrupted = true;
  firstSignalAt = Date.now();
  console.error(`\n${signal}: stopping (again to kill everything now)`);
  running?.kill('SIGTERM');
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);
// Last resort (an unexpected exception): never leave a Java emulator behind.
process.on('exit', () => emulators.forEach((emulator) => signalGroup(emulator.pid, 'SIGKILL')));

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    console.log('tests: 0 passed, 0 failed');
    process.exit(1);
  },
);
