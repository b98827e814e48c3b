/**
 * `npm run bench:rollout [-- --runs N]`: the main job on the local stack, measured. Starts the `npm start` stack on ports
 * of its own, then releases the sandbox's faulty image (hello:v3-errors, 8% 5xx) N times (default 5) and a healthy one
 * (hello:v2) once, each through a real Cloud Build message on the emulated `cloud-builds` topic, and reports:
 *
 * - for each faulty release, the time from the first user request the faulty revision served (the weighted router's
 *   request log, service URL only: smoke checks through the tag URL are not users) to the last one, i.e. until the
 *   router was back on the stable revision; split into the first bake (sandbox/runway.yaml: 6 s) and the rest (the
 *   judge rolls back on strong evidence only: extensions and checks every 2 s until it has it; the decision; the
 *   rollback's traffic change);
 * - Cloud Run Admin API calls per rollout (the stand-in's own count) and Firestore writes per rollout (see
 *   {@link firestoreWrites} for what is counted).
 *
 * Writes the table to bench/reports/rollout.md and prints it. Wall-clock numbers from a 2-core machine: they move with
 * load, so compare runs made on the same machine.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import type { EffectDoc, LogEntryDoc } from '../functions/src/adapters/firestore/documents.js';
import { isTerminal, type Phase } from '../functions/src/domain/phase.js';
import type { Rollout } from '../functions/src/domain/rollout.js';
import type { RequestSummary } from '../sandbox/src/monitoring/api.js';
import { startLocalStack, STACK_PROJECT_ID, type LocalStack } from '../scripts/lib/localStack.js';
import { publishDemoBuild } from '../scripts/lib/demoBuild.js';

const TARGET_ID = 'hello.local';
const BAKE_MS = 6_000; // sandbox/runway.yaml, step 1
const ROLLOUT_LIMIT_MS = 180_000;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error('--runs must be a whole number from 1 to 50');

interface Measured {
  readonly kind: 'faulty' | 'healthy';
  readonly rolloutId: string;
  readonly phase: Phase;
  /** First to last user request served by the candidate, ms. */
  readonly exposureMs: number | null;
  readonly userRequests: number;
  readonly userErrors: number;
  readonly cloudRunCalls: number;
  readonly firestoreWrites: number;
}

async function main(): Promise<void> {
  console.log('starting the local stack (npm start on ports of its own)…');
  const stack = await startLocalStack({ purpose: 'bench' });
  process.env.FIRESTORE_EMULATOR_HOST = stack.firestore;
  const app = initializeApp({ projectId: STACK_PROJECT_ID }, 'bench-rollout');
  const db = getFirestore(app);
  const results: Measured[] = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const m = await release(stack, db, 'v3-errors', 'faulty');
      console.log(`faulty ${i}/${runs}: ${m.phase}, exposed ${fmtMs(m.exposureMs)}, ${m.userRequests} user requests`);
      results.push(m);
    }
    const healthy = await release(stack, db, 'v2', 'healthy');
    console.log(`healthy: ${healthy.phase}`);
    results.push(healthy);
  } finally {
    await deleteApp(app);
    const { leftBehind } = await stack.stop();
    if (leftBehind.length > 0) console.warn(`killed processes left behind: ${leftBehind.join(', ')}`);
    if (results.length === runs + 1) fs.rmSync(stack.dir, { recursive: true, force: true });
  }
  const report = render(results);
  const file = path.join(repoRoot, 'bench', 'reports', 'rollout.md');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, report);
  console.log(`\n${report}\nwritten to ${path.relative(process.cwd(), file)}`);
}

