/**
 * The alert triggers end to end, against the real engine on the official Firestore emulator:
 * - the `alerts` webhook served over real HTTP (express on loopback, as Cloud Functions serves it), with its token;
 * - the `alertsTopic` function fed messages that went through the official Pub/Sub emulator (published to a topic,
 *   pulled from a subscription), so their ids, publish times and encoding are the emulator's.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { readFileSync } from 'node:fs';
import express from 'express';
import functionsTest from 'firebase-functions-test';
import type { Request } from 'firebase-functions/v2/https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertLog, AlertReport } from '../../../functions/src/adapters/alerts/intake.js';
import { rolloutIdOf } from '../../../functions/src/domain/rollout.js';
import type { TargetMiss } from '../../../functions/src/domain/targeting.js';
import { createAlertsTopicFunction } from '../../../functions/src/triggers/alertsTopic.js';
import { handleAlertWebhook, type AlertWebhookDeps } from '../../../functions/src/triggers/alerts.js';
import { drive } from '../../support/engine-driver.js';
import {
  buildSucceeded,
  CHECKOUT,
  CHECKOUT_SERVICE,
  createHarness,
  STABLE_REVISION,
  TEST_CONFIG,
  type Harness,
} from '../../support/engine-harness.js';
import { uniqueProjectId } from '../../support/emulators.js';
import { base64Json, pubsubRest, type PulledMessage } from '../../../scripts/lib/pubsubRest.js';

if (!process.env.PUBSUB_EMULATOR_HOST) throw new Error('set PUBSUB_EMULATOR_HOST (npm test does)');
const PUBSUB_HOST = process.env.PUBSUB_EMULATOR_HOST;

const TOKEN = 'test-alert-token-0123456789';
/** The harness's target, with the alert policy the fixture incident comes from. */
const YAML = TEST_CONFIG.replace(
  '      rollback: { guardWindow: 10m }',
  "      rollback: { guardWindow: 10m, alertPolicies: ['checkout 5xx rate'] }",
);
const FIXTURE = JSON.parse(
  readFileSync(new URL('../../fixtures/monitoring/incident-open.json', import.meta.url), 'utf8'),
) as { version: string; incident: Record<string, unknown> };

let incidents = 0;
/** A notification of a fresh incident (or of `id`) in `state`. */
function notification(state: 'open' | 'closed', id = `inc-${++incidents}`): unknown {
  return { ...FIXTURE, incident: { ...FIXTURE.incident, incident_id: id, state } };
}

interface Recorded {
  readonly rejected: { reason: string; misses: readonly TargetMiss[] }[];
}

function depsOf(h: Harness, recorded: Recorded): AlertWebhookDeps {
  const log: AlertLog = {
    rejected: (reason, misses) => recorded.rejected.push({ reason, misses }),
    handled: () => undefined,
    engineFailed: () => undefined,
  };
  return { config: h.config, engine: h.engine, log, now: () => h.clock.now(), secret: () => TOKEN };
}

