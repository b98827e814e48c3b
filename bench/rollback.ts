/**
 * `npm run bench:rollback [-- --alerts N]`: alert-to-rollback latency through the local stack. Starts the `npm start`
 * stack on ports of its own with bench/rollback.runway.yaml, then N times (default 100): releases hello:v2, waits until
 * Cloud Run serves it 20% of the traffic, publishes a Cloud Monitoring incident to `runway-alerts` on the Pub/Sub
 * emulator, and measures until the sandbox's router serves the stable revision alone again.
 *
 * Each alert's time is split by stage, from the functions' own timing log lines (alertTiming, effectTiming) and the
 * sandbox's record of when each split began to be served:
 *
 *   publish ─► alertsTopic starts ─► parsed ─► engine committed ─► runEffect starts ─► leased ─► Cloud Run call ─► served
 *   │ Pub/Sub emulator +     │ parse  │ engine tx   │ Firestore trigger   │ lease + obsolete │ sandbox (PATCH, operation,
 *   │ functions emulator     │ Runway │ Runway      │ (emulator)          │ check: Runway    │ router switch)
 *
 * Writes bench/reports/rollback.md and prints it. Wall-clock numbers from one machine: compare runs made on the same one.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { demoNotification } from '../cli/demo/incident.js';
import type { EffectDoc } from '../functions/src/adapters/firestore/documents.js';
import type { AlertTiming } from '../functions/src/adapters/alerts/intake.js';
import { isTerminal } from '../functions/src/domain/phase.js';
import type { Rollout } from '../functions/src/domain/rollout.js';
import type { EffectTiming } from '../functions/src/engine/types.js';
import { startLocalStack, STACK_PROJECT_ID, type LocalStack } from '../scripts/lib/localStack.js';
import { base64Json, pubsubRest } from '../scripts/lib/pubsubRest.js';
import { publishDemoBuild } from '../scripts/lib/demoBuild.js';

const TARGET_ID = 'hello.local';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LIMIT_MS = 60_000;

const { values } = parseArgs({ options: { alerts: { type: 'string', default: '100' } } });
const alerts = Number(values.alerts);
if (!Number.isInteger(alerts) || alerts < 1 || alerts > 1000) throw new Error('--alerts must be from 1 to 1000');

/** One alert's milestones, ms since the epoch. */
interface Sample {
  readonly incidentId: string;
  readonly rollbackEffectId: string;
  readonly publishedAt: number;
  readonly servedAt: number;
}

/** The stages of one alert, in ms. */
interface Stages {
  readonly total: number;
  readonly delivery: number;
  readonly parse: number;
  readonly engine: number;
  readonly dispatch: number;
  readonly lease: number;
  readonly cloudRun: number;
}

async function main(): Promise<void> {
  console.log('starting the local stack (npm start on ports of its own, bench/rollback.runway.yaml)…');
  const stack = await startLocalStack({
    purpose: 'bench',
    configFile: path.join(repoRoot, 'bench', 'rollback.runway.yaml'),
  });
  process.env.FIRESTORE_EMULATOR_HOST = stack.firestore;
  const app = initializeApp({ projectId: STACK_PROJECT_ID }, 'bench-rollback');
  const db = getFirestore(app);
  const samples: Sample[] = [];
  const started = Date.now();
  try {
    for (let i = 1; i <= alerts; i++) {
      samples.push(await alertOnce(stack, db, i));
      if (i % 10 === 0 || i === alerts) console.log(`${i}/${alerts} alerts`);
    }
  } finally {
    await deleteApp(app);
    const log = fs.readFileSync(stack.logFile, 'utf8');
    const { leftBehind } = await stack.stop();
    if (leftBehind.length > 0) console.warn(`killed processes left behind: ${leftBehind.join(', ')}`);
    if (samples.length === alerts) {
      const report = render(
        samples.map((s) => stagesOf(s, log)),
        Date.now() - started,
      );
      const file = path.join(repoRoot, 'bench', 'reports', 'rollback.md');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, report);
      console.log(`\n${report}\nwritten to ${path.relative(process.cwd(), file)}`);
      fs.rmSync(stack.dir, { recursive: true, force: true });
    }
  }
}