/** Releases demo image `tag`, waits for its rollout to end, and measures it. */
async function release(stack: LocalStack, db: Firestore, tag: string, kind: Measured['kind']): Promise<Measured> {
  await post(`${stack.sandbox.cloudRun}/sandbox/calls/reset`, {});
  const buildId = randomUUID();
  await publishDemoBuild(stack, { buildId, service: 'hello', tag });
  const rolloutId = `${TARGET_ID}@${buildId}`;
  const rollout = await ended(db, rolloutId);
  await settled(db, rolloutId);
  const calls = (await get(`${stack.sandbox.cloudRun}/sandbox/calls`)) as { total: number };
  const revision = rollout.candidate?.revision ?? '';
  const served = (await get(
    `${stack.sandbox.monitoring}/sandbox/requests?service=hello&revision=${encodeURIComponent(revision)}`,
  )) as RequestSummary;
  const { firstAt, lastAt, count, errors } = served.users;
  return {
    kind,
    rolloutId,
    phase: rollout.phase,
    exposureMs: firstAt !== null && lastAt !== null ? lastAt - firstAt : null,
    userRequests: count,
    userErrors: errors,
    cloudRunCalls: calls.total,
    firestoreWrites: await firestoreWrites(db, rolloutId),
  };
}

/**
 * Firestore writes made for one rollout: every document the engine's transactions wrote (each log entry records its
 * count: target, log entry, rollout mirrors, new effects, the closed effect), plus the effect runner's own: one lease per
 * attempt, one release per retry, one close for effects without a result event, and each timer's create and fired mark.
 */
async function firestoreWrites(db: Firestore, rolloutId: string): Promise<number> {
  const log = await db.collection('targets').doc(TARGET_ID).collection('log').where('rolloutId', '==', rolloutId).get();
  const engine = log.docs.reduce((sum, d) => sum + ((d.data() as LogEntryDoc).writes ?? 0), 0);
  const effects = (await db.collection('effects').where('rolloutId', '==', rolloutId).get()).docs.map(
    (d) => d.data() as EffectDoc,
  );
  const runner = effects.reduce(
    (sum, e) => sum + e.attempts + Math.max(0, e.attempts - 1) + (e.resultEventId === null ? 1 : 0),
    0,
  );
  const timers = (await db.collection('timers').where('rolloutId', '==', rolloutId).get()).size;
  return engine + runner + 2 * timers;
}

async function ended(db: Firestore, rolloutId: string): Promise<Rollout> {
  const deadline = Date.now() + ROLLOUT_LIMIT_MS;
  for (;;) {
    const rollout = (await db.collection('rollouts').doc(rolloutId).get()).data() as Rollout | undefined;
    if (rollout && isTerminal(rollout.phase)) return rollout;
    if (Date.now() > deadline) throw new Error(`${rolloutId} did not end within ${ROLLOUT_LIMIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until the rollout's effects (notifications after the end included) are all closed. */
async function settled(db: Firestore, rolloutId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const open = (await db.collection('effects').where('rolloutId', '==', rolloutId).get()).docs.filter((d) =>
      ['pending', 'running'].includes(String(d.get('status'))),
    );
    if (open.length === 0 || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function render(results: readonly Measured[]): string {
  const faulty = results.filter((r) => r.kind === 'faulty');
  const exposures = faulty.map((r) => r.exposureMs).filter((ms): ms is number => ms !== null);
  const median = medianOf(exposures);
  const rows = results.map(
    (r) =>
      `| ${r.kind} | ${r.phase} | ${fmtMs(r.exposureMs)} | ${r.userRequests} (${r.userErrors} 5xx) | ${r.cloudRunCalls} | ${r.firestoreWrites} |`,
  );
  return [
    `# Rollouts on the local stack`,
    '',
    `\`npm run bench:rollout -- --runs ${faulty.length}\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.`,
    '',
    '| release | ended | first → last user request on the candidate | user requests it served | Cloud Run API calls | Firestore writes |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Faulty releases: median exposure **${fmtMs(median)}** over ${exposures.length} runs ` +
      `(min ${fmtMs(Math.min(...exposures))}, max ${fmtMs(Math.max(...exposures))}), of which ${fmtMs(BAKE_MS)} is the ` +
      `first step's bake time set in sandbox/runway.yaml; the rest, median ${fmtMs(median === null ? null : median - BAKE_MS)}, ` +
      'is the judge gathering strong evidence (bake extensions, a check every 2 s), the decision and the rollback ' +
      'traffic change.',
    '',
  ].join('\n');
}

function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function fmtMs(ms: number | null): string {
  return ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

async function get(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

await main();