/** The webhook on a loopback port; `post` sends a notification with the given credentials. */
async function serveWebhook(deps: AlertWebhookDeps) {
  const app = express();
  app.use(express.json());
  app.all(/.*/, (req, res) => void handleAlertWebhook(req as unknown as Request, res, deps));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
  const post = async (body: unknown, auth: { token?: string; basic?: string } = { token: TOKEN }) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth.basic) headers.authorization = `Basic ${Buffer.from(`monitoring:${auth.basic}`).toString('base64')}`;
    const query = auth.token ? `?token=${encodeURIComponent(auth.token)}` : '';
    const response = await fetch(url + query, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { post, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Runs effects and fires timers (the fake clock jumps to each) until the active rollout sits in its guard window. */
async function toGuardWindow(h: Harness) {
  for (let i = 0; i < 20; i++) {
    await drive(h, { fireTimers: false });
    const target = await h.target();
    if (target.active?.phase === 'promoted' && target.active.waitingFor?.kind === 'timer') return target;
    const timer = h.ports.timers.pending()[0];
    if (!timer) throw new Error(`no guard window: ${target.active?.phase ?? 'nothing'} active, no timer pending`);
    h.clock.advanceTo(timer.dueAt);
    await h.engine.handle(h.ports.timers.fire(timer.timerId));
  }
  throw new Error('never reached the guard window');
}

/** A rollout of b1 at its first canary step, baking with 10% on the candidate. */
async function bakingAtStepOne(h: Harness): Promise<string> {
  await h.engine.handle(buildSucceeded('b1', h.clock.now()));
  await drive(h, { fireTimers: false });
  const target = await h.target();
  expect(target.active).toMatchObject({ phase: 'progressing', traffic: { candidatePercent: 10 } });
  return rolloutIdOf(CHECKOUT, 'b1');
}

describe('the alerts webhook', () => {
  const h = createHarness('alerts webhook', { yaml: YAML });
  const recorded: Recorded = { rejected: [] };
  let webhook: Awaited<ReturnType<typeof serveWebhook>>;
  beforeAll(async () => {
    webhook = await serveWebhook(depsOf(h, recorded));
  });
  afterAll(async () => {
    await webhook.close();
    await h.close();
  });

  it('refuses a missing or forged token with 401, and nothing changes', async () => {
    const before = await h.target();
    for (const auth of [{}, { token: 'forged' }, { basic: 'forged' }, { token: `${TOKEN}x` }]) {
      const answer = await webhook.post(notification('open'), auth);
      expect(answer, JSON.stringify(auth)).toEqual({ status: 401, body: { error: 'unauthorized' } });
    }
    expect(await h.target()).toEqual(before);
  });

  it('refuses GET with 405 and a body that is not a notification with 400 and the reason', async () => {
    const get = await fetch(`${webhook.url}?token=${TOKEN}`);
    expect(get.status).toBe(405);
    const bad = await webhook.post({ incident: { state: 'open' } });
    expect(bad).toEqual({
      status: 400,
      body: { error: 'not a Cloud Monitoring notification: incident.incident_id: is required' },
    });
  });

  it('rolls a canary back at once on an open incident (basic auth), and records when it was received', async () => {
    const rolloutId = await bakingAtStepOne(h);
    const answer = await webhook.post(notification('open', 'canary-1'), { basic: TOKEN });
    expect(answer).toEqual({
      status: 200,
      body: {
        status: 'handled',
        results: [{ targetId: CHECKOUT, status: 'applied', message: `incident canary-1 rolls back ${rolloutId}` }],
      },
    });
    await drive(h);
    const rollout = await h.rollout(rolloutId);
    expect(rollout).toMatchObject({
      phase: 'rolled_back',
      ending: { cause: 'alert', reason: expect.stringContaining('alert "checkout 5xx rate"') as string },
      stop: { trigger: 'incident', toRevision: STABLE_REVISION },
    });
    expect(rollout?.stop?.durationMs).toBeGreaterThanOrEqual(0);
    expect(h.ports.cloudRun.trafficOf(CHECKOUT_SERVICE)).toEqual([{ revision: STABLE_REVISION, percent: 100 }]);
  });

  it('changes nothing for the same incident again, or for an open that arrives after its close', async () => {
    const again = await webhook.post(notification('open', 'canary-1'));
    expect(again.body.results).toEqual([
      { targetId: CHECKOUT, status: 'duplicate', message: expect.stringContaining('alert:canary-1:open') as string },
    ]);
    const closedFirst = await webhook.post(notification('closed', 'late-1'));
    expect(closedFirst.body.results).toMatchObject([{ status: 'applied' }]);
    const before = await h.target();
    const lateOpen = await webhook.post(notification('open', 'late-1'));
    expect(lateOpen.body.results).toMatchObject([
      { status: 'ignored', message: 'incident late-1 was seen before (closed)' },
    ]);
    const after = await h.target();
    expect({ ...after, version: 0, updatedAt: 0 }).toEqual({ ...before, version: 0, updatedAt: 0 });
  });

  it('acknowledges an incident for an unknown service with each target’s reason, changing nothing', async () => {
    const before = await h.target();
    const body = {
      version: '1.2',
      incident: {
        incident_id: 'search-1',
        state: 'open',
        policy_name: 'search latency',
        resource: {
          type: 'cloud_run_revision',
          labels: { project_id: 'acme', location: 'us-east1', service_name: 'search' },
        },
      },
    };
    const answer = await webhook.post(body);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'rejected',
      reason: 'no target in runway.yaml is for incident search-1 (policy "search latency")',
      misses: [{ targetId: CHECKOUT, reason: expect.stringContaining('search latency') as string }],
    });
    expect(recorded.rejected.at(-1)?.reason).toMatch(/search-1/);
    expect(await h.target()).toEqual(before);
  });
});