/** One release brought to its first step, then rolled back by an incident. */
async function alertOnce(stack: LocalStack, db: Firestore, i: number): Promise<Sample> {
  const buildId = randomUUID();
  await publishDemoBuild(stack, { buildId, service: 'hello', tag: 'v2' });
  const rolloutId = `${TARGET_ID}@${buildId}`;
  const atStep = await poll(`${rolloutId} at 20%`, async () => {
    const r = (await db.collection('rollouts').doc(rolloutId).get()).data() as Rollout | undefined;
    return r?.phase === 'progressing' && r.traffic.candidatePercent === 20 && r.traffic.pending === null
      ? r
      : undefined;
  });
  const stable = atStep.stableRevision ?? '';
  const incidentId = `bench-${i}-${buildId.slice(0, 8)}`;
  const body = demoNotification({
    incidentId,
    state: 'open',
    projectId: STACK_PROJECT_ID,
    region: 'europe-west1',
    service: 'hello',
    policy: 'hello 5xx rate',
    startedAt: Math.floor(Date.now() / 1000),
    endedAt: null,
  });
  const publishedAt = Date.now();
  await publish(stack, stack.alerts.topic, { data: base64Json(body) });
  const servedAt = await poll('the stable revision served alone', async () => {
    const { history } = (await get(`${stack.sandbox.cloudRun}/sandbox/served?service=hello`)) as {
      history: { at: number; split: { revision: string; percent: number }[] }[];
    };
    const back = history.find((h) => h.at >= publishedAt && h.split.length === 1 && h.split[0]?.revision === stable);
    return back?.at;
  });
  await poll(`${rolloutId} ended`, async () => {
    const r = (await db.collection('rollouts').doc(rolloutId).get()).data() as Rollout | undefined;
    return r && isTerminal(r.phase) ? r : undefined;
  });
  const effects = (await db.collection('effects').where('rolloutId', '==', rolloutId).get()).docs.map(
    (d) => d.data() as EffectDoc,
  );
  const rollback = effects.find((e) => e.effect.type === 'cloudRun.setTraffic' && e.effect.purpose === 'rollback');
  if (!rollback) throw new Error(`${rolloutId} has no rollback effect`);
  await poll(`${rolloutId}'s effects closed`, async () => {
    const open = (await db.collection('effects').where('rolloutId', '==', rolloutId).get()).docs.filter((d) =>
      ['pending', 'running'].includes(String(d.get('status'))),
    );
    return open.length === 0 ? true : undefined;
  });
  return { incidentId, rollbackEffectId: rollback.id, publishedAt, servedAt };
}

/** The stages of one sample, from the functions' log lines about its incident and its rollback effect. */
function stagesOf(sample: Sample, log: string): Stages {
  const alert = logFields(log, sample.incidentId, 'alertTiming') as AlertTiming | undefined;
  const effect = logFields(log, sample.rollbackEffectId, 'effectTiming') as EffectTiming | undefined;
  if (!alert || !effect) throw new Error(`no timing log lines for ${sample.incidentId} / ${sample.rollbackEffectId}`);
  const committed = alert.receivedAt + alert.parseMs + alert.engineMs;
  return {
    total: sample.servedAt - sample.publishedAt,
    delivery: alert.receivedAt - sample.publishedAt,
    parse: alert.parseMs,
    engine: alert.engineMs,
    dispatch: effect.startedAt - Math.max(effect.decidedAt, committed),
    lease: effect.leasedAt - effect.startedAt,
    cloudRun: sample.servedAt - effect.leasedAt,
  };
}

/** The `field` of the first JSON log line that mentions `id` and has it. */
function logFields(log: string, id: string, field: string): unknown {
  for (const line of log.split('\n')) {
    if (!line.includes(id) || !line.includes(`"${field}"`)) continue;
    const json = line.slice(line.indexOf('{'));
    try {
      const parsed = JSON.parse(json) as Record<string, unknown>;
      if (parsed[field] !== undefined) return parsed[field];
    } catch {
      // not one of ours
    }
  }
  return undefined;
}

function render(stages: readonly Stages[], elapsedMs: number): string {
  const columns: [keyof Stages, string, string][] = [
    ['total', 'publish → stable served', 'all'],
    ['delivery', 'Pub/Sub → alertsTopic running', 'emulators'],
    ['parse', 'parse + map', 'Runway'],
    ['engine', 'engine transaction', 'Runway (on the Firestore emulator)'],
    ['dispatch', 'commit → runEffect running', 'emulators (Firestore trigger)'],
    ['lease', 'lease + obsolete check', 'Runway (on the Firestore emulator)'],
    ['cloudRun', 'Cloud Run call → router switched', 'sandbox'],
  ];
  const row = ([key, what, whose]: (typeof columns)[number]): string => {
    const values = stages.map((s) => s[key]);
    return `| ${what} | ${whose} | ${pct(values, 50)} | ${pct(values, 90)} | ${pct(values, 99)} | ${mean(values)} |`;
  };
  const totalP50 = percentile(
    stages.map((s) => s.total),
    50,
  );
  const runwayP50 = percentile(
    stages.map((s) => s.parse + s.engine + s.lease),
    50,
  );
  return [
    '# Alert to rollback on the local stack',
    '',
    `\`npm run bench:rollback -- --alerts ${stages.length}\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
      `${stages.length} alerts in ${(elapsedMs / 60_000).toFixed(1)} min.`,
    '',
    'Each alert is a Cloud Monitoring incident published to `runway-alerts` while a release serves 20% of `hello`;',
    "the end is the moment the sandbox's router began serving the stable revision alone. Milliseconds.",
    '',
    '| stage | whose time | p50 | p90 | p99 | mean |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...columns.map(row),
    '',
    `Runway's own work (parse, engine transaction, lease) is ${runwayP50} ms of the ${totalP50} ms median; the rest is ` +
      'the emulators delivering the message and the Firestore trigger, and the sandbox applying the traffic change.',
    '',
  ].join('\n');
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index] ?? 0);
}

function pct(values: readonly number[], p: number): string {
  return String(percentile(values, p));
}

function mean(values: readonly number[]): string {
  return String(Math.round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)));
}

async function poll<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + LIMIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${LIMIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function publish(stack: LocalStack, topic: string, message: { data: string }): Promise<void> {
  await pubsubRest(stack.pubsub, STACK_PROJECT_ID).publish(topic, [message]);
}

async function get(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

await main();
