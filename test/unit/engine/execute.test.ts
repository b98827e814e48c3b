/** Each effect goes to its port, and the port's answer comes back as the event that answers the effect. */
import { describe, expect, it } from 'vitest';
import type { Effect, ServiceRef } from '../../../functions/src/domain/effects.js';
import type { SmokeSpec } from '../../../functions/src/domain/config/schema.js';
import { executeEffect, giveUpEvent, isBestEffort } from '../../../functions/src/engine/execute.js';
import { createMemoryPorts, TransientError } from '../../../functions/src/adapters/memory/index.js';

const service: ServiceRef = { project: 'acme-shop-prod', region: 'europe-west1', service: 'checkout' };
const base = { targetId: 'checkout.production', rolloutId: 'checkout.production@b1' };
const smoke: SmokeSpec = {
  deadline: 120_000,
  identityToken: false,
  checks: [{ path: '/healthz', method: 'GET', headers: {}, expectStatus: 200, timeout: 5_000, retries: 2 }],
};

const deploy: Effect = {
  ...base,
  id: 't:1:0',
  type: 'cloudRun.deployCandidate',
  service,
  image: 'img@sha256:1',
  tag: 'candidate',
  source: 'deploy',
};
const traffic = (revision: string): Effect => ({
  ...base,
  id: 't:2:0',
  type: 'cloudRun.setTraffic',
  service,
  split: [{ revision, percent: 100 }],
  purpose: 'promote',
  expected: null,
});
const smokeRun: Effect = { ...base, id: 't:3:0', type: 'smoke.run', url: 'https://candidate---checkout', smoke };
const analysis: Effect = {
  ...base,
  id: 't:4:0',
  type: 'analysis.run',
  service,
  candidateRevision: 'checkout-00002-dep',
  stableRevision: 'checkout-00001-old',
  windowStart: 1_000,
  windowEnd: 301_000,
};
const timer: Effect = { ...base, id: 't:5:0', type: 'timer.schedule', purpose: 'bake', dueAt: 5_000 };
const notify: Effect = { ...base, id: 't:6:0', type: 'notify', severity: 'info', topic: 'promoted', text: 'hi' };
const publish: Effect = {
  ...base,
  id: 't:7:0',
  type: 'events.publish',
  eventType: 'runway.rollout.promoted',
  at: 0,
  data: {},
};

describe('executeEffect', () => {
  it('answers a deploy with revision.ready, or deploy.failed when Cloud Run refuses', async () => {
    const ports = createMemoryPorts();
    ports.cloudRun.seed(service, 'checkout-00001-old');
    expect(await executeEffect(deploy, ports)).toEqual({
      kind: 'result',
      event: {
        ...base,
        type: 'revision.ready',
        id: 'result:t:1:0',
        effectId: 't:1:0',
        revision: 'checkout-00002-dep',
        url: 'https://candidate---checkout-test.a.run.app',
        stableRevision: 'checkout-00001-old',
      },
    });
    ports.cloudRun.deployFaults.failWith('image not found');
    expect(await executeEffect({ ...deploy, id: 't:1:1' }, ports)).toMatchObject({
      event: { type: 'deploy.failed', id: 'result:t:1:1', reason: 'image not found' },
    });
  });

  it('answers a traffic change with traffic.applied, or traffic.failed', async () => {
    const ports = createMemoryPorts();
    ports.cloudRun.seed(service, 'checkout-00001-old');
    expect(await executeEffect(traffic('checkout-00001-old'), ports)).toMatchObject({
      event: { type: 'traffic.applied', split: [{ revision: 'checkout-00001-old', percent: 100 }] },
    });
    expect(await executeEffect(traffic('nope'), ports)).toMatchObject({
      event: { type: 'traffic.failed', reason: 'revision nope does not exist' },
    });
  });

  it('answers smoke checks with smoke.passed or smoke.failed and the results', async () => {
    const ports = createMemoryPorts();
    expect(await executeEffect(smokeRun, ports)).toMatchObject({
      event: { type: 'smoke.passed', results: [{ name: 'GET /healthz', ok: true, status: 200 }] },
    });
    ports.smoke.faults.failWith('GET /healthz: expected 200, got 503');
    expect(await executeEffect(smokeRun, ports)).toMatchObject({
      event: { type: 'smoke.failed', reason: 'GET /healthz: expected 200, got 503', results: [{ ok: false }] },
    });
  });

  it('answers an analysis with the metrics of both revisions over the window', async () => {
    const ports = createMemoryPorts();
    ports.metrics.set('checkout-00002-dep', { requests: 10, errors: 3, p99LatencyMs: 900 });
    expect(await executeEffect(analysis, ports)).toMatchObject({
      event: {
        type: 'analysis.completed',
        metrics: {
          windowStart: 1_000,
          windowEnd: 301_000,
          candidate: { requests: 10, errors: 3, p99LatencyMs: 900 },
          stable: { requests: 1_000, errors: 0 },
        },
      },
    });
  });

  it('has no result event for timers, notifications and published events', async () => {
    const ports = createMemoryPorts();
    for (const effect of [timer, notify, publish]) expect(await executeEffect(effect, ports)).toEqual({ kind: 'done' });
    expect(ports.timers.pending()).toMatchObject([{ timerId: 't:5:0', dueAt: 5_000, purpose: 'bake' }]);
    expect(ports.notifier.sent).toHaveLength(1);
    expect(ports.publisher.published).toHaveLength(1);
  });

  it('lets a transient failure through, for the runner to retry', async () => {
    const ports = createMemoryPorts();
    ports.metrics.faults.throwNext(1, 'Monitoring API: 429');
    await expect(executeEffect(analysis, ports)).rejects.toBeInstanceOf(TransientError);
    await expect(executeEffect(analysis, ports)).resolves.toMatchObject({ kind: 'result' });
  });
});

describe('giveUpEvent and isBestEffort', () => {
  it('turns persistent failures of deploy, traffic and smoke into their failure events', () => {
    expect(giveUpEvent(deploy, 'gave up')).toMatchObject({
      type: 'deploy.failed',
      id: 'result:t:1:0',
      reason: 'gave up',
    });
    expect(giveUpEvent(traffic('r'), 'gave up')).toMatchObject({ type: 'traffic.failed', reason: 'gave up' });
    expect(giveUpEvent(smokeRun, 'gave up')).toMatchObject({ type: 'smoke.failed', results: [], reason: 'gave up' });
    expect(giveUpEvent(analysis, 'gave up')).toMatchObject({ type: 'analysis.failed', reason: 'gave up' });
  });

  it('has none for effects without a failure event', () => {
    for (const effect of [timer, notify, publish]) expect(giveUpEvent(effect, 'x')).toBeNull();
  });

  it('treats only notifications and published events as best effort', () => {
    expect([deploy, traffic('r'), smokeRun, analysis, timer, notify, publish].map(isBestEffort)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
  });
});