describe('the alerts webhook around promotion', () => {
  const h = createHarness('alerts guard window', { yaml: YAML });
  let webhook: Awaited<ReturnType<typeof serveWebhook>>;
  beforeAll(async () => {
    webhook = await serveWebhook(depsOf(h, { rejected: [] }));
  });
  afterAll(async () => {
    await webhook.close();
    await h.close();
  });

  it('within the guard window, traffic goes back to the previous revision', async () => {
    await h.engine.handle(buildSucceeded('g1', h.clock.now()));
    const target = await toGuardWindow(h);
    expect(target.active).toMatchObject({ phase: 'promoted', traffic: { candidatePercent: 100 } });
    await webhook.post(notification('open'));
    await drive(h);
    expect(await h.rollout(rolloutIdOf(CHECKOUT, 'g1'))).toMatchObject({ phase: 'rolled_back' });
    expect(h.ports.cloudRun.trafficOf(CHECKOUT_SERVICE)).toEqual([{ revision: STABLE_REVISION, percent: 100 }]);
  });

  it('after the guard window, an incident only notifies', async () => {
    await h.engine.handle(buildSucceeded('g2', h.clock.now()));
    await drive(h);
    const target = await h.target();
    expect(target.active).toBeNull();
    const stable = target.stable?.revision;
    const answer = await webhook.post(notification('open'));
    expect(answer.body.results).toMatchObject([{ status: 'applied', message: expect.stringContaining('noted') }]);
    await drive(h);
    expect((await h.target()).stable?.revision).toBe(stable);
    expect(h.ports.notifier.sent.at(-1)).toMatchObject({ topic: 'alert.opened', severity: 'warning' });
  });
});

describe('the alertsTopic function, with messages through the Pub/Sub emulator', () => {
  const h = createHarness('alerts pubsub', { yaml: YAML });
  const fft = functionsTest();
  const emulator = pubsubRest(PUBSUB_HOST, uniqueProjectId('alerts pubsub'));
  const wrapped = fft.wrap(createAlertsTopicFunction(() => depsOf(h, { rejected: [] })));

  beforeAll(async () => {
    await emulator.createTopic('runway-alerts');
    await emulator.createSubscription('runway-alerts-test', 'runway-alerts');
  });
  afterAll(async () => {
    await emulator.deleteSubscription('runway-alerts-test');
    fft.cleanup();
    await h.close();
  });

  /** Publishes the notification as Monitoring does, pulls it back as Pub/Sub delivers it, and hands it to the function. */
  async function deliver(body: unknown): Promise<AlertReport> {
    await emulator.publish('runway-alerts', [{ data: base64Json(body) }]);
    let received: PulledMessage | undefined;
    for (let i = 0; i < 50 && !received; i++) [received] = await emulator.pull('runway-alerts-test', 1);
    if (!received) throw new Error('the emulator delivered nothing');
    return (await wrapped({ data: { message: { ...received.message, attributes: {} } } })) as AlertReport;
  }

  it('rolls a canary back on an open incident', async () => {
    const rolloutId = await bakingAtStepOne(h);
    const report = await deliver(notification('open', 'ps-1'));
    expect(report).toMatchObject({ kind: 'handled', results: [{ targetId: CHECKOUT, result: { status: 'applied' } }] });
    await drive(h);
    expect(await h.rollout(rolloutId)).toMatchObject({ phase: 'rolled_back', stop: { trigger: 'incident' } });
  });

  it('acknowledges a message that is not a notification (no retry storm), changing nothing', async () => {
    const before = await h.target();
    const report = await deliver({ hello: 'world' });
    expect(report).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('incident: is required') });
    expect(await h.target()).toEqual(before);
  });
});
