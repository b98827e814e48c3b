/**
 * The README's local stack, end to end: `npm start` runs Runway's real functions under the emulator suite, wired to the
 * sandbox (the Cloud Run Admin API and Cloud Monitoring stand-ins, real revision processes behind the weighted router,
 * steady traffic). A Cloud Build notification for a demo image of `hello`, published to the emulated `cloud-builds`
 * topic exactly as `runway demo` does, goes through `cloudBuilds`, the engine, the outbox, `runEffect`, the task-queue
 * timers and the production Cloud Run, smoke and Monitoring adapters:
 * - a healthy image is promoted step by step and ends with 100% on its revision;
 * - a faulty one is rolled back by the analysis, traffic back on the stable revision;
 * - one whose /healthz fails is stopped by the smoke checks before any user traffic;
 * - the same notification published twice still makes one rollout;
 * - a Cloud Monitoring incident on the `runway-alerts` topic rolls a canary in flight back; the `alerts` webhook refuses a
 *   wrong token; `runway rollback` reverts the last release to the previous good revision; and every transition is on
 *   the `runway-events` topic, in sequence.
 *
 * The scenarios share one stack and run in order (each one's stable revision is the previous good release). Waits are
 * polls with a deadline, not timed assertions: a deadline that passes fails with the end of the suite's log.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Firestore } from 'firebase-admin/firestore';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PubSubMessage } from '../../cli/demo/buildMessage.js';
import { demoNotification } from '../../cli/demo/incident.js';
import { runway } from '../support/cli.js';
import { base64Json, pubsubRest } from '../../scripts/lib/pubsubRest.js';
import { demoImage } from '../../sandbox/src/images.js';
import type { Rollout } from '../../functions/src/domain/rollout.js';
import { STACK_PROJECT_ID } from '../../scripts/lib/localStack.js';
import { publishDemoBuild } from '../../scripts/lib/demoBuild.js';
import { useLocalStack } from '../support/e2eStack.js';

const POLL_MS = 250;
/** A canary of two 6 s steps, the smoke checks and a 5 s guard window take ~25 s; this is a limit, not a timing. */
const DEADLINE_MS = 120_000;
const TARGET_ID = 'hello.local';
const SERVICE_PATH = `projects/${STACK_PROJECT_ID}/locations/europe-west1/services/hello`;
const TERMINAL = new Set(['succeeded', 'rolled_back', 'aborted', 'rejected', 'superseded', 'failed']);

interface ServiceResource {
  traffic: { type?: string | number; revision?: string; percent?: number; tag?: string }[];
}

const e2e = useLocalStack('rollouts');
const running = e2e.stack;
let db: Firestore;
beforeAll(() => {
  db = e2e.db();
});

/** Publishes a message to `topic` (default `cloud-builds`) through the emulator's REST API, as `runway demo` does. */
async function publish(message: PubSubMessage | { data: string }, topic = 'cloud-builds'): Promise<void> {
  await pubsubRest(running().pubsub, STACK_PROJECT_ID).publish(topic, [message]);
}

/** Publishes a build of demo image `tag`; returns the build's message and id. */
async function release(tag: string): Promise<{ buildId: string; message: PubSubMessage }> {
  const buildId = randomUUID();
  const message = await publishDemoBuild(running(), { buildId, service: 'hello', tag });
  return { buildId, message };
}

/** Polls `probe` until it returns a value; past the deadline, fails with `status()` and the end of the suite's log. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, status: () => string): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const { logFile, logTail } = running();
      throw new Error(
        `no ${what} within ${DEADLINE_MS / 1000} s (${status()}). Last lines of ${logFile}:\n${logTail(80)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits until the rollout of `buildId` has ended, and its effects are all closed. */
async function ended(buildId: string): Promise<Rollout> {
  const id = `${TARGET_ID}@${buildId}`;
  let seen = 'no rollout document yet';
  const rollout = await waitFor(
    `end of rollouts/${id}`,
    async () => {
      const data = (await db.collection('rollouts').doc(id).get()).data() as Rollout | undefined;
      if (data) seen = `phase ${data.phase}, step ${data.step}, ${data.traffic.candidatePercent}% on the candidate`;
      return data && TERMINAL.has(data.phase) ? data : undefined;
    },
    () => seen,
  );
  await waitFor(
    `closed effects of ${id}`,
    async () => {
      const snap = await db.collection('effects').where('rolloutId', '==', id).get();
      const open = snap.docs.filter((d) => ['pending', 'running'].includes(String(d.get('status'))));
      return open.length === 0 ? true : undefined;
    },
    () => 'effects still open',
  );
  return rollout;
}

/** The service as the sandbox's Cloud Run Admin API returns it, through its REST interface. */
async function service(): Promise<ServiceResource> {
  // Any bearer token: the stand-in checks that one is sent, as Cloud Run does, not what it is.
  const response = await fetch(`${running().sandbox.cloudRun}/v2/${SERVICE_PATH}`, {
    headers: { authorization: 'Bearer e2e' },
  });
  if (!response.ok) throw new Error(`GET service: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as ServiceResource;
}

/** Percent per revision of the service's live split (entries at 0% left out). */
async function liveSplit(): Promise<Record<string, number>> {
  const split: Record<string, number> = {};
  for (const entry of (await service()).traffic) {
    if (entry.revision && entry.percent) split[entry.revision] = (split[entry.revision] ?? 0) + entry.percent;
  }
  return split;
}

async function rolloutEffects(rolloutId: string): Promise<string[]> {
  const snap = await db.collection('effects').where('rolloutId', '==', rolloutId).get();
  return snap.docs.map((d) => String(d.get('type')));
}

describe('the local stack (npm start) runs a release from Cloud Build to Cloud Run', () => {
  let stableAfterGood = '';

  it('promotes a healthy image step by step: smoke checks, 20%, 50%, 100%, guard window', async () => {
    expect(running().functionsLoaded).toEqual(expect.arrayContaining(['cloudBuilds', 'runEffect']));
    const { buildId } = await release('v2');
    const rollout = await ended(buildId);

    expect(rollout.phase, rollout.ending?.reason).toBe('succeeded');
    expect(rollout.build.image).toBe(demoImage('v2').byDigest);
    expect(rollout.smoke?.map((s) => s.ok)).toEqual([true, true]);
    // Each step passed; on a loaded machine the traffic generator may fall short once, and the bake is extended.
    const passed = rollout.verdicts.filter((v) => v.result === 'pass');
    expect(passed.map((v) => v.step)).toEqual([0, 1]);
    expect(rollout.verdicts.every((v) => v.result !== 'fail')).toBe(true);
    for (const verdict of passed) expect(verdict.metrics.candidate.requests).toBeGreaterThanOrEqual(20);
    const candidate = rollout.candidate?.revision ?? '';
    expect(candidate).toMatch(/^hello-/);
    expect(await liveSplit()).toEqual({ [candidate]: 100 });
    const target = (await db.collection('targets').doc(TARGET_ID).get()).data();
    expect(target?.stable?.revision).toBe(candidate);
    stableAfterGood = candidate;
  });

  it('rolls a faulty image back: the analysis fails it and traffic returns to the stable revision', async () => {
    const { buildId } = await release('v3-errors');
    const rollout = await ended(buildId);

    expect(rollout.phase, rollout.ending?.reason).toBe('rolled_back');
    expect(rollout.ending?.cause).toBe('analysis_failed');
    expect(rollout.stableRevision).toBe(stableAfterGood);
    const failedVerdict = rollout.verdicts.at(-1);
    expect(failedVerdict?.result).toBe('fail');
    expect(failedVerdict?.metrics.candidate.errors).toBeGreaterThan(0);
    expect(await liveSplit()).toEqual({ [stableAfterGood]: 100 });
    // The candidate keeps its tag (and URL) for debugging.
    const tagged = (await service()).traffic.find((t) => t.tag === 'candidate');
    expect(tagged?.revision).toBe(rollout.candidate?.revision);
  });

  it('stops an image whose health check fails before any user traffic reaches it', async () => {
    const { buildId } = await release('v6-unhealthy');
    const rollout = await ended(buildId);

    expect(rollout.phase, rollout.ending?.reason).toBe('aborted');
    expect(rollout.ending?.cause).toBe('smoke_failed');
    expect(rollout.smoke?.[0]).toMatchObject({ name: 'health', ok: false, status: 503 });
    expect(rollout.traffic.candidatePercent).toBe(0);
    expect(await rolloutEffects(rollout.id)).not.toContain('cloudRun.setTraffic');
    expect(await liveSplit()).toEqual({ [stableAfterGood]: 100 });
  });

  it('drops the same notification published again: still one rollout, the audit log unchanged', async () => {
    const { buildId, message } = await release('v2');
    const rollout = await ended(buildId);
    const logBefore = await db.collection('targets').doc(TARGET_ID).collection('log').get();

    await publish(message);
    // The engine logs each duplicate it drops: the only trace a dropped event leaves.
    const dropped = `duplicate build.succeeded cloudbuild:${buildId}:SUCCESS dropped`;
    await waitFor(
      `"${dropped}" in the log`,
      () => Promise.resolve(fs.readFileSync(running().logFile, 'utf8').includes(dropped) ? true : undefined),
      () => 'not dropped yet',
    );
    const rollouts = await db.collection('rollouts').where('build.buildId', '==', buildId).get();
    expect(rollouts.docs.map((d) => d.id)).toEqual([rollout.id]);
    const logAfter = await db.collection('targets').doc(TARGET_ID).collection('log').get();
    expect(logAfter.size).toBe(logBefore.size);
  });

  let revisionBeforeAlert = '';

  it('rolls a canary in flight back when a Cloud Monitoring incident arrives on runway-alerts', async () => {
    revisionBeforeAlert = (await db.collection('targets').doc(TARGET_ID).get()).get('stable.revision') as string;
    const { buildId } = await release('v2');
    const id = `${TARGET_ID}@${buildId}`;
    await waitFor(
      'the first canary step',
      async () => {
        const r = (await db.collection('rollouts').doc(id).get()).data() as Rollout | undefined;
        return r?.phase === 'progressing' && r.traffic.candidatePercent > 0 ? r : undefined;
      },
      () => 'not at its first step yet',
    );
    const incident = demoNotification({
      incidentId: `e2e-${randomUUID()}`,
      state: 'open',
      projectId: STACK_PROJECT_ID,
      region: 'europe-west1',
      service: 'hello',
      policy: 'hello 5xx rate',
      startedAt: Math.floor(Date.now() / 1000),
      endedAt: null,
    });
    await publish({ data: base64Json(incident) }, running().alerts.topic);
    const rollout = await ended(buildId);

    expect(rollout.phase, rollout.ending?.reason).toBe('rolled_back');
    expect(rollout.stop).toMatchObject({ trigger: 'incident', toRevision: revisionBeforeAlert });
    expect(rollout.stop?.durationMs).toBeGreaterThan(0);
    expect(await liveSplit()).toEqual({ [revisionBeforeAlert]: 100 });
  });

  it('the alerts webhook refuses a wrong token, and takes the right one', async () => {
    const { webhook, token } = running().alerts;
    const body = JSON.stringify(
      demoNotification({
        incidentId: `e2e-${randomUUID()}`,
        state: 'closed',
        projectId: STACK_PROJECT_ID,
        region: 'europe-west1',
        service: 'hello',
        policy: 'hello 5xx rate',
        startedAt: Math.floor(Date.now() / 1000) - 60,
        endedAt: Math.floor(Date.now() / 1000),
      }),
    );
    const post = (query: string) =>
      fetch(`${webhook}${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await post('?token=wrong')).status).toBe(401);
    expect((await post('')).status).toBe(401);
    const accepted = await post(`?token=${encodeURIComponent(token)}`);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({
      status: 'handled',
      results: [{ targetId: TARGET_ID, status: 'applied' }],
    });
  });

  it('runway rollback reverts the last release to the previous good revision', async () => {
    const stable = (await db.collection('targets').doc(TARGET_ID).get()).get('stable.revision') as string;
    const run = await runway(['rollback', TARGET_ID, '--reason', 'e2e: back to the one before', '--wait'], {
      env: { RUNWAY_STACK_DIR: running().dir },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${stable} → ${stableAfterGood}`));
    expect(run.stdout).toMatch(/rolled_back, traffic back on .* ms after the command/);
    expect(await liveSplit()).toEqual({ [stableAfterGood]: 100 });
    expect((await db.collection('targets').doc(TARGET_ID).get()).get('stable.revision')).toBe(stableAfterGood);
  });

  it('publishes every transition on runway-events, each target in sequence', async () => {
    const emulator = pubsubRest(running().pubsub, STACK_PROJECT_ID);
    const events: { type: string; subject?: string; sequence: string }[] = [];
    const rollouts = await db.collection('rollouts').get();
    // The last rollout's final event is published after its phase is stored (the CLI's --wait returns on the phase):
    // keep pulling until every rollout's latest event is the phase it is in, or 20 s have passed.
    /** Each rollout's latest event: sorted by sequence, a rollout's events come in the order they happened. */
    const lastEvents = (): Map<string, string> => {
      const last = new Map<string, string>();
      for (const e of [...events].sort((x, y) => x.sequence.localeCompare(y.sequence))) {
        if (e.subject) last.set(e.subject, e.type);
      }
      return last;
    };
    const caughtUp = (last: Map<string, string>): boolean =>
      rollouts.docs.every((d) => last.get(d.id) === `runway.rollout.${String(d.get('phase'))}`);
    for (const deadline = Date.now() + 20_000; ;) {
      const batch = await emulator.pull(running().events.subscription, 500);
      for (const m of batch) events.push(JSON.parse(Buffer.from(m.message.data, 'base64').toString('utf8')));
      if (batch.length > 0) continue;
      if (caughtUp(lastEvents()) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      'runway.rollout.deploying',
      'runway.rollout.progressing',
      'runway.rollout.succeeded',
      'runway.rollout.rolled_back',
      'runway.rollout.aborted',
      'runway.incident.opened',
      'runway.incident.closed',
    ]) {
      expect(types, type).toContain(type);
    }
    // Each rollout's events, in sequence, end where it ended.
    const lastOf = lastEvents();
    for (const doc of rollouts.docs) {
      expect(lastOf.get(doc.id), doc.id).toBe(`runway.rollout.${String(doc.get('phase'))}`);
    }
  });
});
